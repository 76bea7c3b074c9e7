//! `verify --photo`: each printed code photographed as a phone would, under a fixed ladder
//! of worsening conditions — the page tilted away (perspective), out of focus, shaken,
//! in dim and uneven light, with sensor noise, saved as JPEG. A code's margin is how many
//! rungs it still decodes on. The ladder never changes, so margins compare across builds.
//!
//! The page is rendered at [`PX_PER_MM`] pixels per millimetre of paper — what a 12 MP
//! phone sees from about half a metre — and each code is cut out with its surroundings.

use crate::qr::Grey;

/// Pixels per millimetre of paper the photographs start from.
pub const PX_PER_MM: f32 = 4.0;
/// Rungs of the ladder after the clean one.
pub const RUNGS: usize = 10;

/// The conditions of one rung.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Conditions {
    /// How much narrower the far edge is than the near one (perspective).
    pub tilt: f32,
    /// Defocus: box-blur radius in pixels, applied twice.
    pub defocus: usize,
    /// Motion blur: length in pixels, across.
    pub motion: usize,
    /// Contrast left (1: full), and how much darker one side is than the other.
    pub contrast: f32,
    pub shade: f32,
    /// Sensor noise: standard deviation in grey levels.
    pub noise: f32,
    /// JPEG quality, 1–100.
    pub jpeg: u8,
}

/// Rung `i` (0 is the clean photograph).
pub fn rung(i: usize) -> Conditions {
    let f = i as f32;
    Conditions {
        tilt: 0.015 * f,
        defocus: i / 2,
        motion: i,
        contrast: 1.0 - 0.035 * f,
        shade: 0.03 * f,
        noise: 1.5 * f,
        jpeg: (95 - 6 * i.min(10)) as u8,
    }
}

/// The photograph of `image` under `c`.
pub fn photograph(image: &Grey, c: &Conditions) -> Grey {
    let mut g = tilt(image, c.tilt);
    for _ in 0..2 {
        g = blur(&g, c.defocus, c.defocus);
    }
    g = blur(&g, c.motion / 2, 0);
    light(&mut g, c.contrast, c.shade);
    noise(&mut g, c.noise);
    jpeg(&g, c.jpeg)
}

/// How many rungs `image` still decodes to `payload` on, counting from the first; `None`
/// when even the clean photograph does not.
pub fn margin(image: &Grey, payload: &str) -> Option<usize> {
    let reads = |g: &Grey| {
        crate::qr::decode_grey(g)
            .iter()
            .any(|r| r.as_deref() == Ok(payload))
    };
    if !reads(&photograph(image, &rung(0))) {
        return None;
    }
    Some(
        (1..=RUNGS)
            .take_while(|&i| reads(&photograph(image, &rung(i))))
            .count(),
    )
}

/// The page seen at an angle: each row narrower the further up it is, about the centre.
fn tilt(g: &Grey, amount: f32) -> Grey {
    if amount == 0.0 {
        return g.clone();
    }
    let (w, h) = (g.width as f32, g.height as f32);
    let mut out = vec![255u8; g.width * g.height];
    for y in 0..g.height {
        let squeeze = 1.0 - amount * (1.0 - y as f32 / h);
        for x in 0..g.width {
            let sx = w / 2.0 + (x as f32 - w / 2.0) / squeeze;
            if sx >= 0.0 && sx < w - 1.0 {
                let (x0, t) = (sx.floor() as usize, sx.fract());
                let a = f32::from(g.pixels[y * g.width + x0]);
                let b = f32::from(g.pixels[y * g.width + x0 + 1]);
                out[y * g.width + x] = (a + (b - a) * t) as u8;
            }
        }
    }
    Grey {
        width: g.width,
        height: g.height,
        pixels: out,
    }
}

/// A box blur of radius `rx` across and `ry` down (running sums: linear in the pixels).
fn blur(g: &Grey, rx: usize, ry: usize) -> Grey {
    let across = pass(&g.pixels, g.width, g.height, rx, 1, g.width);
    let down = pass(&across, g.height, g.width, ry, g.width, 1);
    Grey {
        width: g.width,
        height: g.height,
        pixels: down,
    }
}

/// One box-blur pass along lines of `len` pixels `step` apart; lines start `line` apart.
fn pass(px: &[u8], len: usize, lines: usize, r: usize, step: usize, line: usize) -> Vec<u8> {
    if r == 0 {
        return px.to_vec();
    }
    let mut out = px.to_vec();
    for l in 0..lines {
        let at = |i: usize| u32::from(px[l * line + i * step]);
        let mut sum: u32 = (0..=r.min(len - 1)).map(at).sum::<u32>() + at(0) * r as u32;
        for i in 0..len {
            out[l * line + i * step] = (sum / (2 * r as u32 + 1)) as u8;
            let add = at((i + r + 1).min(len - 1));
            let drop = at(i.saturating_sub(r));
            sum = sum + add - drop;
        }
    }
    out
}

/// Less contrast, and one side darker than the other.
fn light(g: &mut Grey, contrast: f32, shade: f32) {
    let w = g.width as f32;
    for (i, p) in g.pixels.iter_mut().enumerate() {
        let x = (i % g.width) as f32 / w;
        let v = 128.0 + (f32::from(*p) - 128.0) * contrast;
        *p = (v * (1.0 - shade * x)).clamp(0.0, 255.0) as u8;
    }
}

/// Noise from a fixed seed, so every run sees the same photograph.
fn noise(g: &mut Grey, sigma: f32) {
    if sigma == 0.0 {
        return;
    }
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut uniform = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f32 / (1u64 << 53) as f32
    };
    for p in &mut g.pixels {
        // The sum of four uniforms is near enough to a normal distribution.
        let n = (uniform() + uniform() + uniform() + uniform() - 2.0) * 1.732 * sigma;
        *p = (f32::from(*p) + n).clamp(0.0, 255.0) as u8;
    }
}

/// The standard JPEG luminance quantisation table (ITU-T T.81, Annex K).
const LUMA: [u16; 64] = [
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
    14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113,
    92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];

/// What JPEG at `quality` does to an image: each 8 × 8 block's DCT quantised and back.
fn jpeg(g: &Grey, quality: u8) -> Grey {
    let q = f32::from(quality.clamp(1, 100));
    let scale = if q < 50.0 {
        5000.0 / q
    } else {
        200.0 - 2.0 * q
    };
    let table: Vec<f32> = LUMA
        .iter()
        .map(|&v| ((f32::from(v) * scale + 50.0) / 100.0).clamp(1.0, 255.0))
        .collect();
    let cos: Vec<f32> = (0..64)
        .map(|i| {
            let (x, u) = ((i / 8) as f32, (i % 8) as f32);
            let c = if u == 0.0 { (0.125f32).sqrt() } else { 0.5 };
            c * ((2.0 * x + 1.0) * u * std::f32::consts::PI / 16.0).cos()
        })
        .collect();
    let mut out = g.clone();
    for by in (0..g.height).step_by(8) {
        for bx in (0..g.width).step_by(8) {
            block(g, &mut out, (bx, by), &cos, &table);
        }
    }
    out
}

/// One 8 × 8 block through DCT, quantisation and the inverse (separable, rows then columns).
fn block(g: &Grey, out: &mut Grey, (bx, by): (usize, usize), cos: &[f32], table: &[f32]) {
    let at = |x: usize, y: usize| {
        let (x, y) = ((bx + x).min(g.width - 1), (by + y).min(g.height - 1));
        f32::from(g.pixels[y * g.width + x]) - 128.0
    };
    let mut tmp = [0f32; 64];
    let mut coef = [0f32; 64];
    for y in 0..8 {
        for u in 0..8 {
            tmp[y * 8 + u] = (0..8).map(|x| at(x, y) * cos[x * 8 + u]).sum();
        }
    }
    for v in 0..8 {
        for u in 0..8 {
            let c: f32 = (0..8).map(|y| tmp[y * 8 + u] * cos[y * 8 + v]).sum();
            let q = table[v * 8 + u];
            coef[v * 8 + u] = (c / q).round() * q;
        }
    }
    for y in 0..8 {
        for u in 0..8 {
            tmp[y * 8 + u] = (0..8).map(|v| coef[v * 8 + u] * cos[y * 8 + v]).sum();
        }
    }
    for y in 0..8.min(g.height - by) {
        for x in 0..8.min(g.width - bx) {
            let v: f32 = (0..8).map(|u| tmp[y * 8 + u] * cos[x * 8 + u]).sum();
            out.pixels[(by + y) * g.width + bx + x] = (v + 128.0).clamp(0.0, 255.0) as u8;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(scale: usize) -> Grey {
        let m = crate::qr::Matrix::encode("MOBILEID:PHOTO:0123456789", crate::qr::Ec::M).unwrap();
        crate::qr::read_png(&m.to_png(scale)).unwrap()
    }

    #[test]
    fn a_clean_photograph_is_the_image_and_jpeg_keeps_flat_grey() {
        let g = code(4);
        let clean = photograph(&g, &rung(0));
        let differ = clean
            .pixels
            .iter()
            .zip(&g.pixels)
            .filter(|(a, b)| a.abs_diff(**b) > 40)
            .count();
        assert!(differ < g.pixels.len() / 50, "{differ} pixels changed");
        let flat = Grey {
            width: 16,
            height: 16,
            pixels: vec![100; 256],
        };
        assert!(jpeg(&flat, 30).pixels.iter().all(|&p| p.abs_diff(100) <= 1));
    }

    #[test]
    fn larger_modules_keep_more_margin() {
        let all: Vec<_> = [3, 4, 5, 6, 8, 12]
            .iter()
            .map(|&s| margin(&code(s), "MOBILEID:PHOTO:0123456789"))
            .collect();
        eprintln!("margins at 3, 4, 5, 6, 8, 12 px per module: {all:?}");
        let small = margin(&code(3), "MOBILEID:PHOTO:0123456789").unwrap();
        let large = margin(&code(8), "MOBILEID:PHOTO:0123456789").unwrap();
        assert!(large > small, "large {large}, small {small}");
        assert_eq!(margin(&code(8), "another payload"), None);
    }
}
