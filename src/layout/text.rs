//! Text layout for the PDFs: Markdown into styled blocks, words measured with the shaper
//! krilla itself uses (rustybuzz), greedy line breaking, words longer than a line broken
//! with a hyphen rather than overflowing.

use pulldown_cmark::{Event, Tag, TagEnd};
use std::cell::RefCell;
use std::collections::HashMap;

/// Both faces of the theme font, shaping with a plan per face, direction and script kept:
/// compiling the plan is most of the cost of shaping a short text.
pub struct Shaper<'a> {
    regular: rustybuzz::Face<'a>,
    bold: rustybuzz::Face<'a>,
    plans: RefCell<Vec<Plan>>,
}

struct Plan {
    bold: bool,
    direction: rustybuzz::Direction,
    script: rustybuzz::Script,
    plan: rustybuzz::ShapePlan,
}

impl<'a> Shaper<'a> {
    pub fn new(regular: &'a [u8], bold: &'a [u8]) -> Option<Self> {
        Some(Shaper {
            regular: rustybuzz::Face::from_slice(regular, 0)?,
            bold: rustybuzz::Face::from_slice(bold, 0)?,
            plans: RefCell::new(Vec::new()),
        })
    }

    /// The theme font of a theme. Validation made sure both faces load.
    pub fn of(theme: &'a crate::theme::Theme) -> Option<Self> {
        let files = &theme.files;
        Shaper::new(
            &files[crate::theme::FONT_REGULAR].bytes,
            &files[crate::theme::FONT_BOLD].bytes,
        )
    }

    pub fn face(&self, bold: bool) -> &rustybuzz::Face<'a> {
        if bold { &self.bold } else { &self.regular }
    }

    /// Shapes `text` in one face.
    pub fn shape(&self, text: &str, bold: bool) -> rustybuzz::GlyphBuffer {
        self.shape_directed(text, bold).0
    }

    /// Shapes `text` in one face; also says in which direction it runs.
    pub fn shape_directed(
        &self,
        text: &str,
        bold: bool,
    ) -> (rustybuzz::GlyphBuffer, rustybuzz::Direction) {
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        let (direction, script) = (buffer.direction(), buffer.script());
        let face = self.face(bold);
        let mut plans = self.plans.borrow_mut();
        let known = plans
            .iter()
            .position(|p| p.bold == bold && p.direction == direction && p.script == script);
        let at = known.unwrap_or_else(|| {
            let plan = rustybuzz::ShapePlan::new(face, direction, Some(script), None, &[]);
            plans.push(Plan {
                bold,
                direction,
                script,
                plan,
            });
            plans.len() - 1
        });
        (
            rustybuzz::shape_with_plan(face, &plans[at].plan, buffer),
            direction,
        )
    }
}

/// Both faces of the theme font, for measuring.
pub struct Measure<'a> {
    shaper: Shaper<'a>,
    /// (bold, text) → advance in font units
    cache: RefCell<HashMap<(bool, String), f32>>,
}

impl<'a> Measure<'a> {
    pub fn new(regular: &'a [u8], bold: &'a [u8]) -> Option<Self> {
        Some(Measure {
            shaper: Shaper::new(regular, bold)?,
            cache: RefCell::new(HashMap::new()),
        })
    }

    /// The theme font of a theme, for measuring. Validation made sure both faces load.
    pub fn of(theme: &'a crate::theme::Theme) -> Option<Self> {
        Some(Measure {
            shaper: Shaper::of(theme)?,
            cache: RefCell::new(HashMap::new()),
        })
    }

    /// Whether both faces have a glyph for `c`.
    pub fn covers(&self, c: char) -> bool {
        self.shaper.regular.glyph_index(c).is_some() && self.shaper.bold.glyph_index(c).is_some()
    }

    /// Width of `text` at `size` points.
    pub fn width(&self, text: &str, bold: bool, size: f32) -> f32 {
        let units = self.shaper.face(bold).units_per_em() as f32;
        let key = (bold, text.to_string());
        if let Some(advance) = self.cache.borrow().get(&key) {
            return advance * size / units;
        }
        let shaped = self.shaper.shape(text, bold);
        let advance: f32 = shaped
            .glyph_positions()
            .iter()
            .map(|p| p.x_advance as f32)
            .sum();
        self.cache.borrow_mut().insert(key, advance);
        advance * size / units
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Style {
    pub bold: bool,
    pub italic: bool,
    pub link: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub style: Style,
}

impl Span {
    pub fn plain(text: impl Into<String>) -> Vec<Span> {
        vec![Span {
            text: text.into(),
            style: Style::default(),
        }]
    }

    pub fn bold(text: impl Into<String>) -> Vec<Span> {
        vec![Span {
            text: text.into(),
            style: Style {
                bold: true,
                ..Style::default()
            },
        }]
    }
}

/// What a block of the instructions is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Heading,
    Paragraph,
    /// A list item: its marker ("1.", "•") and nesting depth from 0.
    Item {
        marker: String,
        depth: usize,
    },
}

/// A block of the instructions: its kind, its styled text, and the line of the Markdown it
/// starts on (for diagnostics that point at text which does not fit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub kind: Kind,
    pub spans: Vec<Span>,
    pub line: usize,
}

impl Block {
    pub fn new(kind: Kind, spans: Vec<Span>) -> Self {
        Block {
            kind,
            spans,
            line: 1,
        }
    }
}

/// Markdown → blocks. Raw HTML is kept as text; links keep only safe targets.
pub fn blocks(markdown: &str) -> Vec<Block> {
    let starts = line_starts(markdown);
    let mut builder = Builder::default();
    for (event, range) in crate::instructions::parser(markdown).into_offset_iter() {
        let line = starts.partition_point(|&s| s <= range.start).max(1);
        builder.event(event, line);
    }
    builder.flush();
    builder.out
}

/// Turns Markdown events into blocks, keeping the styles and lists open at each point.
#[derive(Default)]
struct Builder {
    out: Vec<Block>,
    current: Option<Block>,
    style: Style,
    bold: usize,
    italic: usize,
    /// Each open list: its next number, or `None` for bullets.
    lists: Vec<Option<u64>>,
}

impl Builder {
    fn event(&mut self, event: Event, line: usize) {
        let in_item = matches!(
            self.current,
            Some(Block {
                kind: Kind::Item { .. },
                ..
            })
        );
        match event {
            Event::Start(Tag::Heading { .. }) => self.start(Kind::Heading, line),
            Event::Start(Tag::Paragraph | Tag::HtmlBlock | Tag::CodeBlock(_)) => {
                // A paragraph inside a list item continues the item.
                if !in_item {
                    self.start(Kind::Paragraph, line);
                } else if self.current.as_ref().is_some_and(|b| !b.spans.is_empty()) {
                    self.push_text(" ");
                }
            }
            Event::End(
                TagEnd::Heading(_) | TagEnd::Paragraph | TagEnd::HtmlBlock | TagEnd::CodeBlock,
            ) if !in_item => self.flush(),
            Event::Start(Tag::List(start)) => {
                self.flush();
                self.lists.push(start);
            }
            Event::End(TagEnd::List(_)) => {
                self.flush();
                self.lists.pop();
            }
            Event::Start(Tag::Item) => self.start_item(line),
            Event::End(TagEnd::Item) => self.flush(),
            Event::Start(Tag::Strong) => self.bold += 1,
            Event::End(TagEnd::Strong) => self.bold = self.bold.saturating_sub(1),
            Event::Start(Tag::Emphasis) => self.italic += 1,
            Event::End(TagEnd::Emphasis) => self.italic = self.italic.saturating_sub(1),
            Event::Start(Tag::Link { dest_url, .. }) => {
                self.style.link =
                    crate::instructions::is_safe_url(&dest_url).then(|| dest_url.to_string());
            }
            Event::End(TagEnd::Link) => self.style.link = None,
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                self.style.bold = self.bold > 0;
                self.style.italic = self.italic > 0;
                if self.current.is_none() {
                    self.start(Kind::Paragraph, line);
                }
                self.push_text(&t);
            }
            Event::SoftBreak | Event::HardBreak => self.push_text(" "),
            _ => {}
        }
    }

    fn start(&mut self, kind: Kind, line: usize) {
        self.flush();
        self.current = Some(Block {
            kind,
            spans: Vec::new(),
            line,
        });
    }

    fn start_item(&mut self, line: usize) {
        let depth = self
            .lists
            .len()
            .saturating_sub(1)
            .min(crate::instructions::MAX_INDENT / 2);
        let marker = match self.lists.last_mut() {
            Some(Some(n)) => {
                *n += 1;
                format!("{}.", *n - 1)
            }
            _ => "•".to_string(),
        };
        self.start(Kind::Item { marker, depth }, line);
    }

    fn push_text(&mut self, text: &str) {
        let Some(block) = &mut self.current else {
            return;
        };
        match block.spans.last_mut() {
            Some(last) if last.style == self.style => last.text.push_str(text),
            _ => block.spans.push(Span {
                text: text.to_string(),
                style: self.style.clone(),
            }),
        }
    }

    fn flush(&mut self) {
        if let Some(block) = self.current.take()
            && !block.spans.iter().all(|s| s.text.trim().is_empty())
        {
            self.out.push(block);
        }
    }
}

/// Byte offsets where each line of `text` starts.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
        .collect()
}

/// A piece of text placed on a line: x from the line's start.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    pub x: f32,
    pub width: f32,
    pub text: String,
    pub style: Style,
}

/// Breaks styled text into lines no wider than `width`.
pub fn wrap(spans: &[Span], m: &Measure, width: f32, size: f32, all_bold: bool) -> Vec<Vec<Piece>> {
    let mut lines: Vec<Vec<Piece>> = vec![Vec::new()];
    let mut x = 0.0;
    // Whether white space came before the next word (it may end the previous span).
    let mut space_pending = false;
    for span in spans {
        let bold = all_bold || span.style.bold;
        let space = m.width(" ", bold, size);
        let text = crate::text::visible(&span.text.replace(['\n', '\t', '\r'], " "));
        for (i, word) in text.split(char::is_whitespace).enumerate() {
            if i > 0 {
                space_pending = true;
            }
            if word.is_empty() {
                continue;
            }
            let spaced = std::mem::take(&mut space_pending);
            let w = m.width(word, bold, size);
            let gap = if x > 0.0 && spaced { space } else { 0.0 };
            if x + gap + w <= width {
                place(&mut lines, x + gap, w, word, &span.style, gap > 0.0);
                x += gap + w;
                continue;
            }
            if x > 0.0 {
                lines.push(Vec::new());
                x = 0.0;
            }
            if w <= width {
                place(&mut lines, 0.0, w, word, &span.style, false);
                x = w;
                continue;
            }
            // Longer than a line: break it where it fits, with a hyphen — but not a link,
            // where a hyphen would be typed in as part of it.
            let mark = if span.style.link.is_some() { "" } else { "-" };
            let hyphen = m.width(mark, bold, size);
            let mut rest: &str = word;
            while !rest.is_empty() {
                let (cut, whole) = fitting_prefix(m, rest, (bold, size), width, hyphen);
                if let Some(whole) = whole {
                    place(&mut lines, 0.0, whole, rest, &span.style, false);
                    x = whole;
                    break;
                }
                let part = format!("{}{mark}", &rest[..cut]);
                let pw = m.width(&part, bold, size);
                place(&mut lines, 0.0, pw, &part, &span.style, false);
                lines.push(Vec::new());
                x = 0.0;
                rest = &rest[cut..];
            }
        }
    }
    if lines.last().is_some_and(Vec::is_empty) && lines.len() > 1 {
        lines.pop();
    }
    lines
}

/// Where to break a word too long for a line: the end of the longest prefix that fits with
/// its hyphen (at least one character), or — when the whole rest fits — its width. Found by
/// adding up the characters' advances, so breaking a word stays linear in its length, then
/// confirmed by shaping the prefix.
fn fitting_prefix(
    m: &Measure,
    rest: &str,
    (bold, size): (bool, f32),
    width: f32,
    hyphen: f32,
) -> (usize, Option<f32>) {
    let mut advance = 0.0;
    let mut cut = 0;
    let mut buf = [0u8; 4];
    for (index, c) in rest.char_indices() {
        advance += m.width(c.encode_utf8(&mut buf), bold, size);
        if advance > width {
            break;
        }
        let end = index + c.len_utf8();
        if end == rest.len() {
            let whole = m.width(rest, bold, size);
            if whole <= width {
                return (end, Some(whole));
            }
            break;
        }
        if advance + hyphen <= width {
            cut = end;
        }
    }
    // Kerning may make the shaped prefix wider than the sum: step back until it fits.
    while cut > 0 && m.width(&rest[..cut], bold, size) + hyphen > width {
        cut = rest[..cut].char_indices().next_back().map_or(0, |(i, _)| i);
    }
    if cut == 0 {
        cut = rest.chars().next().map_or(rest.len(), char::len_utf8);
    }
    (cut, None)
}

/// Adds a word to the last line, merging it into the previous piece of the same style.
fn place(lines: &mut [Vec<Piece>], x: f32, width: f32, word: &str, style: &Style, spaced: bool) {
    let Some(line) = lines.last_mut() else { return };
    if let Some(last) = line.last_mut()
        && last.style == *style
    {
        if spaced {
            last.text.push(' ');
        }
        last.text.push_str(word);
        last.width = x + width - last.x;
        return;
    }
    line.push(Piece {
        x,
        width,
        text: word.to_string(),
        style: style.clone(),
    });
}

/// One laid-out line of a block: its pieces, their size, and where the line sits.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Offset from the column's left edge.
    pub indent: f32,
    pub pieces: Vec<Piece>,
    pub size: f32,
    pub bold: bool,
    pub heading: bool,
    /// Space above the line (paragraph spacing for a block's first line).
    pub space_before: f32,
    pub height: f32,
    /// The list marker, drawn left of the first line of an item.
    pub marker: Option<(f32, String)>,
    /// The line of the Markdown its block starts on.
    pub source_line: usize,
}

impl Line {
    /// A line of pieces at `size`, without spacing or marker (printed links).
    pub fn plain(pieces: Vec<Piece>, size: f32) -> Line {
        Line {
            indent: 0.0,
            pieces,
            size,
            bold: false,
            heading: false,
            space_before: 0.0,
            height: size * 1.2,
            marker: None,
            source_line: 1,
        }
    }
}

/// Lays out blocks into lines for a column of `width` at body size `size`.
pub fn lines(blocks: &[Block], m: &Measure, width: f32, size: f32, heading_size: f32) -> Vec<Line> {
    let mut out = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        let (indent, marker, bold, block_size, heading) = match &block.kind {
            Kind::Heading => (0.0, None, true, heading_size.min(size * 1.25), true),
            Kind::Paragraph => (0.0, None, false, size, false),
            Kind::Item { marker, depth } => {
                let step = size * 1.6;
                let indent = step * (*depth as f32 + 1.0);
                (
                    indent,
                    Some((indent - step, marker.clone())),
                    false,
                    size,
                    false,
                )
            }
        };
        let is_item = |b: &Block| matches!(b.kind, Kind::Item { .. });
        let space_before = if i == 0 {
            0.0
        } else if heading {
            block_size * 0.8
        } else if is_item(block) && is_item(&blocks[i - 1]) {
            size * 0.15
        } else {
            size * 0.5
        };
        for (n, pieces) in wrap(&block.spans, m, width - indent, block_size, bold)
            .into_iter()
            .enumerate()
        {
            out.push(Line {
                indent,
                pieces,
                size: block_size,
                bold,
                heading,
                space_before: if n == 0 { space_before } else { 0.0 },
                height: block_size * 1.3,
                marker: if n == 0 { marker.clone() } else { None },
                source_line: block.line,
            });
        }
    }
    out
}

/// Total height of lines stacked in one column.
pub fn height(lines: &[Line]) -> f32 {
    lines.iter().map(|l| l.space_before + l.height).sum()
}

/// Splits lines into `columns` columns of at most `max_height`; when they do not fit, the
/// index of the first line left over. A column never starts with spacing, and a heading is
/// not left alone at a column's end.
pub fn into_columns(
    lines: &[Line],
    columns: usize,
    max_height: f32,
) -> Result<Vec<Vec<Line>>, usize> {
    let mut out: Vec<Vec<Line>> = vec![Vec::new()];
    let mut used = 0.0;
    for (i, line) in lines.iter().enumerate() {
        let mut line = line.clone();
        let keep_with_next = line.heading && lines.get(i + 1).is_some_and(|n| !n.heading);
        let need = line.space_before
            + line.height
            + if keep_with_next {
                lines[i + 1].height
            } else {
                0.0
            };
        if used + need > max_height && !out.last().is_some_and(Vec::is_empty) {
            if out.len() == columns {
                return Err(i);
            }
            out.push(Vec::new());
            used = 0.0;
        }
        if out.last().is_some_and(Vec::is_empty) {
            line.space_before = 0.0;
        }
        used += line.space_before + line.height;
        if used > max_height {
            return Err(i);
        }
        if let Some(column) = out.last_mut() {
            column.push(line);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measure() -> Measure<'static> {
        let regular = include_bytes!("../../themes/default/fonts/NotoSans-Regular.ttf");
        let bold = include_bytes!("../../themes/default/fonts/NotoSans-Bold.ttf");
        Measure::new(regular, bold).unwrap()
    }

    #[test]
    fn markdown_becomes_blocks() {
        let b = blocks(
            "## Setup\n\nText with **bold** and [a link](https://x.example).\n\n1. One\n2. Two\n   - nested\n",
        );
        assert_eq!(b[0], Block::new(Kind::Heading, Span::plain("Setup")));
        assert_eq!(b[1].kind, Kind::Paragraph);
        assert_eq!((b[1].line, b[2].line, b[4].line), (3, 5, 7));
        let spans = &b[1].spans;
        assert_eq!(
            spans[1],
            Span {
                text: "bold".into(),
                style: Style {
                    bold: true,
                    ..Style::default()
                }
            }
        );
        assert_eq!(spans[3].style.link.as_deref(), Some("https://x.example"));
        assert!(matches!(&b[2].kind, Kind::Item { marker, depth: 0 } if marker == "1."));
        assert!(matches!(&b[3].kind, Kind::Item { marker, depth: 0 } if marker == "2."));
        assert!(matches!(&b[4].kind, Kind::Item { marker, depth: 1 } if marker == "•"));
    }

    #[test]
    fn lines_never_exceed_the_width() {
        let m = measure();
        let text = "Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft und ein Satz mit Wörtern, Ελληνικά και Кириллица.";
        for width in [40.0, 80.0, 150.0, 300.0] {
            let lines = wrap(&Span::plain(text), &m, width, 10.0, false);
            for line in &lines {
                for piece in line {
                    assert!(
                        piece.x + piece.width <= width + 0.01,
                        "{piece:?} wider than {width}"
                    );
                }
            }
            let joined: String = lines
                .iter()
                .flat_map(|l| l.iter().map(|p| p.text.clone()))
                .collect::<Vec<_>>()
                .join(" ")
                .replace("- ", "")
                .replace('-', "");
            assert_eq!(
                joined.replace(' ', ""),
                text.replace(' ', ""),
                "text lost at width {width}"
            );
        }
    }

    #[test]
    fn a_word_of_200000_characters_breaks_in_linear_time() {
        let m = measure();
        let word = "ab".repeat(100_000);
        let lines = wrap(&Span::plain(word.as_str()), &m, 200.0, 10.0, false);
        let joined: String = lines
            .iter()
            .flat_map(|l| l.iter().map(|p| p.text.trim_end_matches('-')))
            .collect();
        assert_eq!(joined, word);
        assert!(lines.iter().flatten().all(|p| p.x + p.width <= 200.01));
        // Each prefix is cached once per line, not every prefix of the rest of the word.
        assert!(
            m.cache.borrow().len() < 3 * lines.len() + 10,
            "{}",
            m.cache.borrow().len()
        );
    }

    #[test]
    fn columns_split_or_refuse() {
        let m = measure();
        let b = blocks(&"A paragraph of several words that wraps.\n\n".repeat(20));
        let l = lines(&b, &m, 100.0, 10.0, 12.0);
        let total = height(&l);
        assert!(into_columns(&l, 2, total / 2.0 + 30.0).is_ok());
        let left = into_columns(&l, 2, total / 3.0).unwrap_err();
        assert!(left > 0 && left < l.len(), "{left}");
        // Paragraph k starts on line 2k + 1 of the Markdown.
        let line = l[left].source_line;
        assert!(line > 1 && line % 2 == 1 && line < 40, "{line}");
    }
}
