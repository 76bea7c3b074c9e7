//! Layout as data, as typst does it: the print kit is laid out into pages of positioned
//! items ([`frame`]) before anything is drawn. Every fit problem is found here, and `check`
//! runs this pass too, so whatever does not fit is reported by both commands alike, at the
//! place of its cause. The PDF writer (`kit::pdf`) and `verify` only read the pages.

pub mod flyer;
pub mod frame;
pub mod image;
pub mod message;
pub mod poster;
pub mod text;
pub mod wallet_cards;

use crate::diag::Diagnostic;
use crate::project::Project;
use crate::project::model::CodeName;
pub use frame::{Item, Look, Page, Rect, Rgb};
use text::Measure;

/// Points per millimetre.
pub const MM: f32 = 72.0 / 25.4;

/// One PDF of the print kit, laid out.
#[derive(Debug, Clone)]
pub struct Document {
    /// Its file name in the kit, e.g. `flyer-a4.en.pdf`.
    pub file: String,
    pub lang: String,
    pub pages: Vec<Page>,
    /// The codes it shows.
    pub codes: Vec<CodeName>,
}

/// The print kit of one language: its documents, and what the build report should say
/// about them (a code printed smaller than asked, because the card cannot hold it).
#[derive(Debug, Clone, Default)]
pub struct PrintKit {
    pub documents: Vec<Document>,
    pub notes: Vec<String>,
    /// W020 for each printed code whose modules are too small to scan from afar.
    pub warnings: Vec<Diagnostic>,
}

/// Lays out the posters of one language (`[kit] poster`).
pub fn posters(project: &Project, m: &Measure, lang: &str) -> Result<PrintKit, Box<Diagnostic>> {
    let mut kit = PrintKit::default();
    for &size in &project.kit.posters {
        kit.documents.push(Document {
            file: format!("poster-{}.{lang}.pdf", size.as_str()),
            lang: lang.to_string(),
            pages: vec![poster::layout(project, m, lang, size)?],
            codes: project.codes.names(),
        });
    }
    kit.warnings = small_modules(project, &kit.documents);
    Ok(kit)
}

/// Lays out every PDF of one language.
pub fn print_kit(project: &Project, m: &Measure, lang: &str) -> Result<PrintKit, Box<Diagnostic>> {
    let mut kit = PrintKit::default();
    for &paper in &project.kit.paper {
        kit.documents.push(Document {
            file: format!("flyer-{}.{lang}.pdf", paper.as_str()),
            lang: lang.to_string(),
            pages: flyer::layout(project, m, paper, lang)?,
            codes: project.codes.names(),
        });
    }
    for &stock in &project.kit.cards {
        let (page, note) = wallet_cards::layout(project, m, lang, stock)?;
        let file = format!("cards-{}.{lang}.pdf", stock.as_str());
        if let Some(note) = note {
            kit.notes.push(format!("{file}: {note}"));
        }
        kit.documents.push(Document {
            file,
            lang: lang.to_string(),
            pages: vec![page],
            codes: vec![CodeName::Activation],
        });
    }
    kit.warnings = small_modules(project, &kit.documents);
    Ok(kit)
}

/// W020 for each code printed with modules under 0.4 mm.
fn small_modules(project: &Project, documents: &[Document]) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for document in documents {
        for print in crate::reach::prints(document) {
            if print.module_mm < crate::reach::SMALL_MODULE_MM {
                found.push(
                    Diagnostic::warning(
                        "W020",
                        format!(
                            "the {} code on {} is printed with {:.2} mm modules: it scans only from close up (about {} cm)",
                            print.code, document.file, print.module_mm, print.reach_cm
                        ),
                    )
                    .at(project.places.qr_size_mm.clone())
                    .help("print it larger (raise qr_size_mm), or make its content shorter so the code has fewer modules"),
                );
            }
        }
    }
    found
}

/// The theme font of a project, for measuring. Validation made sure both faces load.
pub fn measure(project: &Project) -> Option<Measure<'_>> {
    Measure::of(&project.theme)
}

/// Module size in points so the code itself (quiet zone excluded) is `size_mm` wide.
pub fn module_for(matrix: &crate::qr::Matrix, size_mm: f32) -> f32 {
    size_mm * MM / matrix.width as f32
}

/// The red band across the top margin (`space` points high) of every printed page of a
/// draft.
pub fn draft_band(page: &mut Page, project: &Project, m: &Measure, lang: &str, space: f32) {
    if !project.draft {
        return;
    }
    let margin = project.theme.print.margin_mm * MM;
    let (top, height) = (space * 0.2, space * 0.55);
    let text = &project.strings(lang)["draft"];
    let width = page.width - 2.0 * margin;
    let mut size = (height * 0.55).min(10.0);
    while size > 4.0 && m.width(text, true, size) > width {
        size -= 0.25;
    }
    let rect = Rect {
        x: 0.0,
        y: top,
        w: page.width,
        h: height,
    };
    page.items.push(Item::Fill {
        rect,
        color: DRAFT_RED,
    });
    let x = (page.width - m.width(text, true, size)).max(0.0) / 2.0;
    let baseline = top + (height + size * 0.7) / 2.0;
    let look = Look::new(size, true, frame::WHITE);
    page.tagged(frame::Role::Paragraph, |page| {
        page.text(x, baseline, text.clone(), look)
    });
}

/// What a code is and where it leads, for those who cannot see it: the theme's
/// `qr_alt_*` string, and a link code's address.
pub fn alt_text(project: &Project, lang: &str, code: CodeName) -> String {
    let t = project.strings(lang);
    let key = format!("qr_alt_{}", code.key());
    let text = t[&key].replace("{project}", &crate::text::visible(&project.name));
    match (code, project.codes.get(code)) {
        (CodeName::Activation, _) | (_, None) => text,
        (_, Some(matrix)) => format!("{text}, {}", matrix.payload),
    }
}

/// The colour of every draft mark.
pub const DRAFT_RED: Rgb = (178, 34, 34);
