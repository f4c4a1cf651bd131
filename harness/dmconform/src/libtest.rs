//! `cargo test` for vendors: every case and encoding of the suite as its own
//! named libtest trial against their implementation, with status snapshots.
//!
//! ```no_run
//! // tests/conformance.rs, with `harness = false` in Cargo.toml
//! fn main() {
//!     dmconform::libtest::Harness::new(|| Box::new(my_dm_client::Adapter::new()))
//!         .snapshots(concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"))
//!         .main();
//! }
//! # mod my_dm_client { pub struct Adapter; impl Adapter { pub fn new() -> dmconform::client::reference::Reference { unimplemented!() } } }
//! ```
//!
//! A trial fails when its verdict is not as the target profile leads one to
//! expect, or when its snapshot differs (review with `cargo insta review`).
//! For a DM server, a trial `target-profile` fails when the profile claims SyncML
//! authentication without credentials. Each server trial starts from the device the
//! profile describes (its `client_nonce`), as a run's first case does.
//! Two more trials check the target profile's deviation entries: one fails on
//! entries that match no case run, the other on expired entries, malformed
//! expiry dates and reasons still to be written.

use crate::client::Target;
use crate::client::runner::run_case;
use crate::profile::TargetProfile;
use crate::run::RunOptions;
use crate::server::runner::{DeviceMemory, profile_problem, run_server_case};
use crate::server::target::ServerTarget;
use crate::spec::{Role, Suite};
use crate::verdict::CaseRun;
use libtest_mimic::{Arguments, Failed, Trial};
use std::path::PathBuf;
use std::sync::Arc;

/// Makes a fresh implementation under test for each trial: a DM client or a DM server.
#[derive(Clone)]
enum Factory {
    Client(Arc<dyn Fn() -> Box<dyn Target> + Send + Sync>),
    Server(Arc<dyn Fn() -> Box<dyn ServerTarget> + Send + Sync>),
}

/// The suite as libtest trials against one implementation.
pub struct Harness {
    factory: Factory,
    profile: TargetProfile,
    options: RunOptions,
    snapshots: Option<PathBuf>,
}

impl Harness {
    /// A harness over targets made by `factory` (one fresh target per trial),
    /// with the reference's target profile until [`Harness::profile`] says otherwise.
    pub fn new(factory: impl Fn() -> Box<dyn Target> + Send + Sync + 'static) -> Harness {
        Harness {
            factory: Factory::Client(Arc::new(factory)),
            profile: TargetProfile::reference(),
            options: RunOptions::default(),
            snapshots: None,
        }
    }

    /// A harness running the server cases against DM servers made by `factory`, with
    /// the reference server's target profile until [`Harness::profile`] says otherwise.
    pub fn for_server(
        factory: impl Fn() -> Box<dyn ServerTarget> + Send + Sync + 'static,
    ) -> Harness {
        Harness {
            factory: Factory::Server(Arc::new(factory)),
            profile: TargetProfile::reference_server(),
            options: RunOptions {
                role: Role::Server,
                ..RunOptions::default()
            },
            snapshots: None,
        }
    }

    /// The target profile of the implementation.
    pub fn profile(mut self, profile: TargetProfile) -> Harness {
        self.profile = profile;
        self
    }

    /// Run options (encodings, profile, filter). The role stays the one the
    /// harness was made for ([`Harness::for_server`] or a client harness).
    pub fn options(mut self, options: RunOptions) -> Harness {
        let role = self.options.role;
        self.options = RunOptions { role, ..options };
        self
    }

    /// Check each run's statuses against insta snapshots in this folder.
    pub fn snapshots(mut self, dir: impl Into<PathBuf>) -> Harness {
        self.snapshots = Some(dir.into());
        self
    }

    /// The trials, one per case and encoding, named `<case id>@<encoding>`.
    pub fn trials(&self) -> Vec<Trial> {
        let (suite, problems) = Suite::embedded();
        let suite = Arc::new(suite);
        let mut trials = Vec::new();
        if !problems.is_empty() {
            let text = problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n");
            trials.push(Trial::test("specs-load", move || Err(Failed::from(text))));
        }
        if let (Factory::Server(_), Some(problem)) = (&self.factory, profile_problem(&self.profile))
        {
            trials.push(Trial::test("target-profile", move || {
                Err(Failed::from(problem))
            }));
        }
        let selected = self.options.select(&suite);
        let stale = stale_deviations(&self.profile, &selected);
        trials.push(Trial::test("target-profile-deviations", move || {
            if stale.is_empty() {
                Ok(())
            } else {
                Err(Failed::from(format!(
                    "deviation entries of the target profile that match no case run: {stale:?}"
                )))
            }
        }));
        let entry_problems = self.profile.deviation_problems(&crate::date::today());
        trials.push(Trial::test("target-profile-deviation-entries", move || {
            if entry_problems.is_empty() {
                Ok(())
            } else {
                Err(Failed::from(entry_problems.join("\n")))
            }
        }));
        for (seq, (case, encoding)) in selected.into_iter().enumerate() {
            let name = format!("{}@{}", case.id, encoding);
            let case = case.clone();
            let suite = Arc::clone(&suite);
            let factory = self.factory.clone();
            let profile = self.profile.clone();
            let options = self.options.clone();
            let snapshots = self.snapshots.clone();
            trials.push(Trial::test(name.clone(), move || {
                let mut run = match &factory {
                    Factory::Client(make) => {
                        run_case(&case, encoding, make().as_mut(), &profile, &options)
                    }
                    Factory::Server(make) => run_server_case(
                        &case,
                        encoding,
                        seq,
                        make().as_mut(),
                        &profile,
                        &options,
                        &mut DeviceMemory::new(&profile),
                    ),
                };
                if let Some(d) = profile.deviation_for(&run.id, encoding) {
                    run.expected_deviation = Some(profile.deviation[d].reason.clone());
                }
                if let Some(dir) = &snapshots {
                    check_snapshot(dir, &name, &run);
                }
                if run.as_expected() {
                    Ok(())
                } else {
                    Err(Failed::from(failure_text(&suite, &run)))
                }
            }));
        }
        trials
    }

    /// Parses the test arguments, runs the trials and exits like `cargo test`.
    pub fn main(self) -> ! {
        let args = Arguments::from_args();
        libtest_mimic::run(&args, self.trials()).exit()
    }
}

/// Deviation entries of a profile that match none of the selected case runs.
pub fn stale_deviations(
    profile: &TargetProfile,
    selected: &[(&crate::spec::Case, crate::wire::Encoding)],
) -> Vec<String> {
    profile
        .deviation
        .iter()
        .filter(|d| !selected.iter().any(|(c, e)| d.matches(&c.id, *e)))
        .map(|d| d.case.clone())
        .collect()
}

fn check_snapshot(dir: &std::path::Path, name: &str, run: &CaseRun) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(dir);
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(name.to_string(), crate::snapshot::render(run)));
}

fn failure_text(suite: &Suite, run: &CaseRun) -> String {
    let report = crate::run::RunReport {
        target: "target".into(),
        profile: None,
        target_profile: String::new(),
        runs: vec![run.clone()],
        unused_deviations: Vec::new(),
        expired_deviations: Vec::new(),
        micros: run.micros,
    };
    crate::report::text::render(&report, suite)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Deviation;

    #[test]
    fn a_deviation_matching_no_case_is_stale() {
        let (suite, _) = Suite::embedded();
        let mut profile = TargetProfile::reference();
        profile.deviation.push(Deviation {
            case: "no-such-case.*".into(),
            encoding: None,
            reason: "renamed long ago".into(),
            expires: None,
        });
        let selected = RunOptions::default().select(&suite);
        assert_eq!(
            stale_deviations(&profile, &selected),
            vec!["no-such-case.*".to_string()]
        );
    }
}
