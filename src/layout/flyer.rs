//! The flyer: one sheet. On the front the project name, the three steps with the four codes
//! (each at least `qr_size_mm`, captioned, links printed under them) and the contact; the
//! instructions below the steps, or on the back when they do not fit there.

use super::frame::{Look, Page, Rect, Role};
use super::text::{self, Block, Kind, Line, Measure, Span, Style};
use super::{MM, module_for};
use crate::diag::{Diagnostic, Location};
use crate::project::Project;
use crate::project::model::{CodeName, Paper};

const GAP: f32 = 5.0 * MM;

/// A code cell: the code with its caption and, for links, the printed link.
struct Cell {
    code: CodeName,
    caption: String,
    link: Option<String>,
}

/// One of the three steps: heading, text and its codes.
struct Step {
    heading: String,
    text: String,
    cells: Vec<Cell>,
}

/// What a flyer is laid out with.
struct Flyer<'a> {
    project: &'a Project,
    m: &'a Measure<'a>,
    paper: Paper,
    lang: &'a str,
    margin: f32,
    width: f32,
    /// The activation code's size over `qr_size_mm`.
    activation_scale: f32,
}

/// The activation code is scanned inside the app, where it matters most: it is printed at
/// the first of these times `qr_size_mm` that keeps the flyer on as many pages as at 1×
/// (so it never pushes the instructions to the back).
const ACTIVATION_SCALES: [f32; 2] = [1.5, 1.25];

pub fn layout(
    project: &Project,
    m: &Measure,
    paper: Paper,
    lang: &str,
) -> Result<Vec<Page>, Box<Diagnostic>> {
    let plain = layout_at(project, m, paper, lang, 1.0)?;
    for scale in ACTIVATION_SCALES {
        if let Ok(pages) = layout_at(project, m, paper, lang, scale)
            && pages.len() == plain.len()
        {
            return Ok(pages);
        }
    }
    Ok(plain)
}

fn layout_at(
    project: &Project,
    m: &Measure,
    paper: Paper,
    lang: &str,
    activation_scale: f32,
) -> Result<Vec<Page>, Box<Diagnostic>> {
    let margin = project.theme.print.margin_mm * MM;
    let f = Flyer {
        project,
        m,
        paper,
        lang,
        margin,
        width: paper.size().0 - 2.0 * margin,
        activation_scale,
    };
    // The footer is placed last, so it is read after what stands above it.
    let footer = contact_lines(project, lang, m, f.width);
    let footer_top = paper.size().1 - margin - text::height(&footer);
    let mut front = f.page();
    let head = f.head(&mut front);
    let steps = f.steps(&mut front, head + 3.0 * MM);
    if steps > footer_top {
        return Err(Box::new(f.front_overflow(steps - footer_top)));
    }
    let blocks = text::blocks(&project.instructions[lang]);
    let under_steps = steps + 5.0 * MM;
    if blocks.is_empty() {
        f.footer(&mut front, &footer, footer_top);
        return Ok(vec![front]);
    }
    if let Ok(columns) = f.instructions(&blocks, under_steps, footer_top - 4.0 * MM) {
        f.place(&mut front, &columns, under_steps);
        f.footer(&mut front, &footer, footer_top);
        return Ok(vec![front]);
    }
    f.footer(&mut front, &footer, footer_top);
    let mut back = f.page();
    let bottom = paper.size().1 - margin;
    match f.instructions(&blocks, margin, bottom) {
        Ok(columns) => {
            f.place(&mut back, &columns, margin);
            Ok(vec![front, back])
        }
        Err(overflow) => Err(Box::new(f.too_long(overflow))),
    }
}

/// The instructions laid out in two columns, and the type size they got.
struct Columns {
    heading: Vec<Line>,
    columns: Vec<Vec<Line>>,
}

/// Instructions that do not fit even at the smallest size: the line of the Markdown from
/// which on they do not fit, and how much room they need and have.
struct Overflow {
    source_line: usize,
    size: f32,
    needed: f32,
    fits: f32,
}

impl Flyer<'_> {
    fn page(&self) -> Page {
        let mut page = Page::new(self.paper.size());
        super::draft_band(&mut page, self.project, self.m, self.lang, self.margin);
        page
    }

    fn strings(&self) -> &crate::theme::Strings {
        self.project.strings(self.lang)
    }

    /// Project name, title, intro — each wraps rather than running off the page.
    fn head(&self, page: &mut Page) -> f32 {
        let p = &self.project.theme.print;
        let t = self.strings();
        let mut y = self.margin;
        for (text, size, bold, color, role) in [
            (
                self.project.name.as_str(),
                p.kicker_size,
                true,
                p.accent,
                Role::Paragraph,
            ),
            (
                t["page_title"].as_str(),
                p.title_size,
                true,
                p.ink,
                Role::Heading(1),
            ),
            (
                t["intro"].as_str(),
                p.body_size,
                false,
                p.muted,
                Role::Paragraph,
            ),
        ] {
            let look = Look::new(size, bold, color);
            let spans = Span::plain(text);
            let at = (self.margin, y, self.width);
            y = page.tagged(role, |page| page.wrapped(self.m, &spans, at, look));
            y += size * 0.3;
        }
        y
    }

    fn step_list(&self) -> Vec<Step> {
        let t = self.strings();
        let codes = &self.project.codes;
        let cell = |code: CodeName, link: Option<&str>| Cell {
            code,
            caption: t[code.caption_key()].clone(),
            link: link.map(str::to_string),
        };
        let heading = |n: usize, key: &str| format!("{n}  {}", t[key]);
        let register = match &codes.registration {
            Some(code) => Step {
                heading: heading(3, "step_register"),
                text: t["step_register_text"].clone(),
                cells: vec![cell(CodeName::Registration, Some(&code.payload))],
            },
            None => Step {
                heading: heading(3, "step_register"),
                text: t["step_register_no_url"].clone(),
                cells: vec![],
            },
        };
        vec![
            Step {
                heading: heading(1, "step_download"),
                text: t["step_download_text"].clone(),
                cells: vec![
                    cell(CodeName::AppStore, Some(&codes.app_store.payload)),
                    cell(CodeName::GooglePlay, Some(&codes.google_play.payload)),
                ],
            },
            Step {
                heading: heading(2, "step_activate"),
                text: t["step_activate_text"].clone(),
                cells: vec![cell(CodeName::Activation, None)],
            },
            register,
        ]
    }

    /// Module size and outer edge of a code at `qr_size_mm`.
    fn code_size(&self, code: CodeName) -> (f32, f32) {
        let matrix = self.project.codes.get(code);
        let scale = match code {
            CodeName::Activation => self.activation_scale,
            _ => 1.0,
        };
        let size_mm = self.project.kit.qr_size_mm as f32 * scale;
        matrix.map_or((0.0, 0.0), |m| {
            let module = module_for(m, size_mm);
            (module, m.outer_width() as f32 * module)
        })
    }

    /// The steps in rows: as many side by side as fit the width, each step as wide as its
    /// codes (a step without codes still needs room for its text). Returns the bottom.
    fn steps(&self, page: &mut Page, top: f32) -> f32 {
        let steps = self.step_list();
        let natural: Vec<f32> = steps
            .iter()
            .map(|s| {
                let codes: f32 = s.cells.iter().map(|c| self.code_size(c.code).1).sum();
                (codes + GAP * s.cells.len().saturating_sub(1) as f32).max(35.0 * MM)
            })
            .collect();
        let mut y = top;
        let mut first = 0;
        while first < steps.len() {
            let mut last = first + 1;
            let mut used = natural[first];
            while last < steps.len() && used + GAP + natural[last] <= self.width {
                used += GAP + natural[last];
                last += 1;
            }
            let spare = (self.width - used).max(0.0) / (last - first) as f32;
            let mut x = self.margin;
            let mut bottom = y;
            for (step, w) in steps[first..last].iter().zip(&natural[first..last]) {
                bottom = bottom.max(self.step(page, step, (x, y, w + spare)));
                x += w + spare + GAP;
            }
            y = bottom + 3.0 * MM;
            first = last;
        }
        y - 3.0 * MM
    }

    /// One step in a column; returns its bottom.
    fn step(&self, page: &mut Page, step: &Step, (x, top, width): (f32, f32, f32)) -> f32 {
        let p = &self.project.theme.print;
        let colors = (p.ink, p.accent);
        let heading = text::lines(
            &[Block::new(
                Kind::Heading,
                Span::plain(step.heading.as_str()),
            )],
            self.m,
            width,
            p.heading_size,
            p.heading_size,
        );
        let mut y = page.heading(&heading, (x, top), colors, 2);
        let body = text::lines(
            &[Block::new(Kind::Paragraph, Span::plain(step.text.as_str()))],
            self.m,
            width,
            p.small_size + 1.0,
            p.heading_size,
        );
        y = page.lines(&body, x, y + 1.0 * MM, colors) + 2.0 * MM;
        let (mut cx, mut bottom) = (x, y);
        for cell in &step.cells {
            let outer = self.code_size(cell.code).1;
            if cx > x && cx + outer > x + width + 0.01 {
                cx = x;
                y = bottom + 2.0 * MM;
            }
            bottom = bottom.max(self.cell(page, cell, cx, y));
            cx += outer + GAP;
        }
        bottom
    }

    /// A code with its caption and printed link; returns its bottom.
    fn cell(&self, page: &mut Page, cell: &Cell, x: f32, y: f32) -> f32 {
        let p = &self.project.theme.print;
        let (module, outer) = self.code_size(cell.code);
        let alt = super::alt_text(self.project, self.lang, cell.code);
        page.tagged(Role::Figure(alt), |page| {
            page.code(cell.code, x, y, module, outer);
            if let Some(link) = &cell.link {
                let rect = Rect {
                    x,
                    y,
                    w: outer,
                    h: outer,
                };
                page.link(rect, link.clone());
            }
        });
        let caption = Look::new(p.small_size + 0.5, true, p.ink);
        let spans = Span::bold(cell.caption.as_str());
        let at = (x, y + outer + 1.0 * MM, outer);
        let mut cy = page.tagged(Role::Paragraph, |page| {
            page.wrapped(self.m, &spans, at, caption)
        });
        if let Some(link) = &cell.link {
            let spans = vec![Span {
                text: link.clone(),
                style: Style {
                    link: Some(link.clone()),
                    ..Style::default()
                },
            }];
            let lines: Vec<Line> = text::wrap(&spans, self.m, outer, p.small_size, false)
                .into_iter()
                .map(|pieces| Line::plain(pieces, p.small_size))
                .collect();
            cy = page.lines(&lines, x, cy, (p.muted, p.muted));
        }
        cy
    }

    /// The contact line at the bottom margin, from `top`.
    fn footer(&self, page: &mut Page, lines: &[Line], top: f32) {
        let p = &self.project.theme.print;
        page.lines(lines, self.margin, top, (p.muted, p.accent));
    }

    /// The instructions under their heading in two columns between `top` and `bottom`,
    /// the type stepped down from `body_size` to `body_min_size` until they fit.
    fn instructions(&self, blocks: &[Block], top: f32, bottom: f32) -> Result<Columns, Overflow> {
        let p = &self.project.theme.print;
        let t = self.strings();
        let title = Block::new(
            Kind::Heading,
            Span::plain(t["instructions_heading"].as_str()),
        );
        let heading = text::lines(&[title], self.m, self.width, p.heading_size, p.heading_size);
        let available = bottom - top - text::height(&heading) - 1.0 * MM;
        let column_w = (self.width - GAP) / 2.0;
        let mut size = p.body_size;
        loop {
            let lines = text::lines(blocks, self.m, column_w, size, p.heading_size);
            match text::into_columns(&lines, 2, available) {
                Ok(columns) => return Ok(Columns { heading, columns }),
                Err(first_left) if size <= p.body_min_size => {
                    return Err(Overflow {
                        source_line: lines.get(first_left).map_or(1, |l| l.source_line),
                        size,
                        needed: text::height(&lines),
                        fits: available.max(0.0) * 2.0,
                    });
                }
                Err(_) => size = (size - 0.5).max(p.body_min_size),
            }
        }
    }

    fn place(&self, page: &mut Page, laid: &Columns, top: f32) {
        let p = &self.project.theme.print;
        let colors = (p.ink, p.accent);
        let top = page.heading(&laid.heading, (self.margin, top), colors, 2) + 1.0 * MM;
        let column_w = (self.width - GAP) / 2.0;
        for (i, column) in laid.columns.iter().enumerate() {
            page.lines(
                column,
                self.margin + i as f32 * (column_w + GAP),
                top,
                colors,
            );
        }
    }

    /// E008 at the line of the instructions from which on they do not fit the back page.
    fn too_long(&self, o: Overflow) -> Diagnostic {
        let project = self.project;
        let file = project
            .instruction_files
            .get(self.lang)
            .unwrap_or(&project.source);
        let source_line = project.instructions[self.lang]
            .lines()
            .nth(o.source_line.saturating_sub(1))
            .map(str::to_string);
        let width = source_line.as_ref().map_or(1, |l| l.chars().count());
        let at = Location {
            file: file.clone(),
            line: o.source_line,
            column: 1,
            source_line,
            width,
        };
        Diagnostic::error(
            "E008",
            format!(
                "the {} instructions do not fit the {} flyer, even on its back at {:.1} pt: they need {:.0} mm of column, {:.0} mm fit ({:.0}% too long); this line is the first that does not fit",
                self.lang,
                self.paper.as_str().to_uppercase(),
                o.size,
                o.needed / MM,
                o.fits / MM,
                (o.needed / o.fits.max(1.0) - 1.0) * 100.0
            ),
        )
        .at(at)
        .help("shorten the instructions (the flyer is one sheet; link to longer documentation), or lower body_min_size in the theme's print.toml")
    }

    /// E008 when the steps and codes do not fit the front: blamed on a name that takes
    /// several lines, else on the code size.
    fn front_overflow(&self, over: f32) -> Diagnostic {
        let p = &self.project.theme.print;
        let name_lines = text::wrap(
            &Span::plain(self.project.name.as_str()),
            self.m,
            self.width,
            p.kicker_size,
            true,
        )
        .len();
        let places = &self.project.places;
        let long_link = self
            .project
            .registration_url
            .as_ref()
            .is_some_and(|u| u.chars().count() > 120);
        let (at, help) = if name_lines > 2 {
            (
                &places.name,
                "shorten the project name: it is printed on every material",
            )
        } else if let (true, Some(url)) = (long_link, &places.registration_url) {
            (
                url,
                "use a shorter address for the registration page (a short link the intranet redirects): it is printed under its code",
            )
        } else {
            (
                &self.project.places.qr_size_mm,
                "lower `qr_size_mm` in [kit], or the type sizes in the theme's print.toml",
            )
        };
        Diagnostic::error(
            "E008",
            format!(
                "the steps and codes do not fit the front of the {} flyer: {:.0} mm too high",
                self.paper.as_str().to_uppercase(),
                over / MM
            ),
        )
        .at(at.clone())
        .help(help)
    }
}

/// The contact line: name, email (mailto), phone (tel), wrapped to `width`.
pub fn contact_lines(project: &Project, lang: &str, m: &Measure, width: f32) -> Vec<Line> {
    let size = project.theme.print.small_size + 1.0;
    contact_lines_at(project, lang, m, width, size)
}

/// The contact line at `size` points.
pub fn contact_lines_at(
    project: &Project,
    lang: &str,
    m: &Measure,
    width: f32,
    size: f32,
) -> Vec<Line> {
    let p = &project.theme.print;
    let c = &project.contact;
    let items: Vec<(&String, Option<String>)> = [
        c.name.as_ref().map(|n| (n, None)),
        c.email.as_ref().map(|e| (e, Some(format!("mailto:{e}")))),
        c.phone
            .as_ref()
            .map(|p| (p, Some(format!("tel:{}", p.replace(' ', ""))))),
    ]
    .into_iter()
    .flatten()
    .collect();
    if items.is_empty() {
        return Vec::new();
    }
    let mut spans = Span::bold(format!("{} ", project.strings(lang)["contact_heading"]));
    for (i, (text, link)) in items.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span {
                text: " · ".into(),
                style: Style::default(),
            });
        }
        spans.push(Span {
            text: text.clone(),
            style: Style {
                link,
                ..Default::default()
            },
        });
    }
    let block = Block::new(Kind::Paragraph, spans);
    text::lines(&[block], m, width, size, p.heading_size)
}
