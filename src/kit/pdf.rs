//! The print kit as PDF: krilla walks the laid-out pages (`crate::layout`) and draws them.
//! Text is real text in the theme's embedded, subset font; codes are vector paths. Nothing
//! here decides a position or judges input.

use super::tags::Mark;
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
use krilla::tagging::{Artifact, ArtifactType, ContentTag, SpanTag};
use krilla::text::{GlyphId, KrillaGlyph};

/// Writes one laid-out document.
pub fn write(project: &Project, document: &Document) -> Result<Vec<u8>> {
    let shaper = crate::layout::text::Shaper::of(&project.theme).ok_or_else(|| {
        Error::Internal("the theme font passed validation but cannot be shaped".into())
    })?;
    let fonts = &Pen {
        fonts: &project.theme.fonts,
        shaper,
    };
    let mut pdf = new_document(project)?;
    let stem = document.file.trim_end_matches(".pdf");
    pdf.set_metadata(metadata(project, &document.lang, stem));
    let mut tree = krilla::tagging::TagTree::new();
    for laid in &document.pages {
        let settings = krilla::page::PageSettings::from_wh(laid.width, laid.height)
            .ok_or_else(|| Error::Internal(format!("{} has a page of no size", document.file)))?;
        let mut page = pdf.start_page_with(settings);
        let mut surface = page.surface();
        let marks = draw(&mut surface, project, fonts, laid)?;
        surface.finish();
        let links = add_links(&mut page, laid);
        page.finish();
        for node in super::tags::page_nodes(laid, marks, &links) {
            tree.push(node);
        }
    }
    pdf.set_tag_tree(tree);
    pdf.set_outline(super::tags::outline(&document.pages));
    pdf.finish().map_err(|e| {
        Error::Internal(format!(
            "krilla could not write {}: {}",
            document.file,
            describe(&e)
        ))
    })
}

/// The theme's fonts as krilla embeds them, and their shaper (one per document, so each
/// text is not shaped from a freshly parsed font).
struct Pen<'a> {
    fonts: &'a Fonts,
    shaper: crate::layout::text::Shaper<'a>,
}

impl Pen<'_> {
    /// `text` shaped, each glyph with the range of the text it shows (for copying text out
    /// of the PDF), advances in ems.
    fn glyphs(&self, text: &str, bold: bool) -> Vec<KrillaGlyph> {
        let (shaped, direction) = self.shaper.shape_directed(text, bold);
        let em = self.shaper.face(bold).units_per_em() as f32;
        let infos = shaped.glyph_infos();
        let rtl = matches!(
            direction,
            rustybuzz::Direction::RightToLeft | rustybuzz::Direction::BottomToTop
        );
        shaped
            .glyph_positions()
            .iter()
            .zip(infos)
            .enumerate()
            .map(|(i, (pos, info))| {
                let start = info.cluster as usize;
                // The cluster ends where the next cluster in text order begins.
                let next = |j: usize| infos.get(j).filter(|n| n.cluster != info.cluster);
                let end = if rtl {
                    (0..i)
                        .rev()
                        .find_map(next)
                        .map_or(text.len(), |n| n.cluster as usize)
                } else {
                    (i + 1..infos.len())
                        .find_map(next)
                        .map_or(text.len(), |n| n.cluster as usize)
                };
                KrillaGlyph::new(
                    GlyphId::new(info.glyph_id),
                    pos.x_advance as f32 / em,
                    pos.x_offset as f32 / em,
                    pos.y_offset as f32 / em,
                    pos.y_advance as f32 / em,
                    start..end.max(start),
                    None,
                )
            })
            .collect()
    }
}

/// Draws the page's items, each marked as content of its element or as an artifact; returns
/// what each element holds.
fn draw(
    surface: &mut Surface,
    project: &Project,
    fonts: &Pen,
    page: &Page,
) -> Result<Vec<Vec<Mark>>> {
    let mut owner: Vec<Option<usize>> = vec![None; page.items.len()];
    for (e, element) in page.structure.iter().enumerate() {
        for slot in &mut owner[element.items.clone()] {
            *slot = Some(e);
        }
    }
    let mut marks: Vec<Vec<Mark>> = vec![Vec::new(); page.structure.len()];
    let mut links = 0;
    for (item, owner) in page.items.iter().zip(owner) {
        if let Item::Link { .. } = item {
            if let Some(e) = owner {
                marks[e].push(Mark::Link(links));
            }
            links += 1;
            continue;
        }
        let tag = match (owner, item) {
            (Some(_), Item::Text { .. }) => ContentTag::Span(SpanTag::empty()),
            (Some(_), _) => ContentTag::Other,
            (None, _) => ContentTag::Artifact(Artifact::new(ArtifactType::Page, None)),
        };
        let id = surface.start_tagged(tag);
        draw_item(surface, project, fonts, item)?;
        surface.end_tagged();
        if let Some(e) = owner {
            marks[e].push(Mark::Content(id));
        }
    }
    Ok(marks)
}

fn draw_item(surface: &mut Surface, project: &Project, fonts: &Pen, item: &Item) -> Result<()> {
    {
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

fn draw_text(surface: &mut Surface, pen: &Pen, x: f32, baseline: f32, text: &str, look: Look) {
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
    let font = if look.bold {
        pen.fonts.bold.clone()
    } else {
        pen.fonts.regular.clone()
    };
    let glyphs = pen.glyphs(text, look.bold);
    surface.draw_glyphs(
        Point::from_xy(x, baseline),
        &glyphs,
        font,
        text,
        look.size,
        false,
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

/// A new document, tagged and validated as PDF/UA-1 (accessible); with a kit date also as
/// PDF/A-2a (archival, which needs the date; the clock may not date an output).
fn new_document(project: &Project) -> Result<krilla::Document> {
    use krilla::configure::{Accessibility, Archival, ConfigurationBuilder};
    let mut builder = ConfigurationBuilder::new().with_accessibility_validator(Accessibility::UA1);
    if project.kit.date.is_some() {
        builder = builder.with_archival_validator(Archival::A2_A);
    }
    let configuration = builder
        .finish()
        .map_err(|_| Error::Internal("PDF/UA-1 and PDF/A-2a cannot be combined".into()))?;
    Ok(krilla::Document::new_with(krilla::SerializeSettings {
        configuration,
        enable_tagging: true,
        ..Default::default()
    }))
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

/// Adds the page's link areas as tagged link annotations, in order; their identifiers.
fn add_links(page: &mut krilla::page::Page, laid: &Page) -> Vec<krilla::tagging::Identifier> {
    use krilla::action::LinkAction;
    use krilla::annotation::{Annotation, LinkAnnotation, Target};
    let mut ids = Vec::new();
    for item in &laid.items {
        if let Item::Link { rect, url } = item {
            // A link area has a size by construction; a degenerate one still gets one point.
            let area =
                krilla::geom::Rect::from_xywh(rect.x, rect.y, rect.w.max(1.0), rect.h.max(1.0))
                    .or_else(|| krilla::geom::Rect::from_xywh(0.0, 0.0, 1.0, 1.0));
            let Some(area) = area else { continue };
            let target = Target::Action(LinkAction::new(url.clone()).into());
            let annotation =
                Annotation::new_link(LinkAnnotation::new(area, target), Some(url.clone()));
            ids.push(page.add_tagged_annotation(annotation));
        }
    }
    ids
}
