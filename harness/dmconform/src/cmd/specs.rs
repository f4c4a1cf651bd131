//! `dmconform specs list|lint|coverage`: the cases, the problems of the spec
//! files, and how the cases and invariants cover the requirements.

use crate::spec::{Covered, Suite};
use clap::Subcommand;
use std::process::ExitCode;

/// What `dmconform specs` does.
#[derive(Subcommand, Debug)]
pub enum SpecsCommand {
    /// List the cases: id, role, encodings, requirements, title.
    List,
    /// Check the spec files: ids unique, requirements and sources known, expectations well-formed.
    Lint,
    /// List the requirements only informational steps exercise, and those no case
    /// exercises and no invariant checks (exit 1 if any of the latter), with the counts.
    Coverage {
        /// Only requirements of this profile (windows, oma-dm-1.2).
        #[arg(long)]
        profile: Option<String>,
    },
}

/// Runs `dmconform specs`.
pub fn run(cmd: SpecsCommand) -> ExitCode {
    let (suite, problems) = Suite::embedded();
    match cmd {
        SpecsCommand::List => {
            for c in &suite.cases {
                let enc = if c.encodings.is_empty() {
                    "xml,wbxml".to_string()
                } else {
                    c.encodings.join(",")
                };
                println!(
                    "{:<44} {:<6} {:<9} {:<40} {}",
                    c.id,
                    c.role.name(),
                    enc,
                    c.requirements.join(","),
                    c.title
                );
            }
            println!(
                "{} cases, {} requirements",
                suite.cases.len(),
                suite.requirements.len()
            );
            ExitCode::SUCCESS
        }
        SpecsCommand::Lint => {
            let mut all = problems;
            all.extend(suite.lint(&crate::checks::invariant_requirements()));
            for p in &all {
                println!("{p}");
            }
            if all.is_empty() {
                println!(
                    "specs: {} requirements, {} cases, no problem",
                    suite.requirements.len(),
                    suite.cases.len()
                );
                ExitCode::SUCCESS
            } else {
                println!("specs: {} problems", all.len());
                ExitCode::from(1)
            }
        }
        SpecsCommand::Coverage { profile } => {
            let coverage: Vec<_> = suite
                .coverage(&crate::checks::invariant_requirements())
                .into_iter()
                .filter(|(r, _)| profile.as_ref().is_none_or(|p| r.profiles.contains(p)))
                .collect();
            let count = |how: Covered| coverage.iter().filter(|(_, h)| *h == how).count();
            for how in [Covered::InformationalOnly, Covered::Uncovered] {
                if count(how) > 0 {
                    println!("{}:", how.name());
                }
                for (r, _) in coverage.iter().filter(|(_, h)| *h == how) {
                    println!(
                        "  {:<48} {:<6} {:<6} {}",
                        r.id,
                        format!("{:?}", r.level).to_lowercase(),
                        r.role.name(),
                        r.source
                    );
                }
            }
            println!(
                "{} requirements: {} covered, {} informational-only, {} uncovered",
                coverage.len(),
                count(Covered::Judged),
                count(Covered::InformationalOnly),
                count(Covered::Uncovered)
            );
            ExitCode::from(if count(Covered::Uncovered) == 0 { 0 } else { 1 })
        }
    }
}
