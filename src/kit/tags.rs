//! The PDF's tag tree, from the structure the layout gave each page: headings, paragraphs,
//! lists (L, LI, Lbl, LBody), figures with their alternative text, links with their
//! annotation. Screen readers read this tree; content outside it is an artifact.

use crate::layout::frame::{Element, Item, Page, Role};
use krilla::destination::XyzDestination;
use krilla::geom::Point;
use krilla::outline::{Outline, OutlineNode};
use krilla::tagging::{Identifier, ListNumbering, Node, Tag, TagGroup};
use std::num::NonZeroU16;

/// What an element of the page holds once drawn: content marked on the surface, or the
/// n-th link annotation of the page (known only after the surface is finished).
#[derive(Debug, Clone)]
pub enum Mark {
    Content(Identifier),
    Link(usize),
}

/// The tag groups of one page, in reading order.
pub fn page_nodes(page: &Page, marks: Vec<Vec<Mark>>, links: &[Identifier]) -> Vec<Node> {
    let structure = &page.structure;
    let mut out: Vec<Node> = Vec::new();
    // Consecutive list items form one list; their labels are tagged, so no numbering is set.
    let mut list: Option<TagGroup> = None;
    for (element, marks) in structure.iter().zip(marks) {
        if element.role == Role::ListItem {
            let mut children = nodes(marks, links).into_iter();
            let label = children.next();
            let group = list.get_or_insert_with(|| TagGroup::new(Tag::L(ListNumbering::None)));
            let mut item = TagGroup::new(Tag::LI);
            if let Some(label) = label {
                item.push(TagGroup::with_children(Tag::Lbl, vec![label]));
            }
            item.push(TagGroup::with_children(Tag::LBody, children.collect()));
            group.push(item);
            continue;
        }
        if let Some(group) = list.take() {
            out.push(group.into());
        }
        out.push(group(&element.role, text_of(page, element), marks, links));
    }
    if let Some(group) = list.take() {
        out.push(group.into());
    }
    out
}

/// A heading, paragraph or figure.
fn group(role: &Role, text: String, marks: Vec<Mark>, links: &[Identifier]) -> Node {
    match role {
        Role::Heading(level) => {
            let level = NonZeroU16::new(*level).unwrap_or(NonZeroU16::MIN);
            TagGroup::with_children(Tag::Hn(level, Some(text)), nodes(marks, links)).into()
        }
        Role::Figure(alt) => {
            // A code that is also a link: the link holds the figure and its annotation.
            let (content, annotations): (Vec<Mark>, Vec<Mark>) = marks
                .into_iter()
                .partition(|m| matches!(m, Mark::Content(_)));
            let figure =
                TagGroup::with_children(Tag::Figure(Some(alt.clone())), nodes(content, links));
            match annotations.first() {
                Some(Mark::Link(n)) => {
                    let children = vec![figure.into(), links[*n].into()];
                    TagGroup::with_children(Tag::Link, children).into()
                }
                _ => figure.into(),
            }
        }
        Role::Paragraph | Role::ListItem => {
            TagGroup::with_children(Tag::P, nodes(marks, links)).into()
        }
    }
}

/// Marks as nodes; a link annotation joins the content before it in a Link group.
fn nodes(marks: Vec<Mark>, links: &[Identifier]) -> Vec<Node> {
    let mut out: Vec<Node> = Vec::new();
    for mark in marks {
        match mark {
            Mark::Content(id) => out.push(id.into()),
            Mark::Link(n) => {
                let mut children: Vec<Node> = out.pop().into_iter().collect();
                children.push(links[n].into());
                out.push(TagGroup::with_children(Tag::Link, children).into());
            }
        }
    }
    out
}

/// The words of an element's text items, as a heading's title.
fn text_of(page: &Page, element: &Element) -> String {
    let words: Vec<&str> = page.items[element.items.clone()]
        .iter()
        .filter_map(|item| match item {
            Item::Text { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .flat_map(str::split_whitespace)
        .collect();
    words.join(" ")
}

/// The document outline (bookmarks): every heading, nested by level, pointing at its page.
pub fn outline(pages: &[Page]) -> Outline {
    let mut outline = Outline::new();
    // Open headings by level: (level, node).
    let mut open: Vec<(u16, OutlineNode)> = Vec::new();
    let close = |open: &mut Vec<(u16, OutlineNode)>, outline: &mut Outline, level: u16| {
        while open.last().is_some_and(|(l, _)| *l >= level) {
            if let Some((_, node)) = open.pop() {
                match open.last_mut() {
                    Some((_, parent)) => parent.push_child(node),
                    None => outline.push_child(node),
                }
            }
        }
    };
    for (index, page) in pages.iter().enumerate() {
        for element in &page.structure {
            let Role::Heading(level) = element.role else {
                continue;
            };
            let top = page.items[element.items.clone()]
                .iter()
                .find_map(|item| match item {
                    Item::Text {
                        x, baseline, look, ..
                    } => Some(Point::from_xy(*x, baseline - look.size)),
                    _ => None,
                });
            close(&mut open, &mut outline, level);
            let destination = XyzDestination::new(index, top.unwrap_or(Point::from_xy(0.0, 0.0)));
            open.push((level, OutlineNode::new(text_of(page, element), destination)));
        }
    }
    close(&mut open, &mut outline, 0);
    outline
}
