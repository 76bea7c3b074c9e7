//! Time per flyer and card sheet, and their sizes, for the example projects, in release:
//! `cargo bench --bench pdf`.

use mobileid_kit::kit::pdf;
use std::path::Path;
use std::time::Instant;

/// `layout*`: laying out every PDF of the language, of which this file is one.
fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-projects");
    let sources = mobileid_kit::project::discover(&[root]).expect("example projects");
    println!(
        "{:<34} {:>10} {:>10} {:>10}",
        "file", "layout*", "write", "bytes"
    );
    for source in sources {
        let (project, _) = mobileid_kit::project::validate::load(&source).expect("valid example");
        for lang in &project.languages {
            let laid = mobileid_kit::kit::print_kit(&project, lang).expect("fits");
            for (i, document) in laid.documents.iter().enumerate() {
                let (mut layout, mut write) = (Vec::new(), Vec::new());
                let mut bytes = 0;
                for _ in 0..20 {
                    let start = Instant::now();
                    let again = mobileid_kit::kit::print_kit(&project, lang).expect("fits");
                    std::hint::black_box(&again.documents[i]);
                    layout.push(start.elapsed());
                    let start = Instant::now();
                    bytes = pdf::write(&project, document).expect("writes").len();
                    write.push(start.elapsed());
                }
                layout.sort();
                write.sort();
                let ms = |t: &[std::time::Duration]| t[t.len() / 2].as_secs_f64() * 1000.0;
                println!(
                    "{:<34} {:>7.1} ms {:>7.1} ms {bytes:>10}",
                    format!("{}/{}", project.id, document.file),
                    ms(&layout),
                    ms(&write)
                );
            }
        }
    }
}
