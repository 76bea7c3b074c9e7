//! The print kit: one-page flyers and wallet-card sheets, written with krilla. Text is real
//! text in the theme's embedded, subset font; codes are vector paths.

pub mod cards;
pub mod flyer;
pub mod layout;

use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::project::Project;
use crate::qr::{Matrix, QUIET_ZONE};
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Transform};
use krilla::num::NormalizedF32;
use krilla::paint::{Fill, FillRule, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use layout::{Line, Measure};

/// Points per millimetre.
pub const MM: f32 = 72.0 / 25.4;

pub type Rgb = (u8, u8, u8);
pub const BLACK: Rgb = (0, 0, 0);
pub const WHITE: Rgb = (255, 255, 255);

/// Page sizes in points.
pub fn paper_size(paper: &str) -> (f32, f32) {
    match paper {
        "letter" => (612.0, 792.0),
        _ => (595.276, 841.89),
    }
}

/// The theme font, for drawing (krilla) and measuring (rustybuzz).
pub struct Fonts<'a> {
    pub regular: Font,
    pub bold: Font,
    pub measure: Measure<'a>,
}

impl<'a> Fonts<'a> {
    pub fn of(project: &'a Project) -> Result<Fonts<'a>> {
        let files = &project.theme.files;
        let regular = &files[crate::theme::FONT_REGULAR].bytes;
        let bold = &files[crate::theme::FONT_BOLD].bytes;
        // validate() checked that both fonts load.
        let unreadable = || {
            Error::Invalid(vec![Diagnostic::error(
                "E008",
                "the theme font cannot be read",
            )])
        };
        Ok(Fonts {
            regular: Font::new(regular.clone().into(), 0).ok_or_else(unreadable)?,
            bold: Font::new(bold.clone().into(), 0).ok_or_else(unreadable)?,
            measure: Measure::new(regular, bold).ok_or_else(unreadable)?,
        })
    }

    fn font(&self, bold: bool) -> Font {
        if bold {
            self.bold.clone()
        } else {
            self.regular.clone()
        }
    }
}

fn fill(color: Rgb) -> Fill {
    Fill {
        paint: rgb::Color::new(color.0, color.1, color.2).into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::NonZero,
    }
}

/// A link area to add to the page once its surface is finished.
pub struct LinkArea {
    pub rect: Rect,
    pub url: String,
}

/// Size, weight and colour of a piece of text.
#[derive(Debug, Clone, Copy)]
pub struct Look {
    pub size: f32,
    pub bold: bool,
    pub color: Rgb,
}

/// Draws one line of text at `baseline`, `x` from the left.
pub fn draw_text(
    surface: &mut Surface,
    fonts: &Fonts,
    x: f32,
    baseline: f32,
    text: &str,
    look: Look,
) {
    surface.set_fill(Some(fill(look.color)));
    surface.draw_text(
        Point::from_xy(x, baseline),
        fonts.font(look.bold),
        look.size,
        text,
        false,
        TextDirection::Auto,
    );
}

/// Draws laid-out lines from (`x`, `top`); links become link areas.
/// `colors`: (text, links and headings).
pub fn draw_lines(
    surface: &mut Surface,
    fonts: &Fonts,
    lines: &[Line],
    x: f32,
    top: f32,
    (ink, accent): (Rgb, Rgb),
    links: &mut Vec<LinkArea>,
) -> f32 {
    let mut y = top;
    for line in lines {
        y += line.space_before;
        let baseline = y + line.size * 1.0;
        if let Some((at, marker)) = &line.marker {
            draw_text(
                surface,
                fonts,
                x + at,
                baseline,
                marker,
                Look {
                    size: line.size,
                    bold: false,
                    color: ink,
                },
            );
        }
        for piece in &line.pieces {
            let bold = line.bold || piece.style.bold;
            let color = if piece.style.link.is_some() || line.heading {
                accent
            } else {
                ink
            };
            let px = x + line.indent + piece.x;
            let look = Look {
                size: line.size,
                bold,
                color,
            };
            if piece.style.italic {
                // The theme has no italic face: slant the regular one.
                surface.push_transform(&Transform::from_row(
                    1.0,
                    0.0,
                    -0.2,
                    1.0,
                    0.2 * baseline,
                    0.0,
                ));
            }
            draw_text(surface, fonts, px, baseline, &piece.text, look);
            if piece.style.italic {
                surface.pop();
            }
            if let Some(url) = &piece.style.link
                && let Some(rect) =
                    Rect::from_xywh(px, baseline - line.size, piece.width, line.size * 1.25)
            {
                links.push(LinkArea {
                    rect,
                    url: url.clone(),
                });
            }
        }
        y += line.height;
    }
    y
}

/// Draws a code with its quiet zone at (`x`, `y`), `module` points per module: a light square,
/// then one dark path of merged runs. Returns the outer edge length.
pub fn draw_code(surface: &mut Surface, matrix: &Matrix, x: f32, y: f32, module: f32) -> f32 {
    let outer = matrix.outer_width() as f32 * module;
    draw_rect(surface, x, y, outer, outer, WHITE);
    let mut pb = PathBuilder::new();
    let origin = QUIET_ZONE as f32 * module;
    for (mx, my, len) in matrix.runs() {
        if let Some(rect) = Rect::from_xywh(
            x + origin + mx as f32 * module,
            y + origin + my as f32 * module,
            len as f32 * module,
            module,
        ) {
            pb.push_rect(rect);
        }
    }
    if let Some(path) = pb.finish() {
        surface.set_fill(Some(fill(BLACK)));
        surface.draw_path(&path);
    }
    outer
}

pub fn rect_path(x: f32, y: f32, w: f32, h: f32) -> Option<krilla::geom::Path> {
    let mut pb = PathBuilder::new();
    pb.push_rect(Rect::from_xywh(x, y, w, h)?);
    pb.finish()
}

pub fn draw_rect(surface: &mut Surface, x: f32, y: f32, w: f32, h: f32, color: Rgb) {
    surface.set_fill(Some(fill(color)));
    if let Some(path) = rect_path(x, y, w, h) {
        surface.draw_path(&path);
    }
}

/// A thin line, for crop marks.
pub fn draw_line(surface: &mut Surface, from: (f32, f32), to: (f32, f32), width: f32) {
    let mut pb = PathBuilder::new();
    pb.move_to(from.0, from.1);
    pb.line_to(to.0, to.1);
    if let Some(path) = pb.finish() {
        surface.set_fill(None);
        surface.set_stroke(Some(Stroke {
            width,
            ..Stroke::default()
        }));
        surface.draw_path(&path);
        surface.set_stroke(None);
    }
}

/// Module size in points so the code itself (quiet zone excluded) is `size_mm` wide.
pub fn module_for(matrix: &Matrix, size_mm: f32) -> f32 {
    size_mm * MM / matrix.width as f32
}

/// A new document: PDF/A-2b (archival) when the kit has a date, which PDF/A requires; a plain
/// PDF otherwise, since the clock may not date an output.
pub fn new_document(project: &Project) -> krilla::Document {
    use krilla::configure::{Archival, ConfigurationBuilder};
    let archival = ConfigurationBuilder::new()
        .with_archival_validator(Archival::A2_B)
        .finish();
    match (&project.kit.date, archival) {
        (Some(_), Ok(configuration)) => krilla::Document::new_with(krilla::SerializeSettings {
            configuration,
            ..Default::default()
        }),
        _ => krilla::Document::new(),
    }
}

/// Document metadata: title, language, the kit's date (never the clock), a fixed ID.
pub fn metadata(project: &Project, lang: &str, document: &str) -> krilla::metadata::Metadata {
    let mut m = krilla::metadata::Metadata::new()
        .title(project.name.clone())
        .language(lang.to_string())
        .creator(crate::kit::manifest::generator())
        .document_id(format!("{}/{document}", project.id));
    if let Some(day) = project.kit.date.as_deref().and_then(crate::date::parse_day) {
        let (y, mo, d) = crate::date::civil_from_days(day);
        let date = krilla::metadata::DateTime::new(y as u16)
            .month(mo as u8)
            .day(d as u8);
        m = m.creation_date(date);
    }
    m
}

/// Finishes a document; krilla's errors become E008 naming the file.
pub fn finish(document: krilla::Document, name: &str) -> Result<Vec<u8>> {
    document.finish().map_err(|e| {
        Error::Invalid(vec![
            Diagnostic::error("E008", format!("{name} cannot be written: {e:?}"))
                .help("this is a bug in mobileid-kit or a font it cannot embed; report it with the project"),
        ])
    })
}

/// Adds link annotations to a page.
pub fn add_links(page: &mut krilla::page::Page, links: Vec<LinkArea>) {
    use krilla::action::LinkAction;
    use krilla::annotation::{Annotation, LinkAnnotation, Target};
    for link in links {
        let target = Target::Action(LinkAction::new(link.url.clone()).into());
        page.add_annotation(Annotation::new_link(
            LinkAnnotation::new(link.rect, target),
            Some(link.url),
        ));
    }
}
