//! QR codes: encode a payload once into a matrix, render it as SVG or PNG, and decode
//! images (the activation code from Manager, store codes, and our own outputs in tests).

use std::fmt::Write as _;

/// Modules of light margin around every code, as the QR standard asks.
pub const QUIET_ZONE: usize = 4;
/// Pixels per module in PNG output.
pub const PNG_SCALE: usize = 10;
/// Images larger than this (in pixels, either side, or in all) are refused before decoding:
/// a QR image from Manager or a store is a few hundred pixels wide.
pub const MAX_IMAGE_SIDE: u32 = 10_000;
pub const MAX_IMAGE_PIXELS: u64 = 25_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ec {
    L,
    M,
    Q,
    H,
}

impl Ec {
    pub fn parse(s: &str) -> Option<Ec> {
        Some(match s {
            "L" => Ec::L,
            "M" => Ec::M,
            "Q" => Ec::Q,
            "H" => Ec::H,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Ec::L => "L",
            Ec::M => "M",
            Ec::Q => "Q",
            Ec::H => "H",
        }
    }

    fn level(self) -> qrcode::EcLevel {
        match self {
            Ec::L => qrcode::EcLevel::L,
            Ec::M => qrcode::EcLevel::M,
            Ec::Q => qrcode::EcLevel::Q,
            Ec::H => qrcode::EcLevel::H,
        }
    }
}

/// An encoded code: the payload and its module matrix (true = dark), without quiet zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matrix {
    pub payload: String,
    pub ec: Ec,
    pub version: i16,
    pub width: usize,
    modules: Vec<bool>,
}

impl Matrix {
    /// Encodes a payload; `None` when it does not fit in a QR code at this level. The
    /// last few codes encoded are kept: a thousand sites sharing a company file share its
    /// store codes, encoded once.
    pub fn encode(payload: &str, ec: Ec) -> Option<Matrix> {
        const KEEP: usize = 16;
        static RECENT: std::sync::Mutex<Vec<Matrix>> = std::sync::Mutex::new(Vec::new());
        let recent = || RECENT.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(known) = recent().iter().find(|m| m.ec == ec && m.payload == payload) {
            return Some(known.clone());
        }
        let matrix = Matrix::encode_now(payload, ec)?;
        let mut kept = recent();
        if kept.len() >= KEEP {
            kept.remove(0);
        }
        kept.push(matrix.clone());
        Some(matrix)
    }

    fn encode_now(payload: &str, ec: Ec) -> Option<Matrix> {
        let code =
            qrcode::QrCode::with_error_correction_level(payload.as_bytes(), ec.level()).ok()?;
        let version = match code.version() {
            qrcode::Version::Normal(v) | qrcode::Version::Micro(v) => v,
        };
        Some(Matrix {
            payload: payload.to_string(),
            ec,
            version,
            width: code.width(),
            modules: code
                .to_colors()
                .into_iter()
                .map(|c| c == qrcode::Color::Dark)
                .collect(),
        })
    }

    pub fn dark(&self, x: usize, y: usize) -> bool {
        self.modules[y * self.width + x]
    }

    /// Edge length in modules including the quiet zone.
    pub fn outer_width(&self) -> usize {
        self.width + 2 * QUIET_ZONE
    }

    /// Horizontal runs of dark modules: (x, y, length), quiet zone excluded.
    pub fn runs(&self) -> Vec<(usize, usize, usize)> {
        let mut runs = Vec::new();
        for y in 0..self.width {
            let mut x = 0;
            while x < self.width {
                if self.dark(x, y) {
                    let start = x;
                    while x < self.width && self.dark(x, y) {
                        x += 1;
                    }
                    runs.push((start, y, x - start));
                } else {
                    x += 1;
                }
            }
        }
        runs
    }

    /// The path data of all dark modules, in module units, offset by the quiet zone.
    pub fn svg_path_data(&self) -> String {
        let mut d = String::new();
        for (x, y, len) in self.runs() {
            let _ = write!(d, "M{} {}h{len}v1h-{len}z", x + QUIET_ZONE, y + QUIET_ZONE);
        }
        d
    }

    /// A standalone SVG: a light square with one dark path, crisp edges.
    pub fn to_svg(&self, title: &str) -> String {
        let n = self.outer_width();
        let px = n * PNG_SCALE;
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{px}\" height=\"{px}\" viewBox=\"0 0 {n} {n}\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"{title}\"><title>{title}</title><rect width=\"{n}\" height=\"{n}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{}\"/></svg>\n",
            self.svg_path_data(),
            title = crate::html::escape(title),
        )
    }

    /// The SVG element for an HTML page: sized by CSS (`svg.qr`), light background, one path.
    pub fn to_inline_svg(&self, label: &str) -> String {
        let n = self.outer_width();
        format!(
            "<svg class=\"qr\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {n} {n}\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"{label}\"><rect width=\"{n}\" height=\"{n}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{}\"/></svg>",
            self.svg_path_data(),
            label = crate::html::escape(label),
        )
    }

    /// A black-and-white PNG (one bit per pixel), whole pixels per module.
    pub fn to_png(&self, scale: usize) -> Vec<u8> {
        let side = self.outer_width() * scale;
        let row_bytes = side.div_ceil(8);
        // 1 is white: every bit starts white, each dark module's pixels are cleared.
        let mut bits = vec![0xffu8; row_bytes * side];
        for (x, y, len) in self.runs() {
            let first = (x + QUIET_ZONE) * scale;
            for row in 0..scale {
                let line = &mut bits[((y + QUIET_ZONE) * scale + row) * row_bytes..][..row_bytes];
                for px in first..first + len * scale {
                    line[px / 8] &= !(0x80 >> (px % 8));
                }
            }
        }
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, side as u32, side as u32);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::One);
        encoder.set_compression(png::Compression::Balanced);
        // Writing into a Vec cannot fail for an image whose size matches its header.
        if let Ok(mut writer) = encoder.write_header() {
            let _ = writer.write_image_data(&bits);
        }
        out
    }
}

/// Encodes 8-bit greyscale pixels as PNG (deterministic: no timestamps).
pub fn encode_png_grey(width: u32, height: u32, pixels: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Balanced);
    // Writing into a Vec cannot fail for an image whose size matches its header.
    if let Ok(mut writer) = encoder.write_header() {
        let _ = writer.write_image_data(pixels);
    }
    out
}

/// A greyscale raster, as decoders want it.
#[derive(Debug, Clone)]
pub struct Grey {
    pub width: usize,
    pub height: usize,
    pub pixels: Vec<u8>,
}

/// The largest side an image is decoded at; larger ones are halved first.
pub const MAX_DECODE_SIDE: usize = 1600;

impl Grey {
    /// Half the width and height, each pixel the mean of four.
    pub fn halved(&self) -> Grey {
        let (width, height) = (self.width / 2, self.height / 2);
        let at = |x: usize, y: usize| u32::from(self.pixels[y * self.width + x]);
        let mut pixels = Vec::with_capacity(width * height);
        for y in 0..height {
            for x in 0..width {
                let sum = at(2 * x, 2 * y)
                    + at(2 * x + 1, 2 * y)
                    + at(2 * x, 2 * y + 1)
                    + at(2 * x + 1, 2 * y + 1);
                pixels.push((sum / 4) as u8);
            }
        }
        Grey {
            width,
            height,
            pixels,
        }
    }
}

/// Reads a PNG into greyscale, refusing absurd dimensions before allocating.
pub fn read_png(bytes: &[u8]) -> Result<Grey, String> {
    let limits = png::Limits {
        bytes: 256 * 1024 * 1024,
    };
    let mut decoder = png::Decoder::new_with_limits(std::io::Cursor::new(bytes), limits);
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    // The header alone says how large the image claims to be: refuse a bomb before reading on.
    let header = decoder
        .read_header_info()
        .map_err(|e| format!("not a readable PNG image ({e})"))?;
    let (w, h) = (header.width, header.height);
    if w > MAX_IMAGE_SIDE || h > MAX_IMAGE_SIDE || u64::from(w) * u64::from(h) > MAX_IMAGE_PIXELS {
        return Err(format!(
            "the image is {w}×{h} pixels, larger than a QR image can reasonably be ({MAX_IMAGE_SIDE} on a side, {MAX_IMAGE_PIXELS} in all)"
        ));
    }
    let mut reader = decoder
        .read_info()
        .map_err(|e| format!("not a readable PNG image ({e})"))?;
    let size = reader
        .output_buffer_size()
        .ok_or("the image is too large")?;
    let mut buf = vec![0; size];
    let info = reader
        .next_frame(&mut buf)
        .map_err(|e| format!("the PNG image is damaged ({e})"))?;
    let channels = info.color_type.samples();
    let (width, height) = (info.width as usize, info.height as usize);
    let mut pixels = Vec::with_capacity(width * height);
    for y in 0..height {
        let row = &buf[y * info.line_size..][..width * channels];
        for px in row.chunks_exact(channels) {
            let (luma, alpha) = match channels {
                1 => (px[0] as u32, 255),
                2 => (px[0] as u32, px[1] as u32),
                3 => (u32::from(luma(px)), 255),
                _ => (u32::from(luma(px)), px[3] as u32),
            };
            // Transparent pixels count as the light background they are shown on.
            pixels.push(((luma * alpha + 255 * (255 - alpha)) / 255) as u8);
        }
    }
    Ok(Grey {
        width,
        height,
        pixels,
    })
}

/// Decodes every QR code in a greyscale image.
pub fn decode_grey(image: &Grey) -> Vec<Result<String, String>> {
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(image.width, image.height, |x, y| {
            image.pixels[y * image.width + x]
        });
    prepared
        .detect_grids()
        .into_iter()
        .map(|grid| {
            grid.decode()
                .map(|(_, content)| content)
                .map_err(|e| e.to_string())
        })
        .collect()
}

/// Rasterises an SVG (one of ours, or any) at `scale` pixels per user unit and decodes
/// every QR code in it.
pub fn decode_svg(svg: &str, scale: f32) -> Result<Vec<Result<String, String>>, String> {
    let tree = resvg::usvg::Tree::from_str(svg, &resvg::usvg::Options::default())
        .map_err(|e| format!("not a readable SVG image ({e})"))?;
    let size = tree.size();
    let (w, h) = (
        (size.width() * scale).ceil() as u32,
        (size.height() * scale).ceil() as u32,
    );
    if w == 0 || h == 0 || w > MAX_IMAGE_SIDE || h > MAX_IMAGE_SIDE {
        return Err(format!("the SVG image would be {w}×{h} pixels"));
    }
    let mut pixmap = resvg::tiny_skia::Pixmap::new(w, h).ok_or("the SVG image is empty")?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    let pixels = pixmap.data().chunks_exact(4).map(luma).collect();
    Ok(decode_grey(&Grey {
        width: w as usize,
        height: h as usize,
        pixels,
    }))
}

/// Renders the first page of a PDF to greyscale at `dpi` (hayro). Refuses a page that would
/// make an absurd raster, and a file hayro cannot read.
pub fn rasterise_pdf(bytes: &[u8], dpi: f32) -> Result<(Grey, f32), String> {
    use hayro::hayro_interpret::InterpreterSettings;
    let pdf = hayro::hayro_syntax::Pdf::new(bytes.to_vec())
        .map_err(|_| "not a readable PDF: it is damaged, truncated or encrypted".to_string())?;
    let page = pdf.pages().first().ok_or("the PDF has no page")?;
    let scale = dpi / 72.0;
    let (w, h) = page.render_dimensions();
    if !(w * scale >= 1.0
        && h * scale >= 1.0
        && w * scale <= MAX_IMAGE_SIDE as f32
        && h * scale <= MAX_IMAGE_SIDE as f32)
    {
        return Err(format!(
            "the page is {w:.0} × {h:.0} pt, not a printable size"
        ));
    }
    let settings = hayro::PixmapSettings {
        x_scale: scale,
        y_scale: scale,
        bg_color: hayro::vello_cpu::color::palette::css::WHITE,
    };
    let pixmap = hayro::render(
        page,
        &hayro::RenderCache::new(),
        &InterpreterSettings::default(),
        &hayro::RenderSettings::default(),
        &settings,
    );
    let (width, height) = (pixmap.width() as usize, pixmap.height() as usize);
    let pixels = pixmap
        .data_as_u8_slice()
        .chunks_exact(4)
        .map(luma)
        .collect();
    Ok((
        Grey {
            width,
            height,
            pixels,
        },
        scale,
    ))
}

impl Grey {
    /// A rectangle of the image (clamped to it).
    pub fn crop(&self, x: usize, y: usize, w: usize, h: usize) -> Grey {
        let (x, y) = (x.min(self.width), y.min(self.height));
        let (w, h) = (w.min(self.width - x), h.min(self.height - y));
        let mut pixels = Vec::with_capacity(w * h);
        for row in y..y + h {
            pixels.extend_from_slice(&self.pixels[row * self.width + x..row * self.width + x + w]);
        }
        Grey {
            width: w,
            height: h,
            pixels,
        }
    }
}

/// Decodes an image file that must hold exactly one QR code.
pub fn decode_single_png(bytes: &[u8]) -> Result<String, String> {
    let mut image = read_png(bytes)?;
    // The decoder's geometry overflows on very large images (a code exported at 5,000 px):
    // it reads a smaller copy, as a camera sees the code from further away.
    while image.width.max(image.height) > MAX_DECODE_SIDE {
        image = image.halved();
    }
    let mut found = decode_grey(&image);
    match found.len() {
        0 => Err("the image holds no QR code that can be read".into()),
        1 => found
            .remove(0)
            .map_err(|e| format!("the QR code in the image cannot be decoded ({e})")),
        n => Err(format!(
            "the image holds {n} QR codes; it must hold exactly one"
        )),
    }
}

/// The grey of an RGB pixel (ITU-R BT.601 weights), for decoding.
pub fn luma(rgb: &[u8]) -> u8 {
    ((rgb[0] as u32 * 299 + rgb[1] as u32 * 587 + rgb[2] as u32 * 114) / 1000) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_round_trip() {
        let m = Matrix::encode("MOBILEID:ACME-HQ:0123456789", Ec::M).unwrap();
        assert_eq!(decode_single_png(&m.to_png(PNG_SCALE)).unwrap(), m.payload);
        assert_eq!(decode_single_png(&m.to_png(3)).unwrap(), m.payload);
    }

    #[test]
    fn svg_round_trip() {
        let m = Matrix::encode("https://apps.apple.com/app/x", Ec::Q).unwrap();
        let found = decode_svg(&m.to_svg("app-store"), 1.0).unwrap();
        assert_eq!(found, vec![Ok(m.payload.clone())]);
        let inline = m.to_inline_svg("x");
        let found = decode_svg(&inline, 8.0).unwrap();
        assert_eq!(found, vec![Ok(m.payload)]);
    }

    #[test]
    fn too_long_payload_does_not_fit() {
        assert!(Matrix::encode(&"x".repeat(3000), Ec::H).is_none());
        assert!(Matrix::encode(&"x".repeat(1000), Ec::H).is_some());
    }

    #[test]
    fn runs_cover_exactly_the_dark_modules() {
        let m = Matrix::encode("hello", Ec::L).unwrap();
        let dark: usize = (0..m.width)
            .flat_map(|y| (0..m.width).map(move |x| (x, y)))
            .filter(|&(x, y)| m.dark(x, y))
            .count();
        assert_eq!(m.runs().iter().map(|r| r.2).sum::<usize>(), dark);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(decode_single_png(b"not a png").is_err());
        assert!(decode_single_png(&[0x89, b'P', b'N', b'G', 13, 10, 26, 10, 0, 0]).is_err());
    }
}
