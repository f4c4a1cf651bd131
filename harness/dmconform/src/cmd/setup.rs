//! What the subcommands that run the suite for a record share (certify,
//! replay, expectations): the embedded suite, the target profile with its
//! text, and the run itself with progress on a terminal.

use crate::progress::Progress;
use crate::runner::{RunOptions, RunReport, run_selected};
use crate::spec::{Case, Suite};
use crate::target::Encoding;
use crate::{TargetProfile, targets};
use std::path::Path;

/// The specs embedded in this build, or why they do not load.
pub fn suite() -> Result<Suite, String> {
    let (suite, problems) = Suite::embedded();
    match problems.first() {
        Some(p) => Err(format!("the embedded specs do not load: {p}")),
        None => Ok(suite),
    }
}

/// The target profile from a file, or the built-in reference's, with its text.
pub fn target_profile(path: Option<&Path>) -> Result<(TargetProfile, String), String> {
    match path {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read target profile {}: {e}", path.display()))?;
            let profile =
                TargetProfile::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            Ok((profile, text))
        }
        None => Ok((
            TargetProfile::reference(),
            crate::profile::REFERENCE.to_string(),
        )),
    }
}

/// Checks a profile name given on the command line.
pub fn check_profile_name(name: Option<&str>) -> Result<(), String> {
    match name {
        Some(p) if !crate::spec::PROFILES.contains(&p) => Err(format!(
            "unknown profile {p:?} (known: {})",
            crate::spec::PROFILES.join(", ")
        )),
        _ => Ok(()),
    }
}

/// Runs the given case runs against the target named `target`, with a progress bar.
pub fn run(
    target: &str,
    profile: &TargetProfile,
    opts: &RunOptions,
    selected: &[(&Case, Encoding)],
) -> Result<RunReport, String> {
    let mut target = targets::open(target, crate::builtin::client_config(profile))?;
    let progress = Progress::new(selected.len());
    Ok(run_selected(
        selected,
        target.as_mut(),
        profile,
        opts,
        &mut progress.callback(),
    ))
}
