//! The progress bar of a multi-project build, on a terminal only: none with `-q`, in a pipe
//! or with `--format json` (the caller decides), and none for a single kit.

/// A bar over the kits to build; does nothing when hidden.
pub struct Bar(Option<indicatif::ProgressBar>);

impl Bar {
    pub fn new(shown: bool, kits: usize) -> Bar {
        if !shown || kits < 2 {
            return Bar(None);
        }
        let bar = indicatif::ProgressBar::new(kits as u64);
        let style = indicatif::ProgressStyle::with_template(
            "building {pos}/{len} kits [{bar:30}] {elapsed}, about {eta} left",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> ");
        bar.set_style(style);
        Bar(Some(bar))
    }

    /// One kit more is done (`built`: it was one of those counted).
    pub fn advance(&self, built: bool) {
        if let (Some(bar), true) = (&self.0, built) {
            bar.inc(1);
        }
    }

    /// Takes the bar off the terminal, so the report follows on a clean line.
    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
