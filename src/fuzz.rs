//! Entry points for the fuzz targets under `fuzz/` and for the regression tests that replay
//! what the fuzzers found (`tests/fuzz_regressions.rs`). Each takes arbitrary bytes and must
//! return, whatever they are.

use std::path::Path;

/// `project.toml` parsing and the checks of its values.
pub fn project_toml(data: &[u8]) {
    let (config, diagnostics) =
        crate::project::config::from_bytes(Path::new("fuzz/project.toml"), data);
    for d in &diagnostics {
        let _ = d.render_text();
    }
    let _ = crate::diag::to_json(&diagnostics, serde_json::Value::Null);
    if let Some(config) = config {
        // The second stage too: a config that parsed is validated into the model.
        let mut more = Vec::new();
        let _ = crate::project::validate::validate(&config, &mut more);
    }
}

/// Reading and checking a ledger; the first bytes choose `ids.first` and the mode.
pub fn ledger(data: &[u8]) {
    let (first, self_service) = match data.first() {
        Some(b) => (u64::from(*b % 4), b % 2 == 0),
        None => (1, true),
    };
    let rules = crate::ledger::Rules {
        first_id: first,
        self_service,
        pending_days: 14,
    };
    let checked = crate::ledger::check_bytes(
        Path::new("fuzz/ledger.csv"),
        data.get(1..).unwrap_or_default(),
        &rules,
    );
    for d in &checked.diagnostics {
        let _ = d.render_text();
    }
}

/// Instructions: tera variables, then Markdown to HTML, plain text and print blocks.
pub fn instructions(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let vars = serde_json::json!({
        "project": {"id": "p", "name": "<Name & \"Co\">", "languages": ["en"]},
        "registration": {"url": "https://example.com/r"},
        "contact": {"name": "IT", "email": "it@example.com", "phone": null},
        "ids": {"first": 1},
        "kit": {"date": null, "qr_ec": "M", "qr_size_mm": 30},
    });
    let context = tera::Context::from_serialize(&vars).unwrap_or_default();
    let filled = match crate::instructions::fill("instructions.en.md", text, &context) {
        Ok(filled) => filled,
        Err(e) => {
            let _ = crate::theme::template_error(&e, Path::new("instructions.en.md"), text)
                .render_text();
            return;
        }
    };
    let _ = crate::instructions::to_html(&filled);
    let _ = crate::instructions::to_plain_text(&filled);
    let _ = crate::layout::text::blocks(&filled);
}
