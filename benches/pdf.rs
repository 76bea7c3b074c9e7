//! Time per flyer and card sheet, and their sizes, for the example projects, in release:
//! `cargo bench --bench pdf`.

use mobileid_kit::kit::pdf::{Fonts, cards, flyer};
use std::path::Path;
use std::time::Instant;

/// A named render of one PDF.
type Job<'a> = Box<dyn Fn() -> Vec<u8> + 'a>;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-projects");
    let sources = mobileid_kit::project::discover(&[root]).expect("example projects");
    println!("{:<34} {:>10} {:>10}", "file", "median", "bytes");
    for source in sources {
        let project = mobileid_kit::project::validate::load(&source).expect("valid example");
        let fonts = Fonts::of(&project).expect("fonts");
        for lang in &project.languages {
            let mut jobs: Vec<(String, Job)> = Vec::new();
            for paper in project.kit.paper.clone() {
                let (p, f, l) = (&project, &fonts, lang.clone());
                jobs.push((
                    format!("{}/flyer-{paper}.{lang}.pdf", project.id),
                    Box::new(move || flyer::render(p, f, &paper, &l).expect("flyer")),
                ));
            }
            let (p, f, l) = (&project, &fonts, lang.clone());
            jobs.push((
                format!("{}/cards-a4.{lang}.pdf", project.id),
                Box::new(move || cards::render(p, f, &l).expect("cards")),
            ));
            for (name, job) in jobs {
                let mut times = Vec::new();
                let mut bytes = 0;
                for _ in 0..20 {
                    let start = Instant::now();
                    bytes = job().len();
                    times.push(start.elapsed());
                }
                times.sort();
                println!(
                    "{name:<34} {:>7.1} ms {bytes:>10}",
                    times[10].as_secs_f64() * 1000.0
                );
            }
        }
    }
}
