//! The Kubernetes manifests of `deploy/k8s/` stay in step with the command line: the
//! target profile of the ConfigMap loads, the load Job's command parses as pod K of the
//! Indexed Job would run it (shard K of as many shards as the Job has completions), and
//! the merge Job's commands parse.

use clap::Parser;
use dmconform::TargetProfile;
use dmconform::cli::{Cli, Command};
use dmconform::cmd::load::LoadCommand;
use dmconform::load::schedule::Shard;
use std::path::Path;

fn manifest(name: &str) -> String {
    let path = format!("{}/../../deploy/k8s/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The lines of the block scalar after the line ending in `key`, unindented.
fn block_after(text: &str, key: &str) -> String {
    let mut lines = text
        .lines()
        .skip_while(|l| !l.trim_end().ends_with(key))
        .skip(1);
    let first = lines.next().expect("a block after the key");
    let indent = first.len() - first.trim_start().len();
    std::iter::once(first)
        .chain(
            lines.take_while(|l| l.trim().is_empty() || l.len() - l.trim_start().len() >= indent),
        )
        .map(|l| l.get(indent..).unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The shell commands of a folded `args: - >-` block, `;`-separated, with variables set.
fn commands(text: &str, vars: &[(&str, &str)]) -> Vec<Vec<String>> {
    let mut folded = block_after(text, "- >-").replace('\n', " ");
    for (name, value) in vars {
        folded = folded.replace(&format!("${name}"), value);
    }
    folded
        .split(';')
        .map(|c| {
            c.split_whitespace()
                .map(|w| w.replace('"', ""))
                .collect::<Vec<_>>()
        })
        .filter(|w| w.first().is_some_and(|c| c == "dmconform"))
        .collect()
}

fn field(text: &str, key: &str) -> u32 {
    text.lines()
        .find_map(|l| l.trim().strip_prefix(key))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {key} in the manifest"))
}

#[test]
fn the_load_job_runs_one_shard_per_completion_index_with_a_profile_that_loads() {
    let job = manifest("load-job.yaml");
    let profile = block_after(&job, "fleet.toml: |");
    let p = TargetProfile::parse_file(&profile, Path::new("fleet.toml")).unwrap();
    let template = p.load.expect("the profile has a [load] section");
    assert_eq!(template.user.as_deref(), Some("user-{n}"));
    let shards = field(&job, "completions:");
    assert_eq!(field(&job, "parallelism:"), shards);
    for index in [0, shards - 1] {
        let k = index.to_string();
        let cmds = commands(
            &job,
            &[
                ("TARGET", "https://dm.example.test/"),
                ("JOB_COMPLETION_INDEX", &k),
            ],
        );
        assert_eq!(cmds.len(), 1, "{cmds:?}");
        let cli = Cli::try_parse_from(&cmds[0]).unwrap_or_else(|e| panic!("{:?}: {e}", cmds[0]));
        let Command::Load(args) = cli.command else {
            panic!("not dmconform load")
        };
        assert_eq!(
            args.shard,
            Shard {
                index,
                count: shards
            }
        );
        assert!(args.command.is_none());
        let out = args.out.output.unwrap();
        assert_eq!(out, Path::new(&format!("/reports/shard-{index}.json")));
    }
}

#[test]
fn the_merge_job_merges_the_shard_reports() {
    let job = manifest("merge-job.yaml");
    let cmds = commands(&job, &[]);
    assert!(!cmds.is_empty());
    for cmd in cmds {
        let cli = Cli::try_parse_from(&cmd).unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
        let Command::Load(args) = cli.command else {
            panic!("not dmconform load")
        };
        let Some(LoadCommand::Merge(m)) = args.command else {
            panic!("{cmd:?}: not a merge")
        };
        assert_eq!(m.reports, [Path::new("/reports/shard-*.json")]);
    }
}
