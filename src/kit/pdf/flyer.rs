//! `flyer-<paper>.<lang>.pdf`: one page with the project name, the three steps with the four
//! codes (each at least `qr_size_mm`, captioned, links printed under them), the instructions
//! typeset from Markdown (stepping the size down to fit), and the contact footer.

use super::layout::{self, Block, Line, Span};
use super::{Fonts, LinkArea, Look, MM, draw_code, draw_lines, draw_text, module_for};
use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::project::Project;
use crate::qr::Matrix;

/// A code cell: the code with its caption and, for links, the printed link.
struct Cell<'a> {
    code: &'a Matrix,
    caption: String,
    link: Option<&'a str>,
}

/// One of the three steps: heading, text and its codes.
struct Step<'a> {
    heading: String,
    text: String,
    cells: Vec<Cell<'a>>,
}

pub fn render(project: &Project, fonts: &Fonts, paper: &str, lang: &str) -> Result<Vec<u8>> {
    let t = project.strings(lang);
    let p = &project.theme.print;
    let (page_w, page_h) = super::paper_size(paper);
    let margin = p.margin_mm * MM;
    let width = page_w - 2.0 * margin;
    let m = &fonts.measure;
    let codes = &project.codes;
    let size_mm = project.kit.qr_size_mm as f32;

    let mut steps = vec![
        Step {
            heading: format!("1  {}", t["step_download"]),
            text: t["step_download_text"].clone(),
            cells: vec![
                Cell {
                    code: &codes.app_store,
                    caption: t["app_store"].clone(),
                    link: Some(&codes.app_store.payload),
                },
                Cell {
                    code: &codes.google_play,
                    caption: t["google_play"].clone(),
                    link: Some(&codes.google_play.payload),
                },
            ],
        },
        Step {
            heading: format!("2  {}", t["step_activate"]),
            text: t["step_activate_text"].clone(),
            cells: vec![Cell {
                code: &codes.activation,
                caption: t["activation_caption"].clone(),
                link: None,
            }],
        },
    ];
    steps.push(match &codes.registration {
        Some(code) => Step {
            heading: format!("3  {}", t["step_register"]),
            text: t["step_register_text"].clone(),
            cells: vec![Cell {
                code,
                caption: t["registration_caption"].clone(),
                link: Some(&code.payload),
            }],
        },
        None => Step {
            heading: format!("3  {}", t["step_register"]),
            text: t["step_register_no_url"].clone(),
            cells: vec![],
        },
    });

    let mut document = super::new_document(project);
    document.set_metadata(super::metadata(
        project,
        lang,
        &format!("flyer-{paper}.{lang}"),
    ));
    let settings = krilla::page::PageSettings::from_wh(page_w, page_h)
        .ok_or_else(|| Error::Usage("bad page size".into()))?;
    let mut page = document.start_page_with(settings);
    let mut links = Vec::new();
    let mut surface = page.surface();

    // Head: project name, title, intro — each wraps rather than running off the page.
    let mut y = margin;
    let head = [
        (project.name.as_str(), p.kicker_size, true, p.accent),
        (t["page_title"].as_str(), p.title_size, true, p.ink),
        (t["intro"].as_str(), p.body_size, false, p.muted),
    ];
    for (text, size, bold, color) in head {
        for line in layout::wrap(&Span::plain(text), m, width, size, bold) {
            for piece in line {
                draw_text(
                    &mut surface,
                    fonts,
                    margin + piece.x,
                    y + size,
                    &piece.text,
                    Look { size, bold, color },
                );
            }
            y += size * 1.25;
        }
        y += size * 0.3;
    }
    y += 3.0 * MM;

    // Steps: side by side in columns as wide as their codes, or one under the other when
    // large codes do not fit side by side.
    let gap = 5.0 * MM;
    let cell_w = |c: &Cell| c.code.outer_width() as f32 * module_for(c.code, size_mm);
    // A step without codes still needs room for its text.
    let natural: Vec<f32> = steps
        .iter()
        .map(|s| {
            let codes = s.cells.iter().map(cell_w).sum::<f32>()
                + gap * s.cells.len().saturating_sub(1) as f32;
            codes.max(35.0 * MM)
        })
        .collect();
    let side_by_side = natural.iter().sum::<f32>() + gap * 2.0 <= width;
    let columns: Vec<f32> = if side_by_side {
        let spare = (width - natural.iter().sum::<f32>() - gap * 2.0) / 3.0;
        natural.iter().map(|w| w + spare).collect()
    } else {
        vec![width; 3]
    };
    let mut x = margin;
    let mut row_bottom = y;
    for (step, column) in steps.iter().zip(&columns) {
        let mut sy = if side_by_side { y } else { row_bottom };
        let heading = layout::lines(
            &[Block::Heading(Span::plain(step.heading.as_str()))],
            m,
            *column,
            p.heading_size,
            p.heading_size,
        );
        sy = draw_lines(
            &mut surface,
            fonts,
            &heading,
            x,
            sy,
            (p.ink, p.accent),
            &mut links,
        );
        let text = layout::lines(
            &[Block::Paragraph(Span::plain(step.text.as_str()))],
            m,
            *column,
            p.small_size + 1.0,
            p.heading_size,
        );
        sy = draw_lines(
            &mut surface,
            fonts,
            &text,
            x,
            sy + 1.0 * MM,
            (p.ink, p.accent),
            &mut links,
        ) + 2.0 * MM;
        let mut cx = x;
        let mut cells_bottom = sy;
        for cell in &step.cells {
            let w = cell_w(cell);
            if cx > x && cx + w > x + column + 0.01 {
                cx = x;
                sy = cells_bottom + 2.0 * MM;
            }
            let module = module_for(cell.code, size_mm);
            draw_code(&mut surface, cell.code, cx, sy, module);
            if let Some(link) = cell.link
                && let Some(rect) = krilla::geom::Rect::from_xywh(cx, sy, w, w)
            {
                links.push(LinkArea {
                    rect,
                    url: link.to_string(),
                });
            }
            let mut cy = sy + w + 1.0 * MM;
            for line in layout::wrap(
                &Span::bold(cell.caption.as_str()),
                m,
                w,
                p.small_size + 0.5,
                true,
            ) {
                for piece in line {
                    draw_text(
                        &mut surface,
                        fonts,
                        cx + piece.x,
                        cy + p.small_size,
                        &piece.text,
                        Look {
                            size: p.small_size + 0.5,
                            bold: true,
                            color: p.ink,
                        },
                    );
                }
                cy += (p.small_size + 0.5) * 1.25;
            }
            if let Some(link) = cell.link {
                let spans = vec![Span {
                    text: link.to_string(),
                    style: layout::Style {
                        link: Some(link.to_string()),
                        ..Default::default()
                    },
                }];
                let lines: Vec<Line> = layout::wrap(&spans, m, w, p.small_size, false)
                    .into_iter()
                    .map(|pieces| Line {
                        indent: 0.0,
                        pieces,
                        size: p.small_size,
                        bold: false,
                        heading: false,
                        space_before: 0.0,
                        height: p.small_size * 1.2,
                        marker: None,
                    })
                    .collect();
                cy = draw_lines(
                    &mut surface,
                    fonts,
                    &lines,
                    cx,
                    cy,
                    (p.muted, p.muted),
                    &mut links,
                );
            }
            cells_bottom = cells_bottom.max(cy);
            cx += w + gap;
        }
        row_bottom = row_bottom.max(cells_bottom).max(sy);
        if side_by_side {
            x += column + gap;
        } else {
            row_bottom += 3.0 * MM;
        }
    }
    y = row_bottom + 5.0 * MM;

    // Footer: the contact line at the bottom margin.
    let c = &project.contact;
    let items: Vec<(&String, Option<String>)> = [
        c.name.as_ref().map(|n| (n, None)),
        c.email.as_ref().map(|e| (e, Some(format!("mailto:{e}")))),
        c.phone
            .as_ref()
            .map(|p| (p, Some(format!("tel:{}", p.replace(' ', ""))))),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut footer = Vec::new();
    if !items.is_empty() {
        let mut spans = Span::bold(format!("{} ", t["contact_heading"]));
        for (i, (text, link)) in items.into_iter().enumerate() {
            if i > 0 {
                spans.push(Span {
                    text: " · ".into(),
                    style: layout::Style::default(),
                });
            }
            spans.push(Span {
                text: text.clone(),
                style: layout::Style {
                    link,
                    ..Default::default()
                },
            });
        }
        footer = layout::lines(
            &[Block::Paragraph(spans)],
            m,
            width,
            p.small_size + 1.0,
            p.heading_size,
        );
    }
    let footer_h = layout::height(&footer);
    draw_lines(
        &mut surface,
        fonts,
        &footer,
        margin,
        page_h - margin - footer_h,
        (p.muted, p.accent),
        &mut links,
    );

    // Instructions: two columns in the space left, the size stepped down until they fit.
    let heading = layout::lines(
        &[Block::Heading(Span::plain(
            t["instructions_heading"].as_str(),
        ))],
        m,
        width,
        p.heading_size,
        p.heading_size,
    );
    let top = draw_lines(
        &mut surface,
        fonts,
        &heading,
        margin,
        y,
        (p.ink, p.accent),
        &mut links,
    ) + 1.0 * MM;
    let available = page_h - margin - footer_h - 4.0 * MM - top;
    let column_w = (width - gap) / 2.0;
    let blocks = layout::blocks(&project.instructions[lang]);
    let mut size = p.body_size;
    let placed = loop {
        let lines = layout::lines(&blocks, m, column_w, size, p.heading_size);
        if let Some(columns) = layout::into_columns(&lines, 2, available) {
            break columns;
        }
        if size <= p.body_min_size {
            let needed = layout::height(&lines);
            let fits = available * 2.0;
            let file = project
                .instruction_files
                .get(lang)
                .unwrap_or(&project.source);
            return Err(Error::Invalid(vec![
                Diagnostic::error(
                    "E008",
                    format!(
                        "the {lang} instructions do not fit on the {} flyer: at {:.1} pt they need {:.0} mm of column, {:.0} mm fit ({:.0}% too long)",
                        paper.to_uppercase(),
                        size,
                        needed / MM,
                        fits.max(0.0) / MM,
                        (needed / fits.max(1.0) - 1.0) * 100.0
                    ),
                )
                .in_file(file)
                .help("shorten the instructions (the flyer is one page), or lower body_min_size in the theme's print.toml"),
            ]));
        }
        size = (size - 0.5).max(p.body_min_size);
    };
    for (i, column) in placed.iter().enumerate() {
        draw_lines(
            &mut surface,
            fonts,
            column,
            margin + i as f32 * (column_w + gap),
            top,
            (p.ink, p.accent),
            &mut links,
        );
    }

    surface.finish();
    super::add_links(&mut page, links);
    page.finish();
    super::finish(document, &format!("flyer-{paper}.{lang}.pdf"))
}
