//! A progress bar on stderr while many files are read and parsed: only on a
//! terminal, never with `--quiet`, and never for the few files a pre-commit
//! run or an editor passes.

use std::io::IsTerminal;
use std::sync::{Arc, OnceLock};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use phiguard_parser::Progress;

/// Below this many steps (two a file) the run is over before a bar helps.
const MIN_STEPS: usize = 400;

pub struct Bar {
    bar: Arc<OnceLock<ProgressBar>>,
}

/// Whether a bar may be drawn at all.
pub fn wanted(quiet: bool) -> bool {
    !quiet && std::io::stderr().is_terminal()
}

impl Bar {
    /// The bar and the callback that drives it; with `enabled` false the
    /// callback does nothing.
    pub fn new(enabled: bool) -> (Bar, Progress) {
        let bar: Arc<OnceLock<ProgressBar>> = Arc::new(OnceLock::new());
        if !enabled {
            return (Bar { bar }, Progress::default());
        }
        let shared = Arc::clone(&bar);
        let progress = Progress::new(move |done, total| {
            if total < MIN_STEPS {
                return;
            }
            let bar = shared.get_or_init(|| {
                let bar =
                    ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
                if let Ok(style) =
                    ProgressStyle::with_template("linting {bar:40} {percent:>3}% {msg}")
                {
                    bar.set_style(style);
                }
                bar
            });
            bar.set_position(done as u64);
        });
        (Bar { bar }, progress)
    }

    /// Removes the bar before the report is printed.
    pub fn finish(&self) {
        if let Some(bar) = self.bar.get() {
            bar.finish_and_clear();
        }
    }
}
