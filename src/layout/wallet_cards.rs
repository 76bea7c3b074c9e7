//! The wallet-card sheets: on plain A4, cards of 85 × 55 mm tiled 2 × 5 with crop marks in
//! the margin outside the cards; on precut business-card stock, exactly on the
//! manufacturer's die-cuts, without marks. Each card: the project name, the activation code,
//! three one-line steps and a store hint, inside a safe margin of the card's edge. A code
//! larger than a card holds is printed at the largest size that fits, and the build report
//! says so.

use super::frame::{Item, Look, Page, Role};
use super::text::{self, Measure, Piece, Span};
use super::{MM, module_for};
use crate::diag::Diagnostic;
use crate::project::Project;
use crate::project::model::{CodeName, Paper, Stock};

pub const COLUMNS: usize = 2;
pub const ROWS: usize = 5;
/// The safe margin: nothing is printed closer than this to a card's edge or die-cut.
pub const PADDING_MM: f32 = 3.5;

/// Where the cards of a stock sit on its sheet, in millimetres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sheet {
    /// The sheet, in points.
    pub paper: (f32, f32),
    /// A card's width and height.
    pub card: (f32, f32),
    /// The top-left corner of the first card.
    pub origin: (f32, f32),
    /// From one card's left (top) edge to the next one's.
    pub pitch: (f32, f32),
    /// Plain paper is cut by hand along crop marks; precut stock needs none.
    pub crop_marks: bool,
}

impl Sheet {
    pub fn of(stock: Stock) -> Sheet {
        match stock {
            // 2 × 5 cards of 85 × 55 mm, centred on A4.
            Stock::A4 => Sheet {
                paper: Paper::A4.size(),
                card: (85.0, 55.0),
                origin: (20.0, 11.0),
                pitch: (85.0, 55.0),
                crop_marks: true,
            },
            // Avery Zweckform C32011 (template "C32011", avery-zweckform.com): cards
            // 85 × 54 mm, 2 × 5 on A4; top and bottom margin 13.5 mm, left and right
            // 15 mm, 10 mm between the columns, none between the rows.
            Stock::C32011 => Sheet {
                paper: Paper::A4.size(),
                card: (85.0, 54.0),
                origin: (15.0, 13.5),
                pitch: (95.0, 54.0),
                crop_marks: false,
            },
            // Avery 5371 / 8371 (template "5371", avery.com): cards 3.5 × 2 in, 2 × 5 on
            // US Letter; top and bottom margin 0.5 in, left and right 0.75 in, no gaps.
            Stock::Avery5371 => Sheet {
                paper: Paper::Letter.size(),
                card: (88.9, 50.8),
                origin: (19.05, 12.7),
                pitch: (88.9, 50.8),
                crop_marks: false,
            },
        }
    }

    /// The top-left corner of the card in `row` and `col`, in millimetres.
    pub fn card_at(&self, row: usize, col: usize) -> (f32, f32) {
        (
            self.origin.0 + col as f32 * self.pitch.0,
            self.origin.1 + row as f32 * self.pitch.1,
        )
    }

    /// The stock a card sheet's file name (`cards-<stock>.<lang>.pdf`) names.
    pub fn of_file(name: &str) -> Option<Sheet> {
        let stock = name.strip_prefix("cards-")?.split('.').next()?;
        Stock::parse(stock).map(Sheet::of)
    }
}
/// The card's text keeps at least this much width beside the code.
const TEXT_MIN_MM: f32 = 30.0;
/// The text steps down to 70 % of the theme's sizes before it is too long.
const SCALES: [f32; 7] = [1.0, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7];

/// One part of a card's text, laid out: its lines and look, the step number drawn before
/// it, and the space after it.
struct Part {
    lines: Vec<Vec<Piece>>,
    look: Look,
    number: Option<usize>,
    after: f32,
}

/// The sheet of a stock, and a note when the code had to be smaller than `qr_size_mm`.
pub fn layout(
    project: &Project,
    m: &Measure,
    lang: &str,
    stock: Stock,
) -> Result<(Page, Option<String>), Box<Diagnostic>> {
    let sheet = Sheet::of(stock);
    let (card_w, card_h, pad) = (sheet.card.0 * MM, sheet.card.1 * MM, PADDING_MM * MM);
    let code = &project.codes.activation;
    let asked = project.kit.qr_size_mm as f32;
    let largest_outer = (card_h - 2.0 * pad).min(card_w - 2.0 * pad - 2.0 * MM - TEXT_MIN_MM * MM);
    let largest_mm = largest_outer / code.outer_width() as f32 * code.width as f32 / MM;
    let size_mm = asked.min(largest_mm.floor());
    let note = (size_mm < asked).then(|| {
        format!(
            "the activation code is {size_mm:.0} mm on the wallet cards: a {} × {} mm card holds no more than that beside its text (qr_size_mm = {asked:.0})",
            sheet.card.0, sheet.card.1
        )
    });
    let module = module_for(code, size_mm);
    let outer = code.outer_width() as f32 * module;
    let text_w = card_w - outer - 2.0 * pad - 2.0 * MM;
    let parts = fitting_parts(project, m, lang, text_w, sheet.card)?;

    // In reading order: the card's text, then its code.
    let mut card = Page::new((card_w, card_h));
    draw_parts(&mut card, project, &parts, pad);
    let alt = super::alt_text(project, lang, CodeName::Activation);
    let at = (card_w - pad - outer, (card_h - outer) / 2.0);
    card.tagged(Role::Figure(alt), |card| {
        card.code(CodeName::Activation, at.0, at.1, module, outer)
    });

    let mut page = Page::new(sheet.paper);
    // The band sits in the sheet's own top margin, never on a card.
    super::draft_band(&mut page, project, m, lang, sheet.origin.1 * MM);
    if sheet.crop_marks {
        crop_marks(&mut page, &sheet);
    }
    for row in 0..ROWS {
        for col in 0..COLUMNS {
            let (x, y) = sheet.card_at(row, col);
            page.place(&card, x * MM, y * MM);
        }
    }
    Ok((page, note))
}

/// The card's text at the largest scale that fits its height; a text too long even at
/// 70 % is an E008 at its cause: the project name, else the language's strings.
fn fitting_parts(
    project: &Project,
    m: &Measure,
    lang: &str,
    text_w: f32,
    (card_w_mm, card_h_mm): (f32, f32),
) -> Result<Vec<Part>, Box<Diagnostic>> {
    let room = (card_h_mm - 2.0 * PADDING_MM) * MM;
    let fits = |name: &str| {
        SCALES
            .iter()
            .map(|&scale| parts(project, m, lang, name, text_w, scale))
            .find(|p| height(p) <= room)
    };
    if let Some(parts) = fits(&project.name) {
        return Ok(parts);
    }
    let needed = height(&parts(project, m, lang, &project.name, text_w, 0.7));
    let message = format!(
        "the {lang} wallet card text needs {:.0} mm even at 70% size, but a {card_w_mm} × {card_h_mm} mm card has {:.0} mm",
        needed / MM,
        room / MM
    );
    let diagnostic = if fits("").is_some() {
        Diagnostic::error(
            "E008",
            format!("the project name is too long for the wallet card: {message}"),
        )
        .at(project.places.name.clone())
        .help("shorten the project name: it is printed on every card")
    } else {
        Diagnostic::error("E008", message)
            .at(project.places.languages[lang].clone())
            .help(format!("shorten the card_* strings in i18n/{lang}.toml"))
    };
    Err(Box::new(diagnostic))
}

/// The card's text parts at `scale` of the theme's sizes.
fn parts(
    project: &Project,
    m: &Measure,
    lang: &str,
    name: &str,
    width: f32,
    scale: f32,
) -> Vec<Part> {
    let t = project.strings(lang);
    let p = &project.theme.print;
    let small = p.small_size - 0.5;
    let part = |text: &str, width: f32, size: f32, bold: bool, color| Part {
        lines: text::wrap(&Span::plain(text), m, width, size * scale, bold),
        look: Look::new(size * scale, bold, color),
        number: None,
        after: 0.6 * MM,
    };
    let mut parts = Vec::new();
    if project.draft {
        parts.push(part(
            &t["draft_short"],
            width,
            small,
            true,
            super::DRAFT_RED,
        ));
    }
    parts.push(Part {
        after: 0.0,
        ..part(name, width, p.small_size + 2.5, true, p.accent)
    });
    parts.push(Part {
        after: 1.0 * MM,
        ..part(&t["card_title"], width, small + 1.0, true, p.ink)
    });
    for (n, key) in ["card_step_1", "card_step_2", "card_step_3"]
        .into_iter()
        .enumerate()
    {
        parts.push(Part {
            number: Some(n + 1),
            ..part(&t[key], width - 3.0 * MM, small, false, p.ink)
        });
    }
    parts.push(part(
        &t["card_store_hint"],
        width,
        small - 0.5,
        false,
        p.muted,
    ));
    parts
}

fn height(parts: &[Part]) -> f32 {
    parts
        .iter()
        .map(|part| part.lines.len() as f32 * part.look.size * 1.25 + part.after)
        .sum()
}

/// Places the text parts on a card from its top-left padding.
fn draw_parts(card: &mut Page, project: &Project, parts: &[Part], pad: f32) {
    let accent = project.theme.print.accent;
    let mut y = pad;
    for part in parts {
        let role = if part.number.is_some() {
            Role::ListItem
        } else {
            Role::Paragraph
        };
        y = card.tagged(role, |card| draw_part(card, accent, part, (pad, y)));
    }
}

/// One part: its step number (the list label), then its lines; returns its bottom.
fn draw_part(card: &mut Page, accent: super::Rgb, part: &Part, (pad, top): (f32, f32)) -> f32 {
    let size = part.look.size;
    let indent = if let Some(n) = part.number {
        let look = Look {
            bold: true,
            color: accent,
            ..part.look
        };
        card.text(pad, top + size, n.to_string(), look);
        3.0 * MM
    } else {
        0.0
    };
    let mut y = top;
    for line in &part.lines {
        for piece in line {
            let x = pad + indent + piece.x;
            card.text(x, y + size, piece.text.clone(), part.look);
        }
        y += size * 1.25;
    }
    y + part.after
}

/// Every cut line, extended into the margin, clear of the cards.
fn crop_marks(page: &mut Page, sheet: &Sheet) {
    let (card_w, card_h) = (sheet.card.0 * MM, sheet.card.1 * MM);
    let (left, top) = (sheet.origin.0 * MM, sheet.origin.1 * MM);
    let (gap, len) = (2.0 * MM, 6.0 * MM);
    let right = left + COLUMNS as f32 * card_w;
    let bottom = top + ROWS as f32 * card_h;
    let mut rule = |from, to| {
        page.items.push(Item::Rule {
            from,
            to,
            width: 0.4,
        })
    };
    for i in 0..=COLUMNS {
        let x = left + i as f32 * card_w;
        rule((x, top - gap - len), (x, top - gap));
        rule((x, bottom + gap), (x, bottom + gap + len));
    }
    for j in 0..=ROWS {
        let y = top + j as f32 * card_h;
        rule((left - gap - len, y), (left - gap, y));
        rule((right + gap, y), (right + gap + len, y));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precut_stocks_match_their_templates() {
        for stock in [Stock::C32011, Stock::Avery5371] {
            let s = Sheet::of(stock);
            let (w, h) = (s.paper.0 / MM, s.paper.1 / MM);
            let (right, bottom) = s.card_at(ROWS - 1, COLUMNS - 1);
            // Symmetric margins, as both templates have.
            assert!(
                (s.origin.0 - (w - right - s.card.0)).abs() < 0.05,
                "{stock:?}"
            );
            assert!(
                (s.origin.1 - (h - bottom - s.card.1)).abs() < 0.05,
                "{stock:?}"
            );
        }
    }
}
