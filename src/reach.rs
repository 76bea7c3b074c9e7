//! How far a printed code reads: the distance at which a typical phone camera still puts
//! enough pixels on each module for a decoder.
//!
//! The camera: a 12-megapixel main camera, 4,032 pixels across, behind a lens of 26 mm
//! (full-frame equivalent), which sees 69° across. At a distance `d` the camera sees
//! `2 · d · tan(69°/2)` of paper across its 4,032 pixels. A decoder needs about
//! [`PIXELS_PER_MODULE`] pixels per module once focus, hand shake and JPEG are counted
//! (ZXing and rqrr read sharp images at 2–3). So a module of `m` millimetres reads up to
//! `d = m · 4032 / (2 · tan(34.5°) · 4)`, about 730 × `m`. The quiet zone (4 modules, as
//! every code here prints) must be white around it.

use crate::layout::{Document, Item, MM};

/// Pixels across the camera's image.
pub const SENSOR_PIXELS: f32 = 4032.0;
/// The camera's field of view across, in degrees.
pub const FIELD_OF_VIEW: f32 = 69.0;
/// Pixels per module a decoder needs in a real photograph.
pub const PIXELS_PER_MODULE: f32 = 4.0;
/// Modules under this size (mm) scan only from close up: W020.
pub const SMALL_MODULE_MM: f32 = 0.4;

/// The distance in centimetres a module of `module_mm` reads from.
pub fn reach_cm(module_mm: f32) -> u32 {
    let across = 2.0 * (FIELD_OF_VIEW.to_radians() / 2.0).tan();
    (module_mm * SENSOR_PIXELS / (across * PIXELS_PER_MODULE) / 10.0).floor() as u32
}

/// One printed code of a PDF, for `manifest.json`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Print {
    pub code: String,
    /// 1-based.
    pub page: usize,
    /// The code's edge without its quiet zone.
    pub edge_mm: f32,
    pub module_mm: f32,
    pub reach_cm: u32,
}

/// Every code printed in a laid-out document.
pub fn prints(document: &Document) -> Vec<Print> {
    let mut prints = Vec::new();
    for (index, page) in document.pages.iter().enumerate() {
        for item in &page.items {
            if let Item::Code {
                code,
                module,
                outer,
                ..
            } = item
            {
                // The reach follows from the module size as the manifest states it.
                let module_mm = round(module / MM);
                let edge = outer - 2.0 * crate::qr::QUIET_ZONE as f32 * module;
                prints.push(Print {
                    code: code.as_str().to_string(),
                    page: index + 1,
                    edge_mm: round(edge / MM),
                    module_mm,
                    reach_cm: reach_cm(module_mm),
                });
            }
        }
    }
    prints
}

/// To a hundredth, so the manifest shows what matters.
fn round(mm: f32) -> f32 {
    (mm * 100.0).round() / 100.0
}

/// The code of a kit that reads from the shortest distance: (reach, code, file).
pub fn shortest<'a>(
    files: impl Iterator<Item = (&'a str, &'a [Print])>,
) -> Option<(u32, String, String)> {
    files
        .flat_map(|(file, prints)| {
            prints
                .iter()
                .map(move |p| (p.reach_cm, p.code.clone(), file.to_string()))
        })
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reach_grows_with_the_module() {
        // A 30 mm code of 33 modules: 0.91 mm modules, read from about 66 cm.
        assert_eq!(reach_cm(30.0 / 33.0), 66);
        assert_eq!(reach_cm(0.4), 29);
        assert!(reach_cm(3.0) > 200);
    }
}
