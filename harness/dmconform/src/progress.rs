//! Progress of a run on a terminal: a bar on standard error with the last case
//! run and its verdict, drawn only when standard error is a terminal.

use crate::verdict::CaseRun;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// A progress bar for `total` case runs; hidden when standard error is not a terminal.
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    pub fn new(total: usize) -> Progress {
        let target = if std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(Some(total as u64), target);
        if let Ok(style) =
            ProgressStyle::with_template("{bar:30} {pos}/{len} {elapsed:>4} {wide_msg}")
        {
            bar.set_style(style);
        }
        Progress { bar }
    }

    /// Records one finished case run.
    pub fn update(&self, done: usize, last: &CaseRun) {
        self.bar.set_position(done as u64);
        self.bar
            .set_message(format!("{} [{}] {}", last.id, last.encoding, last.verdict));
    }

    /// A callback for [`crate::client::runner::run_suite_with_progress`].
    pub fn callback(&self) -> impl FnMut(usize, usize, &CaseRun) + '_ {
        move |done, _, last| self.update(done, last)
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

/// A spinner with the elapsed time and a message, for runs of no known length
/// (`fuzz`, `load`); `None` when standard error is not a terminal.
pub fn spinner() -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::no_length();
    let style = ProgressStyle::with_template("{spinner} {elapsed} {msg}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
    bar.set_style(style);
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    Some(bar)
}
