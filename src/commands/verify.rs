use crate::Outcome;
use crate::error::Result;
use crate::verify;
use std::path::PathBuf;

pub fn run(dirs: &[PathBuf], photo: bool) -> Result<Outcome> {
    let kits = verify::kits(dirs)?;
    let reports = kits
        .iter()
        .map(|dir| verify::verify_kit(dir, photo))
        .collect::<Result<Vec<_>>>()?;
    let failed = reports.iter().any(|r| r.failed().next().is_some());
    let mut text = verify::render_text(&reports);
    let failing: Vec<String> = reports
        .iter()
        .flat_map(|r| r.failed().map(move |f| format!("{}/{}", r.dir, f.path)))
        .collect();
    if failing.is_empty() {
        text.push_str("every file matches its manifest and every code decodes\n");
    } else {
        text.push_str(&format!(
            "{} file(s) fail: {}\n",
            failing.len(),
            failing.join(", ")
        ));
    }
    let json = serde_json::json!({"kits": reports, "ok": !failed});
    Ok(Outcome {
        text,
        json,
        failed,
        ..Outcome::default()
    })
}
