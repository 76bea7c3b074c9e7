//! The wall poster: read from across a room. The project name and the title in large type,
//! the three steps each beside its codes — the activation code largest, at least 90 mm —
//! and the contact at the foot. No instructions: they are on the flyer and the page.

use super::frame::{Look, Page, Role};
use super::text::{self, Measure, Span};
use super::{MM, module_for};
use crate::diag::Diagnostic;
use crate::project::Project;
use crate::project::model::{CodeName, PosterSize};

/// The smallest activation code a poster prints, in millimetres.
pub const MIN_ACTIVATION_MM: f32 = 90.0;
/// Type steps down to these fractions of its size before the poster is too full.
const SCALES: [f32; 4] = [1.0, 0.9, 0.8, 0.7];

/// What a poster is laid out with: the page's scale against A3 and the type's.
struct Poster<'a> {
    project: &'a Project,
    m: &'a Measure<'a>,
    lang: &'a str,
    size: (f32, f32),
    margin: f32,
    /// The page's width over A3's.
    k: f32,
    /// The type's size over its largest.
    type_scale: f32,
}

pub fn layout(
    project: &Project,
    m: &Measure,
    lang: &str,
    size: PosterSize,
) -> Result<Page, Box<Diagnostic>> {
    let (w, h) = size.size();
    let k = w / PosterSize::A3.size().0;
    let mut last = None;
    for type_scale in SCALES {
        let poster = Poster {
            project,
            m,
            lang,
            size: (w, h),
            margin: 20.0 * MM * k,
            k,
            type_scale,
        };
        let (page, bottom, foot) = poster.draw();
        if bottom <= foot {
            return Ok(page);
        }
        last = Some(bottom - foot);
    }
    let over = last.unwrap_or_default() / MM;
    Err(Box::new(
        Diagnostic::error(
            "E008",
            format!("the {lang} poster's steps do not fit its page, even at 70% type: {over:.0} mm too long"),
        )
        .at(project.places.languages[lang].clone())
        .help(format!("shorten the step_* strings in i18n/{lang}.toml")),
    ))
}

impl Poster<'_> {
    /// The page, the bottom of its steps and the top of its foot.
    fn draw(&self) -> (Page, f32, f32) {
        let mut page = Page::new(self.size);
        super::draft_band(&mut page, self.project, self.m, self.lang, self.margin);
        let mut y = self.head(&mut page);
        for step in 1..=3 {
            y = self.step(&mut page, step, y + 10.0 * MM * self.k);
        }
        let width = self.size.0 - 2.0 * self.margin;
        let size = 16.0 * self.k * self.type_scale;
        let foot = super::flyer::contact_lines_at(self.project, self.lang, self.m, width, size);
        let foot_top = self.size.1 - self.margin - text::height(&foot);
        let p = &self.project.theme.print;
        page.lines(&foot, self.margin, foot_top, (p.muted, p.accent));
        (page, y, foot_top - 6.0 * MM * self.k)
    }

    fn look(&self, points: f32, bold: bool, color: super::Rgb) -> Look {
        Look::new(points * self.k * self.type_scale, bold, color)
    }

    /// Project name, title and intro; returns their bottom.
    fn head(&self, page: &mut Page) -> f32 {
        let p = &self.project.theme.print;
        let t = self.project.strings(self.lang);
        let width = self.size.0 - 2.0 * self.margin;
        let mut y = self.margin;
        for (text, look, role) in [
            (
                self.project.name.as_str(),
                self.look(26.0, true, p.accent),
                Role::Paragraph,
            ),
            (
                t["page_title"].as_str(),
                self.look(64.0, true, p.ink),
                Role::Heading(1),
            ),
            (
                t["intro"].as_str(),
                self.look(22.0, false, p.muted),
                Role::Paragraph,
            ),
        ] {
            let spans = Span::plain(text);
            y = page.tagged(role, |page| {
                page.wrapped(self.m, &spans, (self.margin, y, width), look)
            });
            y += look.size * 0.4;
        }
        y
    }

    /// Edge in points of a code on the poster (quiet zone excluded): the activation code
    /// largest.
    fn edge(&self, code: CodeName) -> f32 {
        let asked = self.project.kit.qr_size_mm as f32;
        let mm = match code {
            CodeName::Activation => (110.0 * self.k).max(MIN_ACTIVATION_MM),
            _ => (60.0 * self.k).max(asked),
        };
        mm * MM
    }

    /// Module and outer edge (quiet zone included) of a code, in points.
    fn sizes(&self, code: CodeName) -> (f32, f32) {
        self.project.codes.get(code).map_or((0.0, 0.0), |matrix| {
            let module = module_for(matrix, self.edge(code) / MM);
            (module, matrix.outer_width() as f32 * module)
        })
    }

    /// Step `n`: its heading and text on the left, its codes on the right; returns the
    /// bottom.
    fn step(&self, page: &mut Page, n: usize, top: f32) -> f32 {
        let p = &self.project.theme.print;
        let t = self.project.strings(self.lang);
        let codes = &self.project.codes;
        let (heading, body, cells): (&str, &str, Vec<CodeName>) = match n {
            1 => (
                "step_download",
                "step_download_text",
                vec![CodeName::AppStore, CodeName::GooglePlay],
            ),
            2 => (
                "step_activate",
                "step_activate_text",
                vec![CodeName::Activation],
            ),
            _ if codes.registration.is_some() => (
                "step_register",
                "step_register_text",
                vec![CodeName::Registration],
            ),
            _ => ("step_register", "step_register_no_url", vec![]),
        };
        let gap = 2.0 * MM * self.k;
        let codes_w: f32 = cells.iter().map(|c| self.sizes(*c).1 + gap).sum();
        let text_w = self.size.0 - 2.0 * self.margin - codes_w;
        let look = self.look(34.0, true, p.accent);
        let spans = Span::plain(format!("{n}  {}", t[heading]));
        let mut y = page.tagged(Role::Heading(2), |page| {
            page.wrapped(self.m, &spans, (self.margin, top, text_w), look)
        });
        let look = self.look(20.0, false, p.ink);
        let spans = Span::plain(t[body].as_str());
        y = page.tagged(Role::Paragraph, |page| {
            page.wrapped(self.m, &spans, (self.margin, y + 2.0 * MM, text_w), look)
        });
        let mut x = self.size.0 - self.margin - codes_w + gap;
        let mut bottom = y;
        for code in cells {
            bottom = bottom.max(self.cell(page, code, x, top));
            x += self.sizes(code).1 + gap;
        }
        bottom
    }

    /// A code (its quiet zone from (`x`, `y`)) with its caption under the code; returns the
    /// bottom.
    fn cell(&self, page: &mut Page, code: CodeName, x: f32, y: f32) -> f32 {
        let p = &self.project.theme.print;
        let (module, outer) = self.sizes(code);
        let quiet = (outer - self.edge(code)) / 2.0;
        let alt = super::alt_text(self.project, self.lang, code);
        page.tagged(Role::Figure(alt), |page| {
            page.code(code, x, y, module, outer)
        });
        let caption = self.project.strings(self.lang)[code.caption_key()].as_str();
        let look = self.look(16.0, true, p.ink);
        let spans = Span::bold(caption);
        let at = (x + quiet, y + outer - quiet + 1.0 * MM, outer - 2.0 * quiet);
        page.tagged(Role::Paragraph, |page| {
            page.wrapped(self.m, &spans, at, look)
        })
    }
}
