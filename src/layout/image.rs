//! The messenger image (`card.<lang>.png`), laid out in pixels like a page: 1080 px wide, the
//! project name, the activation code large, three one-line steps and the two store codes.

use super::frame::{Look, Page, Rgb};
use super::text::{self, Measure, Span};
use crate::project::Project;
use crate::project::model::CodeName;

pub const WIDTH: f32 = 1080.0;
const PAD: f32 = 72.0;
/// The accent bar across the top, drawn by the theme's template.
const BAR: f32 = 16.0;

pub fn layout(project: &Project, m: &Measure, lang: &str) -> Page {
    let t = project.strings(lang);
    let p = &project.theme.print;
    let mut page = Page::new((WIDTH, 0.0));
    let mut y = PAD + BAR;
    let write = |page: &mut Page, y: &mut f32, text: &str, look: Look, centre: bool| {
        for line in text::wrap(
            &Span::plain(text),
            m,
            WIDTH - 2.0 * PAD,
            look.size,
            look.bold,
        ) {
            let text: Vec<&str> = line.iter().map(|p| p.text.as_str()).collect();
            let text = text.join(" ");
            *y += look.size * 1.2;
            let x = if centre {
                (WIDTH - m.width(&text, look.bold, look.size)) / 2.0
            } else {
                PAD
            };
            page.text(x, *y, text, look);
        }
    };
    write(
        &mut page,
        &mut y,
        &project.name,
        Look::new(44.0, true, p.accent),
        false,
    );
    write(
        &mut page,
        &mut y,
        &t["page_title"],
        Look::new(64.0, true, p.ink),
        false,
    );
    y += 40.0;
    y += code(
        &mut page,
        project,
        CodeName::Activation,
        ((WIDTH - 600.0) / 2.0, y),
        600.0,
    );
    let caption = Look::new(34.0, true, p.ink);
    write(&mut page, &mut y, &t["activation_caption"], caption, true);
    y += 36.0;
    for (n, key) in ["card_step_1", "card_step_2", "card_step_3"]
        .iter()
        .enumerate()
    {
        let step = format!("{}  {}", n + 1, t[*key]);
        write(
            &mut page,
            &mut y,
            &step,
            Look::new(38.0, n == 1, p.ink),
            false,
        );
        y += 10.0;
    }
    y += 36.0;
    y = stores(&mut page, project, m, lang, y, p.ink);
    page.height = (y + PAD).ceil();
    page
}

/// The two store codes side by side with their captions; returns the captions' baseline.
fn stores(page: &mut Page, project: &Project, m: &Measure, lang: &str, top: f32, ink: Rgb) -> f32 {
    let t = project.strings(lang);
    let side = 330.0;
    let gap = WIDTH - 2.0 * PAD - 2.0 * side;
    let stores = [CodeName::AppStore, CodeName::GooglePlay];
    let mut drawn = 0.0f32;
    for (i, name) in stores.iter().enumerate() {
        let x = PAD + i as f32 * (side + gap);
        drawn = drawn.max(code(page, project, *name, (x, top), side));
    }
    let baseline = top + drawn + 40.0;
    for (i, name) in stores.iter().enumerate() {
        let caption = &t[name.caption_key()];
        let look = Look::new(32.0, true, ink);
        let centre = PAD + i as f32 * (side + gap) + side / 2.0;
        page.text(
            centre - m.width(caption, true, 32.0) / 2.0,
            baseline,
            caption.clone(),
            look,
        );
    }
    baseline
}

/// A code centred in a square of `side` px, in whole pixels per module; returns its edge.
fn code(page: &mut Page, project: &Project, name: CodeName, (x, y): (f32, f32), side: f32) -> f32 {
    let Some(matrix) = project.codes.get(name) else {
        return 0.0;
    };
    let module = (side / matrix.outer_width() as f32).floor().max(1.0);
    let drawn = module * matrix.outer_width() as f32;
    page.code(name, x + (side - drawn) / 2.0, y, module, drawn);
    drawn
}
