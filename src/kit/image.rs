//! `card.<lang>.png`: one portrait image for messengers, 1080 px wide: the project name, the
//! activation code large, the two store codes and three one-line steps, in the theme font.
//! Laid out by `layout::image`, drawn by the theme's `card.svg` template, rasterised by resvg with the
//! theme's fonts only (never the system's).

use super::KitFile;
use crate::error::{Error, Result};
use crate::layout::Item;
use crate::project::Project;
use crate::project::model::CodeName;
use serde_json::{Value, json};

pub fn render(project: &Project, lang: &str) -> Result<KitFile> {
    let tree = svg(project, lang)?;
    let png = rasterise(&tree)
        .map_err(|e| Error::Internal(format!("card.{lang}.png cannot be drawn: {e}")))?;
    let codes = vec![
        CodeName::AppStore,
        CodeName::GooglePlay,
        CodeName::Activation,
    ];
    Ok(KitFile::new(format!("card.{lang}.png"), png, codes))
}

/// The image as the theme's `card.svg` draws it, parsed with the theme's fonts; an SVG that
/// cannot be parsed is the template's fault (E008).
pub fn svg(project: &Project, lang: &str) -> Result<resvg::usvg::Tree> {
    let theme = &project.theme;
    let p = &theme.print;
    let hex = |(r, g, b): (u8, u8, u8)| format!("#{r:02x}{g:02x}{b:02x}");
    let unreadable =
        || Error::Internal("the theme font passed validation but cannot be loaded".into());
    let m = crate::layout::measure(project).ok_or_else(unreadable)?;
    let page = crate::layout::image::layout(project, &m, lang);
    let mut fontdb = resvg::usvg::fontdb::Database::new();
    fontdb.load_font_data(theme.files[crate::theme::FONT_REGULAR].bytes.clone());
    fontdb.load_font_data(theme.files[crate::theme::FONT_BOLD].bytes.clone());
    let family = fontdb
        .faces()
        .next()
        .and_then(|f| f.families.first())
        .map(|f| f.0.clone())
        .ok_or_else(unreadable)?;

    let mut texts: Vec<Value> = Vec::new();
    let mut codes: Vec<Value> = Vec::new();
    for item in &page.items {
        match item {
            Item::Text { x, baseline, text, look } => texts.push(json!({"x": x, "y": baseline, "size": look.size, "bold": look.bold, "color": hex(look.color), "anchor": "start", "text": text})),
            Item::Code { code, x, y, module, .. } => {
                if let Some(matrix) = project.codes.get(*code) {
                    codes.push(json!({"x": x, "y": y, "scale": module, "side": matrix.outer_width(), "path": matrix.svg_path_data()}));
                }
            }
            _ => {}
        }
    }
    let context = json!({
        "width": page.width, "height": page.height, "accent": hex(p.accent), "font_family": family,
        "texts": texts, "codes": codes, "lang": lang, "t": project.strings(lang),
        "draft": project.draft, "draft_color": hex(crate::layout::DRAFT_RED),
    });
    let svg = project.theme.render("card.svg", &context)?;
    let options = resvg::usvg::Options {
        fontdb: std::sync::Arc::new(fontdb),
        ..Default::default()
    };
    resvg::usvg::Tree::from_str(&svg, &options).map_err(|e| {
        let file = &theme.files["templates/card.svg"];
        Error::Invalid(vec![
            crate::diag::Diagnostic::error(
                "E008",
                format!("the {lang} messenger image is not an SVG its renderer can read: {e}"),
            )
            .in_file(&file.origin)
            .help("check the theme's templates/card.svg: it must render to well-formed SVG"),
        ])
    })
}

/// The parsed image → RGB PNG.
fn rasterise(tree: &resvg::usvg::Tree) -> std::result::Result<Vec<u8>, String> {
    let size = tree.size().to_int_size();
    let mut pixmap =
        resvg::tiny_skia::Pixmap::new(size.width(), size.height()).ok_or("the image is empty")?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(
        tree,
        resvg::tiny_skia::Transform::identity(),
        &mut pixmap.as_mut(),
    );
    // Opaque on white: premultiplied and straight colour are the same. RGBA → RGB in
    // place, without a second canvas.
    let mut rgb = pixmap.take();
    let pixels = rgb.len() / 4;
    for i in 0..pixels {
        rgb.copy_within(4 * i..4 * i + 3, 3 * i);
    }
    rgb.truncate(3 * pixels);
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, size.width(), size.height());
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    // Fast: a third of the time of the default, for a somewhat larger file.
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(&rgb).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(out)
}
