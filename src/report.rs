//! `status --format html`: the rollout at a glance, one self-contained page for the admin's
//! report to management — counts, the assigned and registered IDs over time, the pending IDs
//! with their age, the revoked ones. No subject appears anywhere: the page gets forwarded.
//! The charts are SVG drawn here; the page is the theme's `status.html` in its language and
//! colours.

use crate::date::format_day;
use crate::html::escape;
use crate::ledger::check::{DayCount, Summary};
use crate::theme::Theme;
use serde_json::json;
use std::fmt::Write as _;

/// What the page is about.
pub struct Report<'a> {
    pub project: &'a str,
    pub lang: &'a str,
    pub pending_days: u32,
    pub summary: &'a Summary,
}

/// Age buckets of the histogram, in days: (from, to) inclusive; the last is open.
const AGES: [(i64, i64); 6] = [
    (0, 7),
    (8, 14),
    (15, 30),
    (31, 60),
    (61, 90),
    (91, i64::MAX),
];

pub fn html(theme: &Theme, report: &Report) -> crate::Result<String> {
    let t = &theme.strings[report.lang];
    let css = format!("{}\n{}", theme.css(), theme.text("static/status.css"));
    let s = report.summary;
    let accent = hex(theme.print.accent);
    let chart = timeline_svg(
        &s.timeline,
        &t["status_chart_title"],
        &t["status_assigned"],
        &t["status_registered"],
        &accent,
    );
    let ages = histogram_svg(s, &t["status_age_title"], &t["status_days"], &accent);
    let context = json!({
        "lang": report.lang,
        "t": t,
        "css": css,
        "csp": crate::html::csp(&css),
        "project": report.project,
        "newest": s.newest,
        "counts": {"assigned": s.assigned, "registered": s.registered, "revoked": s.revoked, "waiting": s.unregistered, "pending": s.pending.len()},
        "pending_days": report.pending_days.to_string(),
        "pending": s.pending,
        "revoked": s.revoked_ids,
        "timeline_svg": chart,
        "ages_svg": ages,
    });
    theme.render("status.html", &context)
}

fn hex((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

const W: f32 = 640.0;
const H: f32 = 260.0;
/// Left, right, top, bottom margins of the plot area.
const M: (f32, f32, f32, f32) = (56.0, 16.0, 16.0, 40.0);

/// The cumulative counts as two step lines over the days, with axes and a description.
fn timeline_svg(
    days: &[DayCount],
    title: &str,
    assigned: &str,
    registered: &str,
    accent: &str,
) -> String {
    let max = days
        .iter()
        .map(|d| d.assigned.max(d.registered))
        .max()
        .unwrap_or(0)
        .max(1);
    let (first, last) = match (days.first(), days.last()) {
        (Some(f), Some(l)) => (f.day, l.day.max(f.day + 1)),
        _ => (0, 1),
    };
    let x = |day: i64| M.0 + (day - first) as f32 / (last - first) as f32 * (W - M.0 - M.1);
    let y = |n: u64| H - M.3 - n as f32 / max as f32 * (H - M.2 - M.3);
    let line = |value: fn(&DayCount) -> u64| {
        let mut points = String::new();
        let mut previous = None;
        for d in days {
            if let Some(p) = previous {
                let _ = write!(points, "{:.1},{:.1} ", x(d.day), y(p));
            }
            let _ = write!(points, "{:.1},{:.1} ", x(d.day), y(value(d)));
            previous = Some(value(d));
        }
        points
    };
    let end = days.last().copied().unwrap_or(DayCount {
        day: first,
        assigned: 0,
        registered: 0,
    });
    let desc = format!(
        "{assigned}: {}; {registered}: {}; {} – {}",
        end.assigned,
        end.registered,
        format_day(first),
        format_day(end.day)
    );
    let mut svg = svg_open("timeline", title, &desc);
    axes(&mut svg, max, (format_day(first), format_day(end.day)));
    let _ = write!(
        svg,
        r##"<polyline fill="none" stroke="{accent}" stroke-width="2.5" points="{}"/><polyline fill="none" stroke="#1d2430" stroke-width="2.5" stroke-dasharray="6 4" points="{}"/>"##,
        line(|d| d.assigned),
        line(|d| d.registered)
    );
    legend(
        &mut svg,
        &[(assigned, accent, ""), (registered, "#1d2430", "6 4")],
    );
    svg.push_str("</svg>");
    svg
}

/// How many pending IDs have waited how long, in the buckets of [`AGES`].
fn histogram_svg(s: &Summary, title: &str, days: &str, accent: &str) -> String {
    let counts: Vec<usize> = AGES
        .iter()
        .map(|(from, to)| {
            s.pending
                .iter()
                .filter(|p| p.days >= *from && p.days <= *to)
                .count()
        })
        .collect();
    let labels: Vec<String> = AGES
        .iter()
        .map(|(from, to)| {
            if *to == i64::MAX {
                format!("> {}", from - 1)
            } else {
                format!("{from}–{to}")
            }
        })
        .collect();
    let desc: Vec<String> = labels
        .iter()
        .zip(&counts)
        .map(|(l, c)| format!("{l} {days}: {c}"))
        .collect();
    let max = counts.iter().copied().max().unwrap_or(0).max(1);
    let mut svg = svg_open("ages", title, &desc.join("; "));
    axes(&mut svg, max as u64, (String::new(), String::new()));
    let slot = (W - M.0 - M.1) / AGES.len() as f32;
    for (i, (count, label)) in counts.iter().zip(&labels).enumerate() {
        let h = *count as f32 / max as f32 * (H - M.2 - M.3);
        let x = M.0 + i as f32 * slot;
        let _ = write!(
            svg,
            r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{h:.1}" fill="{accent}"/><text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            x + slot * 0.15,
            H - M.3 - h,
            slot * 0.7,
            x + slot / 2.0,
            H - M.3 + 16.0,
            escape(label)
        );
    }
    let _ = write!(
        svg,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text></svg>"#,
        W / 2.0,
        H - 4.0,
        escape(days)
    );
    svg
}

/// An SVG image with an accessible name and description.
fn svg_open(id: &str, title: &str, desc: &str) -> String {
    format!(
        r#"<svg class="chart" viewBox="0 0 {W} {H}" role="img" aria-labelledby="{id}-title {id}-desc" font-size="12" fill="currentColor"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape(title),
        escape(desc)
    )
}

/// The y axis with four ticks up to `max`, the x axis with its two end labels.
fn axes(svg: &mut String, max: u64, (from, to): (String, String)) {
    let bottom = H - M.3;
    let _ = write!(
        svg,
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{bottom}\" stroke=\"currentColor\"/><line x1=\"{}\" y1=\"{bottom}\" x2=\"{}\" y2=\"{bottom}\" stroke=\"currentColor\"/>",
        M.0,
        M.2,
        M.0,
        M.0,
        W - M.1
    );
    let ticks = max.min(4);
    for i in 0..=ticks {
        let value = max * i / ticks;
        let y = bottom - value as f32 / max as f32 * (H - M.2 - M.3);
        let _ = write!(
            svg,
            r##"<line x1="{}" y1="{y:.1}" x2="{}" y2="{y:.1}" stroke="#c8ced6" stroke-width="0.5"/><text x="{}" y="{:.1}" text-anchor="end">{value}</text>"##,
            M.0,
            W - M.1,
            M.0 - 6.0,
            y + 4.0
        );
    }
    let _ = write!(
        svg,
        r#"<text x="{}" y="{}">{}</text><text x="{}" y="{}" text-anchor="end">{}</text>"#,
        M.0,
        bottom + 18.0,
        escape(&from),
        W - M.1,
        bottom + 18.0,
        escape(&to)
    );
}

/// A legend of line styles at the top left of the plot.
fn legend(svg: &mut String, entries: &[(&str, &str, &str)]) {
    for (i, (label, colour, dash)) in entries.iter().enumerate() {
        let y = M.2 + 10.0 + i as f32 * 18.0;
        let x = M.0 + 12.0;
        let _ = write!(
            svg,
            r#"<line x1="{x}" y1="{y}" x2="{}" y2="{y}" stroke="{colour}" stroke-width="2.5" stroke-dasharray="{dash}"/><text x="{}" y="{}">{}</text>"#,
            x + 24.0,
            x + 30.0,
            y + 4.0,
            escape(label)
        );
    }
}
