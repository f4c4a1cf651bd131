//! Generation-based fuzzing of a target (`dmconform fuzz`): a campaign draws
//! trials from a seeded generator ([`trial`]), sends each to the target, and
//! judges the answers with oracles that need no expected code. A failing
//! trial of a kind not seen before (the checks it fails) is shrunk ([`minimize`]) and kept as a finding, written out as a
//! case file that reproduces it ([`Finding::file`]).
//!
//! A campaign is deterministic for its seed: time only decides when it stops
//! (`duration`), never what it sends.

pub mod minimize;
pub mod rng;
pub mod trial;

use crate::generate::regression;
use crate::{Target, TargetProfile};
use rng::Rng;
use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};
use trial::Trial;

/// What bounds a campaign and what it starts from.
#[derive(Clone, Debug)]
pub struct CampaignOptions {
    pub seed: u64,
    /// Stop after this long (checked between trials).
    pub duration: Option<Duration>,
    /// Stop once this many messages have been exchanged.
    pub max_exchanges: Option<u64>,
    /// Stop once this many findings are kept.
    pub max_findings: Option<usize>,
}

/// Where a campaign stands, for progress display.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub trials: u64,
    pub exchanges: u64,
    pub findings: usize,
}

/// A failing trial, shrunk.
#[derive(Clone, Debug)]
pub struct Finding {
    /// The number of the trial that first failed (from 0).
    pub trial_number: u64,
    pub trial: Trial,
    /// What the oracle saw on the shrunk trial.
    pub failure: String,
}

impl Finding {
    /// A stable name: the id of the case the shrunk package becomes.
    pub fn name(&self) -> String {
        let id = regression::case(self.trial.package()).id;
        match &self.trial {
            Trial::Case { .. } => id,
            Trial::BrokenWbxml { mutation, .. } => format!("{id}.wbxml-{}", mutation.name()),
        }
    }

    /// The file that reproduces the finding, and its name. A package sent as
    /// a case becomes a case file (`dmconform run` can run it beside the
    /// suite). Broken WBXML has no case-file form, so it is written as a
    /// note: the family, the commands and what went wrong.
    pub fn file(&self) -> (String, String) {
        match &self.trial {
            Trial::Case { package, .. } => {
                let text = regression::to_toml(&regression::case(package));
                let text = format!("# Failure: {}\n{text}", self.failure.replace('\n', " "));
                (format!("{}.toml", self.name()), text)
            }
            Trial::BrokenWbxml { package, mutation } => {
                let text = format!(
                    "WBXML family: {} (generate::wbxml::WbxmlMutation)\nFailure: {}\nCommands:\n{}",
                    mutation.name(),
                    self.failure,
                    package.send_text()
                );
                (format!("{}.txt", self.name()), text)
            }
        }
    }
}

/// What a campaign did.
#[derive(Clone, Debug)]
pub struct Summary {
    pub seed: u64,
    pub trials: u64,
    pub exchanges: u64,
    pub elapsed: Duration,
    pub findings: Vec<Finding>,
}

impl Summary {
    pub fn exchanges_per_second(&self) -> f64 {
        self.exchanges as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// A few lines for a person: the figures and one line per finding.
    pub fn render(&self) -> String {
        let mut out = format!(
            "seed {}: {} trials, {} exchanges in {:.1} s ({:.0} exchanges/s), {} finding(s)\n",
            self.seed,
            self.trials,
            self.exchanges,
            self.elapsed.as_secs_f64(),
            self.exchanges_per_second(),
            self.findings.len()
        );
        for f in &self.findings {
            out.push_str(&format!(
                "  {} (trial {}, {}): {}\n",
                f.name(),
                f.trial_number,
                f.trial.describe(),
                f.failure
            ));
        }
        out
    }

    /// Writes each finding's file into `dir`; the paths written.
    pub fn write_findings(&self, dir: &Path) -> std::io::Result<Vec<String>> {
        if self.findings.is_empty() {
            return Ok(Vec::new());
        }
        std::fs::create_dir_all(dir)?;
        let mut written = Vec::new();
        for f in &self.findings {
            let (name, text) = f.file();
            let path = dir.join(name);
            std::fs::write(&path, text)?;
            written.push(path.display().to_string());
        }
        Ok(written)
    }
}

/// Runs a campaign against `target`, calling `progress` after every trial.
pub fn run(
    target: &mut dyn Target,
    profile: &TargetProfile,
    opts: &CampaignOptions,
    progress: &mut dyn FnMut(Progress),
) -> Summary {
    let started = Instant::now();
    let mut rng = Rng::new(opts.seed);
    let mut now = Progress::default();
    let mut findings: Vec<Finding> = Vec::new();
    let mut seen = BTreeSet::new();
    loop {
        let out_of_time = opts.duration.is_some_and(|d| started.elapsed() >= d);
        let out_of_exchanges = opts.max_exchanges.is_some_and(|m| now.exchanges >= m);
        let enough = opts.max_findings.is_some_and(|m| findings.len() >= m);
        if out_of_time || out_of_exchanges || enough {
            break;
        }
        let trial = Trial::draw(&mut rng);
        let outcome = trial.run(target, profile);
        now.exchanges += outcome.exchanges.max(1);
        if let Some(why) = outcome.failure
            && seen.insert(outcome.signature.clone())
        {
            let (trial, failure) =
                minimize::minimize(&trial, why, &outcome.signature, target, profile);
            findings.push(Finding {
                trial_number: now.trials,
                trial,
                failure,
            });
        }
        now.trials += 1;
        now.findings = findings.len();
        progress(now);
    }
    Summary {
        seed: opts.seed,
        trials: now.trials,
        exchanges: now.exchanges,
        elapsed: started.elapsed(),
        findings,
    }
}
