//! Generated packages against the reference client.
//!
//! Each package runs as the case [`regression::case`] makes of it, through the
//! runner, so every reply passes the invariants (`checks::invariants`:
//! `check_client_message` on each reply, `check_step` on each step) and the
//! expectations the mutations pinned:
//! - random well-formed packages: one Status per command, in order, after the
//!   Status for the SyncHdr, and no invariant broken;
//! - random malformed packages: every pinned code inside its allowed set (so
//!   never a 2xx where the registry says the command fails);
//! - WBXML broken on purpose: no command of the message reported as done;
//! - under a fault switch, a failing package shrinks to one mutation and at
//!   most two commands, and the case written from it names the rule and
//!   reproduces the failure.

use dmconform::client::reference::{Reference, client_config};
use dmconform::client::runner::run_case;
use dmconform::client::session::{Outgoing, Session};
use dmconform::codec;
use dmconform::generate::wbxml::{WbxmlMutation, refused};
use dmconform::generate::{Mutation, Package, regression, strategy};
use dmconform::placeholders::Bindings;
use dmconform::run::RunOptions;
use dmconform::spec::{Case, Suite};
use dmconform::transcript::SessionError;
use dmconform::{CaseRun, Encoding, TargetProfile};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestError, TestRng, TestRunner};
use refdm::Fault;

/// Few cases: each one is a whole session with the reference, in both encodings.
const CASES: u32 = 64;

fn config() -> Config {
    Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    }
}

/// A runner with a fixed seed, so a failure is the same on every machine.
fn runner(config: Config) -> TestRunner {
    TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha))
}

/// Runs a case against the reference with these faults, in each encoding it allows.
fn run(case: &Case, faults: &[Fault]) -> Vec<CaseRun> {
    let profile = TargetProfile::reference();
    let mut target = Reference::new(client_config(&profile), faults.to_vec());
    let encodings: Vec<Encoding> = if case.encodings.is_empty() {
        Encoding::BOTH.to_vec()
    } else {
        case.encodings
            .iter()
            .filter_map(|e| Encoding::from_name(e))
            .collect()
    };
    encodings
        .into_iter()
        .map(|e| run_case(case, e, &mut target, &profile, &RunOptions::default()))
        .collect()
}

/// What went wrong in runs whose verdict is a problem, or `None`.
fn problems(runs: &[CaseRun]) -> Option<String> {
    let bad: Vec<String> = runs
        .iter()
        .filter(|r| r.verdict.is_problem())
        .map(|r| {
            let findings: Vec<String> = r
                .findings
                .iter()
                .map(|f| format!("  {}: expected {}, got {}", f.check, f.expected, f.actual))
                .collect();
            format!("{} ({}):\n{}", r.verdict, r.encoding, findings.join("\n"))
        })
        .collect();
    (!bad.is_empty()).then(|| bad.join("\n"))
}

/// (CmdID, name) of every command of the package, containers before their
/// children: the order the Statuses must come in.
fn commands_in_order(p: &Package) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for e in p.commands() {
        e.walk(&mut |_, el| {
            if let Some(id) = el.child("CmdID") {
                out.push((id.text_content(), el.local_name().to_string()));
            }
        });
    }
    out
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn wellformed_packages_get_one_status_per_command_in_order(p in strategy::valid_package()) {
        let case = regression::case(&p);
        let runs = run(&case, &[]);
        if let Some(why) = problems(&runs) {
            prop_assert!(false, "{why}\n{}", p.send_text());
        }
        let mut want = vec![("0".to_string(), "SyncHdr".to_string())];
        want.extend(commands_in_order(&p));
        for r in &runs {
            let got: Vec<(String, String)> = r
                .statuses
                .iter()
                .filter(|s| s.step == 1)
                .map(|s| (s.cmd_ref.clone(), s.cmd.clone()))
                .collect();
            prop_assert_eq!(&got, &want, "{}", r.encoding);
        }
    }

    #[test]
    fn malformed_packages_get_codes_inside_the_allowed_sets(p in strategy::malformed_package()) {
        let case = regression::case(&p);
        if let Some(why) = problems(&run(&case, &[])) {
            prop_assert!(false, "{why}\n{}", regression::to_toml(&case));
        }
    }
}

#[test]
fn each_family_alone_passes_on_the_reference() {
    let base = || {
        Package::new(strategy::render(&[strategy::Shape::Leaf(
            strategy::LeafShape {
                op: dmconform::generate::Op::Add,
                path: vec!["a"],
                data: Some("1".into()),
            },
        )]))
    };
    for m in Mutation::ALL {
        let mut p = base();
        assert!(p.mutate(m, 0));
        let case = regression::case(&p);
        if let Some(why) = problems(&run(&case, &[])) {
            panic!("{}: {why}\n{}", m.name(), regression::to_toml(&case));
        }
    }
}

#[test]
fn broken_wbxml_is_never_reported_as_done() {
    let profile = TargetProfile::reference();
    let mut rng = runner(config());
    for m in WbxmlMutation::ALL {
        for n in 0..8 {
            let p = strategy::valid_package()
                .new_tree(&mut rng)
                .expect("a package")
                .current();
            let bindings = Bindings::new(&profile, &format!("wbxml.{n}"), "wbxml");
            let commands = codec::parse_fragment(&bindings.apply(&p.send_text())).unwrap();
            let mut target = Reference::new(client_config(&profile), vec![]);
            let mut session =
                match Session::open(&mut target, Encoding::Wbxml, &profile.server_uri, "p1") {
                    Ok(s) => s,
                    Err((_, e)) => panic!("the reference opens no session: {e}"),
                };
            let root = session.build_next(&Outgoing {
                label: m.name().into(),
                commands,
                ..Outgoing::default()
            });
            let body = m.encode(&root).unwrap();
            match session.send_encoded(m.name(), root, body) {
                Ok((sent, reply)) => {
                    if let Err(why) =
                        refused(&sent.message, reply.as_ref().map(|r| &r.decoded.message))
                    {
                        panic!("{}: {why}", m.name());
                    }
                }
                Err(SessionError::Target(_)) => {}
                Err(e) => panic!("{}: {e}", m.name()),
            }
        }
    }
}

/// The smallest malformed package the reference fails under these faults.
fn minimal_failure(faults: &[Fault]) -> Package {
    // The run stops at the first failure, so a generous count costs little.
    let config = Config {
        cases: 4 * CASES,
        ..config()
    };
    let result = runner(config).run(&strategy::malformed_package(), |p| {
        let case = regression::case(&p);
        prop_assert!(problems(&run(&case, faults)).is_none());
        Ok(())
    });
    match result {
        Err(TestError::Fail(_, minimal)) => minimal,
        other => panic!("no package failed under {faults:?}: {other:?}"),
    }
}

#[test]
fn a_failing_package_shrinks_and_becomes_a_regression_case() {
    let faults = [Fault::LeadingSlashOk];
    let minimal = minimal_failure(&faults);
    assert_eq!(
        minimal.applied,
        [Mutation::LeadingSlash],
        "{}",
        minimal.send_text()
    );
    // A slashed Get or Delete of a node that is not there fails anyway (404),
    // so the smallest failure is an Add with the slash, or a command that
    // creates the node and a slashed command on it.
    assert!(minimal.entries.len() <= 2, "{}", minimal.send_text());

    let text = regression::to_toml(&regression::case(&minimal));
    assert!(text.contains("win.uri.no-leading-slash"), "{text}");

    // The text is a case file that lints clean beside the embedded specs ...
    let (mut suite, load) = Suite::embedded();
    assert!(load.is_empty());
    let (kept, load) =
        Suite::from_files([("cases/client/regression.toml".to_string(), text.clone())]);
    assert!(load.is_empty(), "{load:?}");
    let case = kept.cases[0].clone();
    suite.cases.extend(kept.cases);
    let lint = suite.lint(dmconform::checks::invariants::REQUIREMENTS);
    assert!(lint.is_empty(), "{lint:?}");

    // ... which fails under the fault and passes without it.
    assert!(problems(&run(&case, &faults)).is_some(), "{text}");
    assert_eq!(problems(&run(&case, &[])), None, "{text}");
}

#[test]
fn each_fault_a_family_breaks_is_found_and_shrinks_to_that_family() {
    let table: &[(Fault, &[Mutation])] = &[
        (Fault::EmptySegmentOk, &[Mutation::EmptySegment]),
        (Fault::StarNodeOk, &[Mutation::AsteriskSegment]),
        (Fault::DotSegmentOk, &[Mutation::DotSegment]),
        (Fault::DotDotOk, &[Mutation::DotDotSegment]),
        (Fault::MissingCmdIdZero, &[Mutation::MissingCmdId]),
        (Fault::NestedAtomicOk, &[Mutation::NestedAtomic]),
        (Fault::GetInAtomicOk, &[Mutation::GetInAtomic]),
        (
            Fault::UnknownElementIgnored,
            &[
                Mutation::UnknownInSyncBody,
                Mutation::UnknownInAtomic,
                Mutation::UnknownInSequence,
            ],
        ),
    ];
    for (fault, families) in table {
        let minimal = minimal_failure(&[*fault]);
        assert_eq!(minimal.applied.len(), 1, "{fault}: {:?}", minimal.applied);
        assert!(
            families.contains(&minimal.applied[0]),
            "{fault}: shrank to {:?}\n{}",
            minimal.applied,
            minimal.send_text()
        );
    }
}
