//! `card.<lang>.png`: one portrait image for messengers, 1080 px wide: the project name, the
//! activation code large, the two store codes and three one-line steps, in the theme font.
//! Laid out here, drawn by the theme's `card.svg` template, rasterised by resvg with the
//! theme's fonts only (never the system's).

use super::KitFile;
use crate::error::{Error, Result};
use crate::layout::text::{self, Measure, Span};
use crate::project::Project;
use crate::qr::Matrix;
use serde_json::{Value, json};

pub const WIDTH: f32 = 1080.0;
const PAD: f32 = 72.0;

pub fn render(project: &Project, lang: &str) -> Result<KitFile> {
    let t = project.strings(lang);
    let theme = &project.theme;
    let p = &theme.print;
    let hex = |(r, g, b): (u8, u8, u8)| format!("#{r:02x}{g:02x}{b:02x}");
    let regular = &theme.files[crate::theme::FONT_REGULAR].bytes;
    let bold = &theme.files[crate::theme::FONT_BOLD].bytes;
    let unreadable =
        || Error::Internal("the theme font passed validation but cannot be loaded".into());
    let m = Measure::new(regular, bold).ok_or_else(unreadable)?;

    let mut fontdb = resvg::usvg::fontdb::Database::new();
    fontdb.load_font_data(regular.clone());
    fontdb.load_font_data(bold.clone());
    let family = fontdb
        .faces()
        .next()
        .and_then(|f| f.families.first())
        .map(|f| f.0.clone())
        .ok_or_else(unreadable)?;

    let inner = WIDTH - 2.0 * PAD;
    let mut texts: Vec<Value> = Vec::new();
    let mut codes: Vec<Value> = Vec::new();
    let mut y = PAD + 16.0;
    let mut paragraph = |y: &mut f32,
                         text: &str,
                         size: f32,
                         bold: bool,
                         color: (u8, u8, u8),
                         centre: bool| {
        for line in text::wrap(&Span::plain(text), &m, inner, size, bold) {
            let text: String = line
                .iter()
                .map(|p| p.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            *y += size * 1.2;
            let (x, anchor) = if centre {
                (WIDTH / 2.0, "middle")
            } else {
                (PAD, "start")
            };
            texts.push(json!({"x": x, "y": *y, "size": size, "bold": bold, "color": hex(color), "anchor": anchor, "text": text}));
        }
    };
    paragraph(&mut y, &project.name, 44.0, true, p.accent, false);
    paragraph(&mut y, &t["page_title"], 64.0, true, p.ink, false);
    y += 40.0;

    let mut code = |y: f32, matrix: &Matrix, side: f32, x: f32| -> f32 {
        let module = (side / matrix.outer_width() as f32).floor().max(1.0);
        let drawn = module * matrix.outer_width() as f32;
        let x = x + (side - drawn) / 2.0;
        codes.push(json!({"x": x, "y": y, "scale": module, "side": matrix.outer_width(), "path": matrix.svg_path_data()}));
        drawn
    };
    let big = code(y, &project.codes.activation, 600.0, (WIDTH - 600.0) / 2.0);
    y += big;
    paragraph(&mut y, &t["activation_caption"], 34.0, true, p.ink, true);
    y += 36.0;
    for (n, key) in ["card_step_1", "card_step_2", "card_step_3"]
        .iter()
        .enumerate()
    {
        paragraph(
            &mut y,
            &format!("{}  {}", n + 1, t[*key]),
            38.0,
            n == 1,
            p.ink,
            false,
        );
        y += 10.0;
    }
    y += 36.0;
    let side = 330.0;
    let gap = inner - 2.0 * side;
    let stores = [
        (&project.codes.app_store, &t["app_store"]),
        (&project.codes.google_play, &t["google_play"]),
    ];
    let mut drawn = 0.0f32;
    for (i, (matrix, _)) in stores.iter().enumerate() {
        drawn = drawn.max(code(y, matrix, side, PAD + i as f32 * (side + gap)));
    }
    y += drawn + 40.0;
    for (i, (_, caption)) in stores.iter().enumerate() {
        let x = PAD + i as f32 * (side + gap) + side / 2.0;
        texts.push(json!({"x": x, "y": y, "size": 32.0, "bold": true, "color": hex(p.ink), "anchor": "middle", "text": caption}));
    }
    y += PAD;

    let height = y.ceil();
    let context = json!({
        "width": WIDTH, "height": height, "accent": hex(p.accent), "font_family": family,
        "texts": texts, "codes": codes, "lang": lang, "t": t,
        "draft": project.draft, "draft_color": hex(crate::layout::DRAFT_RED),
    });
    let svg = super::page::render_template(project, "card.svg", &context)?;
    let png = rasterise(&svg, fontdb)
        .map_err(|e| Error::Internal(format!("card.{lang}.png cannot be drawn: {e}")))?;
    let codes = vec!["app-store", "google-play", "activation"];
    Ok(KitFile::new(format!("card.{lang}.png"), png, codes))
}

/// SVG → RGB PNG with only the given fonts.
fn rasterise(
    svg: &str,
    fontdb: resvg::usvg::fontdb::Database,
) -> std::result::Result<Vec<u8>, String> {
    let options = resvg::usvg::Options {
        fontdb: std::sync::Arc::new(fontdb),
        ..Default::default()
    };
    let tree = resvg::usvg::Tree::from_str(svg, &options).map_err(|e| e.to_string())?;
    let size = tree.size().to_int_size();
    let mut pixmap =
        resvg::tiny_skia::Pixmap::new(size.width(), size.height()).ok_or("the image is empty")?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::identity(),
        &mut pixmap.as_mut(),
    );
    // Opaque on white: premultiplied and straight colour are the same.
    let rgb: Vec<u8> = pixmap
        .data()
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, size.width(), size.height());
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Balanced);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(&rgb).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(out)
}
