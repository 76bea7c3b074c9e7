//! `cards-a4.<lang>.pdf`: wallet cards (85 × 55 mm) tiled 2 × 5 on A4, with crop marks in the
//! margin outside the cards. Each card: the project name, the activation code, a store hint
//! and three one-line steps.

use super::layout::{self, Span};
use super::{Fonts, Look, MM, draw_code, draw_line, draw_text, module_for};
use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::project::Project;

pub const CARD_W_MM: f32 = 85.0;
pub const CARD_H_MM: f32 = 55.0;
pub const COLUMNS: usize = 2;
pub const ROWS: usize = 5;
const PADDING_MM: f32 = 3.5;

pub fn render(project: &Project, fonts: &Fonts, lang: &str) -> Result<Vec<u8>> {
    let t = project.strings(lang);
    let p = &project.theme.print;
    let m = &fonts.measure;
    let (page_w, page_h) = super::paper_size("a4");
    let (card_w, card_h, pad) = (CARD_W_MM * MM, CARD_H_MM * MM, PADDING_MM * MM);
    let left = (page_w - COLUMNS as f32 * card_w) / 2.0;
    let top = (page_h - ROWS as f32 * card_h) / 2.0;

    let code = &project.codes.activation;
    let module = module_for(code, project.kit.qr_size_mm as f32);
    let outer = code.outer_width() as f32 * module;
    if outer > card_h - 2.0 * pad + 0.01 {
        let fits = (card_h - 2.0 * pad) / code.outer_width() as f32 * code.width as f32 / MM;
        return Err(Error::Invalid(vec![
            Diagnostic::error(
                "E001",
                format!("qr_size_mm = {} is too large for wallet cards: at most {:.0} mm of this activation code fit on a 55 mm card", project.kit.qr_size_mm, fits.floor()),
            )
            .in_file(&project.source)
            .help("lower `qr_size_mm` in [kit], or build without the card sheet (`--only` without pdf)"),
        ]));
    }
    let text_w = card_w - outer - 2.0 * pad - 2.0 * MM;

    let mut document = super::new_document(project);
    document.set_metadata(super::metadata(project, lang, &format!("cards-a4.{lang}")));
    let settings = krilla::page::PageSettings::from_wh(page_w, page_h)
        .ok_or_else(|| Error::Usage("bad page size".into()))?;
    let mut page = document.start_page_with(settings);
    let mut surface = page.surface();

    // Crop marks: every cut line, extended into the margin, clear of the cards.
    let (gap, len) = (2.0 * MM, 6.0 * MM);
    let right = left + COLUMNS as f32 * card_w;
    let bottom = top + ROWS as f32 * card_h;
    for i in 0..=COLUMNS {
        let x = left + i as f32 * card_w;
        draw_line(&mut surface, (x, top - gap - len), (x, top - gap), 0.4);
        draw_line(
            &mut surface,
            (x, bottom + gap),
            (x, bottom + gap + len),
            0.4,
        );
    }
    for j in 0..=ROWS {
        let y = top + j as f32 * card_h;
        draw_line(&mut surface, (left - gap - len, y), (left - gap, y), 0.4);
        draw_line(&mut surface, (right + gap, y), (right + gap + len, y), 0.4);
    }

    // The text of a card, laid out once: (lines, size, bold, colour, step number).
    let small = p.small_size - 0.5;
    let indent = 3.0 * MM;
    // The card's text at a scale of the theme's sizes; a long name steps the sizes down.
    let parts_at = |scale: f32| -> Vec<Part> {
        let part = |text: &str, width: f32, size: f32, bold: bool, color: super::Rgb| Part {
            lines: layout::wrap(&Span::plain(text), m, width, size * scale, bold),
            look: Look {
                size: size * scale,
                bold,
                color,
            },
            number: None,
            after: 0.6 * MM,
        };
        let mut parts = vec![
            Part {
                after: 0.0,
                ..part(&project.name, text_w, p.small_size + 2.5, true, p.accent)
            },
            Part {
                after: 1.0 * MM,
                ..part(&t["card_title"], text_w, small + 1.0, true, p.ink)
            },
        ];
        let steps = [&t["card_step_1"], &t["card_step_2"], &t["card_step_3"]];
        for (n, step) in steps.into_iter().enumerate() {
            parts.push(Part {
                number: Some(n + 1),
                ..part(step, text_w - indent, small, false, p.ink)
            });
        }
        parts.push(part(
            &t["card_store_hint"],
            text_w,
            small - 0.5,
            false,
            p.muted,
        ));
        parts
    };
    let height = |parts: &[Part]| -> f32 {
        parts
            .iter()
            .map(|part| part.lines.len() as f32 * part.look.size * 1.25 + part.after)
            .sum()
    };
    let room = card_h - 2.0 * pad;
    let Some(parts) = (0..=6)
        .map(|step| parts_at(1.0 - 0.05 * step as f32))
        .find(|parts| height(parts) <= room)
    else {
        let needed = height(&parts_at(0.7));
        return Err(Error::Invalid(vec![
            Diagnostic::error(
                "E008",
                format!("the {lang} wallet card text needs {:.0} mm even at 70% size, but an 85 × 55 mm card has {:.0} mm", needed / MM, room / MM),
            )
            .in_file(&project.source)
            .help("shorten the project name or the card_* strings in i18n/<lang>.toml"),
        ]));
    };

    for row in 0..ROWS {
        for col in 0..COLUMNS {
            let x = left + col as f32 * card_w;
            let y = top + row as f32 * card_h;
            draw_code(
                &mut surface,
                code,
                x + card_w - pad - outer,
                y + (card_h - outer) / 2.0,
                module,
            );
            let mut ty = y + pad;
            for part in &parts {
                let size = part.look.size;
                if let Some(n) = part.number {
                    draw_text(
                        &mut surface,
                        fonts,
                        x + pad,
                        ty + size,
                        &n.to_string(),
                        Look {
                            bold: true,
                            color: p.accent,
                            ..part.look
                        },
                    );
                }
                let shift = if part.number.is_some() { indent } else { 0.0 };
                for line in &part.lines {
                    for piece in line {
                        draw_text(
                            &mut surface,
                            fonts,
                            x + pad + shift + piece.x,
                            ty + size,
                            &piece.text,
                            part.look,
                        );
                    }
                    ty += size * 1.25;
                }
                ty += part.after;
            }
        }
    }
    surface.finish();
    page.finish();
    super::finish(document, &format!("cards-a4.{lang}.pdf"))
}

/// One part of a card's text, laid out: its lines and look, the step number drawn before
/// it, and the space after it.
struct Part {
    lines: Vec<Vec<layout::Piece>>,
    look: Look,
    number: Option<usize>,
    after: f32,
}
