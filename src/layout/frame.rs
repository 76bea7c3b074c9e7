//! A laid-out page: positioned items in points from the top-left corner. The layout pass
//! makes them; the PDF writer and `verify` read them, and nothing else decides a position.

use super::text::{Line, Measure, Piece, Span};
use crate::project::model::CodeName;

pub type Rgb = (u8, u8, u8);
pub const WHITE: Rgb = (255, 255, 255);

/// Size, weight, slant and colour of a piece of text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Look {
    pub size: f32,
    pub bold: bool,
    pub italic: bool,
    pub color: Rgb,
}

impl Look {
    pub fn new(size: f32, bold: bool, color: Rgb) -> Self {
        Look {
            size,
            bold,
            italic: false,
            color,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// One run of text on one line, `baseline` from the top.
    Text {
        x: f32,
        baseline: f32,
        text: String,
        look: Look,
    },
    /// A QR code with its quiet zone, its top-left corner at (`x`, `y`).
    Code {
        code: CodeName,
        x: f32,
        y: f32,
        /// Points per module.
        module: f32,
        /// The edge with the quiet zone, in points.
        outer: f32,
    },
    /// A clickable area.
    Link { rect: Rect, url: String },
    /// A thin line (crop marks).
    Rule {
        from: (f32, f32),
        to: (f32, f32),
        width: f32,
    },
    /// A filled rectangle (the draft band).
    Fill { rect: Rect, color: Rgb },
}

impl Item {
    /// The same item moved by (`dx`, `dy`).
    pub fn shifted(&self, dx: f32, dy: f32) -> Item {
        let mut item = self.clone();
        match &mut item {
            Item::Text { x, baseline, .. } => {
                *x += dx;
                *baseline += dy;
            }
            Item::Code { x, y, .. } => {
                *x += dx;
                *y += dy;
            }
            Item::Link { rect, .. } | Item::Fill { rect, .. } => {
                rect.x += dx;
                rect.y += dy;
            }
            Item::Rule { from, to, .. } => {
                *from = (from.0 + dx, from.1 + dy);
                *to = (to.0 + dx, to.1 + dy);
            }
        }
        item
    }
}

/// What a run of items means, for the PDF's tag tree (screen readers read that tree).
#[derive(Debug, Clone, PartialEq)]
pub enum Role {
    /// A heading of this level (1 is the page title).
    Heading(u16),
    Paragraph,
    /// An item of a list; its first text item is the label. Consecutive items form a list.
    ListItem,
    /// A QR code, described for those who cannot see it.
    Figure(String),
}

/// A run of consecutive items with one role. Items in no element are artifacts (crop marks,
/// the draft band's fill).
#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    pub role: Role,
    pub items: std::ops::Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub width: f32,
    pub height: f32,
    pub items: Vec<Item>,
    /// The page's structure in reading order.
    pub structure: Vec<Element>,
}

impl Page {
    pub fn new((width, height): (f32, f32)) -> Self {
        Page {
            width,
            height,
            items: Vec::new(),
            structure: Vec::new(),
        }
    }

    /// Places items with `f` and gives them `role`.
    pub fn tagged<R>(&mut self, role: Role, f: impl FnOnce(&mut Page) -> R) -> R {
        let start = self.items.len();
        let result = f(self);
        let items = start..self.items.len();
        if !items.is_empty() {
            self.structure.push(Element { role, items });
        }
        result
    }

    /// Copies another page's items and structure onto this one, moved by (`dx`, `dy`).
    pub fn place(&mut self, other: &Page, dx: f32, dy: f32) {
        let offset = self.items.len();
        self.items
            .extend(other.items.iter().map(|i| i.shifted(dx, dy)));
        self.structure
            .extend(other.structure.iter().map(|e| Element {
                role: e.role.clone(),
                items: e.items.start + offset..e.items.end + offset,
            }));
    }

    pub fn text(&mut self, x: f32, baseline: f32, text: impl Into<String>, look: Look) {
        self.items.push(Item::Text {
            x,
            baseline,
            text: text.into(),
            look,
        });
    }

    /// Places a code of `outer` points (quiet zone included) at (`x`, `y`).
    pub fn code(&mut self, code: CodeName, x: f32, y: f32, module: f32, outer: f32) {
        self.items.push(Item::Code {
            code,
            x,
            y,
            module,
            outer,
        });
    }

    pub fn link(&mut self, rect: Rect, url: impl Into<String>) {
        self.items.push(Item::Link {
            rect,
            url: url.into(),
        });
    }

    /// Wraps `spans` into `width` and places the lines from `top`, each `1.25 × size` high.
    /// Returns the bottom.
    pub fn wrapped(
        &mut self,
        m: &Measure,
        spans: &[Span],
        (x, top, width): (f32, f32, f32),
        look: Look,
    ) -> f32 {
        let mut y = top;
        for line in super::text::wrap(spans, m, width, look.size, look.bold) {
            for piece in line {
                self.piece(&piece, x, y + look.size, look);
            }
            y += look.size * 1.25;
        }
        y
    }

    /// Places laid-out lines from (`x`, `top`): text in `ink`, links and headings in `accent`;
    /// each block (the lines of one source line) a heading, list item or paragraph.
    /// Returns the bottom.
    pub fn lines(&mut self, lines: &[Line], x: f32, top: f32, colors: (Rgb, Rgb)) -> f32 {
        let mut y = top;
        let mut start = 0;
        while start < lines.len() {
            let block = &lines[start];
            let end = start
                + 1
                + lines[start + 1..]
                    .iter()
                    .take_while(|l| {
                        l.source_line == block.source_line
                            && l.marker.is_none()
                            && l.heading == block.heading
                    })
                    .count();
            // Headings inside the instructions sit under the page's level-2 headings.
            let role = if block.heading {
                Role::Heading(3)
            } else if block.marker.is_some() {
                Role::ListItem
            } else {
                Role::Paragraph
            };
            y = self.tagged(role, |page| {
                page.untagged_lines(&lines[start..end], x, y, colors)
            });
            start = end;
        }
        y
    }

    /// Places lines as one heading of `level`.
    pub fn heading(
        &mut self,
        lines: &[Line],
        (x, top): (f32, f32),
        colors: (Rgb, Rgb),
        level: u16,
    ) -> f32 {
        self.tagged(Role::Heading(level), |page| {
            page.untagged_lines(lines, x, top, colors)
        })
    }

    fn untagged_lines(
        &mut self,
        lines: &[Line],
        x: f32,
        top: f32,
        (ink, accent): (Rgb, Rgb),
    ) -> f32 {
        let mut y = top;
        for line in lines {
            y += line.space_before;
            let baseline = y + line.size;
            if let Some((at, marker)) = &line.marker {
                self.text(
                    x + at,
                    baseline,
                    marker.clone(),
                    Look::new(line.size, false, ink),
                );
            }
            for piece in &line.pieces {
                let link = piece.style.link.is_some();
                let look = Look {
                    size: line.size,
                    bold: line.bold || piece.style.bold,
                    italic: piece.style.italic,
                    color: if link || line.heading { accent } else { ink },
                };
                self.piece(piece, x + line.indent, baseline, look);
            }
            y += line.height;
        }
        y
    }

    /// One piece of a line; a linked piece also gets its link area.
    fn piece(&mut self, piece: &Piece, x: f32, baseline: f32, look: Look) {
        let px = x + piece.x;
        self.text(px, baseline, piece.text.clone(), look);
        if let Some(url) = &piece.style.link {
            let rect = Rect {
                x: px,
                y: baseline - look.size,
                w: piece.width,
                h: look.size * 1.25,
            };
            self.link(rect, url.clone());
        }
    }

    /// The codes on the page.
    pub fn codes(&self) -> impl Iterator<Item = (CodeName, Rect)> + '_ {
        self.items.iter().filter_map(|item| match item {
            Item::Code {
                code, x, y, outer, ..
            } => Some((
                *code,
                Rect {
                    x: *x,
                    y: *y,
                    w: *outer,
                    h: *outer,
                },
            )),
            _ => None,
        })
    }
}
