//! The print kit as PDF: krilla walks the laid-out pages (`crate::layout`) and draws them.
//! Text is real text in the theme's embedded, subset font; codes are vector paths. Nothing
//! here decides a position or judges input.

use crate::error::{Error, Result};
use crate::layout::{Document, Item, Look, Page, Rect, Rgb};
use crate::project::Project;
use crate::qr::{Matrix, QUIET_ZONE};
use crate::theme::Fonts;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Transform};
use krilla::num::NormalizedF32;
use krilla::paint::{Fill, FillRule, Stroke};
use krilla::surface::Surface;
use krilla::text::TextDirection;

/// Writes one laid-out document.
pub fn write(project: &Project, document: &Document) -> Result<Vec<u8>> {
    let fonts = &project.theme.fonts;
    let mut pdf = new_document(project);
    let stem = document.file.trim_end_matches(".pdf");
    pdf.set_metadata(metadata(project, &document.lang, stem));
    for laid in &document.pages {
        let settings = krilla::page::PageSettings::from_wh(laid.width, laid.height)
            .ok_or_else(|| Error::Internal(format!("{} has a page of no size", document.file)))?;
        let mut page = pdf.start_page_with(settings);
        let mut surface = page.surface();
        draw(&mut surface, project, fonts, laid)?;
        surface.finish();
        add_links(&mut page, laid);
        page.finish();
    }
    pdf.finish().map_err(|e| {
        Error::Internal(format!(
            "krilla could not write {}: {}",
            document.file,
            describe(&e)
        ))
    })
}

fn draw(surface: &mut Surface, project: &Project, fonts: &Fonts, page: &Page) -> Result<()> {
    for item in &page.items {
        match item {
            Item::Text {
                x,
                baseline,
                text,
                look,
            } => draw_text(surface, fonts, *x, *baseline, text, *look),
            Item::Code {
                code, x, y, module, ..
            } => {
                let matrix = project.codes.get(*code).ok_or_else(|| {
                    Error::Internal(format!(
                        "the layout placed the {} code, which the kit does not have",
                        code.as_str()
                    ))
                })?;
                draw_code(surface, matrix, *x, *y, *module);
            }
            Item::Fill { rect, color } => draw_rect(surface, *rect, *color),
            Item::Rule { from, to, width } => draw_line(surface, *from, *to, *width),
            Item::Link { .. } => {}
        }
    }
    Ok(())
}

fn fill(color: Rgb) -> Fill {
    Fill {
        paint: rgb::Color::new(color.0, color.1, color.2).into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::NonZero,
    }
}

fn draw_text(surface: &mut Surface, fonts: &Fonts, x: f32, baseline: f32, text: &str, look: Look) {
    if look.italic {
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
    surface.set_fill(Some(fill(look.color)));
    surface.draw_text(
        Point::from_xy(x, baseline),
        if look.bold {
            fonts.bold.clone()
        } else {
            fonts.regular.clone()
        },
        look.size,
        text,
        false,
        TextDirection::Auto,
    );
    if look.italic {
        surface.pop();
    }
}

/// A code with its quiet zone at (`x`, `y`), `module` points per module: a light square,
/// then one dark path of merged runs.
fn draw_code(surface: &mut Surface, matrix: &Matrix, x: f32, y: f32, module: f32) {
    let outer = matrix.outer_width() as f32 * module;
    draw_rect(
        surface,
        Rect {
            x,
            y,
            w: outer,
            h: outer,
        },
        (255, 255, 255),
    );
    let mut pb = PathBuilder::new();
    let origin = QUIET_ZONE as f32 * module;
    for (mx, my, len) in matrix.runs() {
        if let Some(rect) = krilla::geom::Rect::from_xywh(
            x + origin + mx as f32 * module,
            y + origin + my as f32 * module,
            len as f32 * module,
            module,
        ) {
            pb.push_rect(rect);
        }
    }
    if let Some(path) = pb.finish() {
        surface.set_fill(Some(fill((0, 0, 0))));
        surface.draw_path(&path);
    }
}

fn draw_rect(surface: &mut Surface, rect: Rect, color: Rgb) {
    let mut pb = PathBuilder::new();
    if let Some(r) = krilla::geom::Rect::from_xywh(rect.x, rect.y, rect.w, rect.h) {
        pb.push_rect(r);
    }
    if let Some(path) = pb.finish() {
        surface.set_fill(Some(fill(color)));
        surface.draw_path(&path);
    }
}

/// A thin line, for crop marks.
fn draw_line(surface: &mut Surface, from: (f32, f32), to: (f32, f32), width: f32) {
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

/// A new document: PDF/A-2b (archival) when the kit has a date, which PDF/A requires; a plain
/// PDF otherwise, since the clock may not date an output.
fn new_document(project: &Project) -> krilla::Document {
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
fn metadata(project: &Project, lang: &str, document: &str) -> krilla::metadata::Metadata {
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

/// krilla's error in words (its variants carry no message of their own).
fn describe(error: &krilla::error::KrillaError) -> String {
    use krilla::error::KrillaError;
    match error {
        KrillaError::Font(_, why) => format!("a font could not be embedded ({why})"),
        KrillaError::Validation(errors) => {
            format!("{} validation error(s) of the PDF profile", errors.len())
        }
        KrillaError::Limit(_) => "a limit of the PDF format was exceeded".into(),
        _ => "the document could not be finished".into(),
    }
}

/// Adds the page's link areas as link annotations.
fn add_links(page: &mut krilla::page::Page, laid: &Page) {
    use krilla::action::LinkAction;
    use krilla::annotation::{Annotation, LinkAnnotation, Target};
    for item in &laid.items {
        if let Item::Link { rect, url } = item
            && let Some(area) = krilla::geom::Rect::from_xywh(rect.x, rect.y, rect.w, rect.h)
        {
            let target = Target::Action(LinkAction::new(url.clone()).into());
            page.add_annotation(Annotation::new_link(
                LinkAnnotation::new(area, target),
                Some(url.clone()),
            ));
        }
    }
}
