//! Time to build each example kit (load, validate, render, write), in release:
//! `cargo bench --bench build`. Twice per example: the whole kit, and the web part alone
//! (page, Markdown, codes, chat message) that needs no PDF or image rendering.

use mobileid_kit::project::model::Output;
use std::path::Path;
use std::time::{Duration, Instant};

const WEB: [Output; 4] = [Output::Html, Output::Md, Output::Qr, Output::Message];

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-projects");
    let out = std::env::temp_dir().join(format!("mobileid-kit-bench-{}", std::process::id()));
    let sources = mobileid_kit::project::discover(&[root]).expect("example projects");
    println!(
        "{:<18} {:<6} {:>6} {:>6} {:>10} {:>10} {:>16}",
        "kit", "part", "langs", "files", "median", "min", "of it validate"
    );
    for source in sources {
        for part in ["all", "web"] {
            let mut times = Vec::new();
            let mut validate = Vec::new();
            let mut summary = (String::new(), 0, 0);
            for _ in 0..30 {
                let start = Instant::now();
                let (project, _) =
                    mobileid_kit::project::validate::load(&source).expect("valid example");
                validate.push(start.elapsed());
                let outputs: Vec<Output> = match part {
                    "all" => project.kit.outputs.clone(),
                    _ => WEB.to_vec(),
                };
                let files = mobileid_kit::kit::build(&project, &outputs, &project.languages)
                    .expect("renders")
                    .files;
                mobileid_kit::kit::write::write_kit(&out, &project.id, &files, &|| false)
                    .expect("writes");
                times.push(start.elapsed());
                summary = (project.id.clone(), project.languages.len(), files.len());
            }
            times.sort();
            validate.sort();
            let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
            println!(
                "{:<18} {:<6} {:>6} {:>6} {:>10} {:>10} {:>16}",
                summary.0,
                part,
                summary.1,
                summary.2,
                ms(times[times.len() / 2]),
                ms(times[0]),
                ms(validate[validate.len() / 2])
            );
        }
    }
    let _ = std::fs::remove_dir_all(&out);
}
