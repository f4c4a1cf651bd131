//! Set-up steps: a set-up that does not go as the case needs leaves the case's
//! own requirements not exercised, and the finding names the set-up command's
//! rule; a case whose judged steps are only its set-up judges nothing.

use dmconform::client::reference::{Reference, client_config};
use dmconform::client::runner::run_case;
use dmconform::codec;
use dmconform::report::coverage::{Outcome, coverage};
use dmconform::run::{RunOptions, RunReport};
use dmconform::spec::Suite;
use dmconform::verdict::FindingKind;
use dmconform::{Encoding, TargetProfile, Verdict};
use dmconform::{Target, TargetError, Wire};
use syncml::tree::Node;

/// The reference client, with the Status for CmdRef "10" (each case's set-up Add)
/// answered `code` instead — 420 (Device full) is an answer a conforming client may
/// give any Add — or, with `crash`, failing the exchange of the step that carries it.
struct SetupRefused {
    inner: Reference,
    code: u16,
    crash: bool,
}

impl SetupRefused {
    fn new(code: u16, crash: bool) -> Self {
        let profile = TargetProfile::reference();
        SetupRefused {
            inner: Reference::new(client_config(&profile), Vec::new()),
            code,
            crash,
        }
    }
}

impl Target for SetupRefused {
    fn describe(&self) -> String {
        "reference refusing the set-up Add".into()
    }
    fn open_session(&mut self, encoding: Encoding) -> Result<Wire, TargetError> {
        self.inner.open_session(encoding)
    }
    fn deliver(&mut self, message: Wire) -> Result<Option<Wire>, TargetError> {
        let Some(reply) = self.inner.deliver(message)? else {
            return Ok(None);
        };
        let decoded = codec::decode(&reply.body, &codec::reply_limits()).expect("decodes");
        let mut root = decoded.root;
        let mut touched = false;
        if let Some(body) = root.child_mut("SyncBody") {
            for st in body.elements_mut().filter(|e| e.local_name() == "Status") {
                let for_setup = st
                    .child("CmdRef")
                    .is_some_and(|r| r.text_content().trim() == "10")
                    && st
                        .child("Cmd")
                        .is_some_and(|c| c.text_content().trim() == "Add");
                if for_setup && let Some(data) = st.child_mut("Data") {
                    data.children = vec![Node::Text(self.code.to_string().into())];
                    touched = true;
                }
            }
        }
        if touched && self.crash {
            return Err(TargetError::Other("the client went away".into()));
        }
        let encoding = decoded.encoding;
        Ok(Some(Wire::new(
            encoding,
            codec::encode(&root, encoding).expect("encodes"),
        )))
    }
}

fn run(id: &str, target: &mut dyn Target) -> dmconform::CaseRun {
    let (suite, _) = Suite::embedded();
    let profile = TargetProfile::reference();
    let case = suite.case(id).expect("the case exists");
    run_case(
        case,
        Encoding::Xml,
        target,
        &profile,
        &RunOptions::default(),
    )
}

#[test]
fn a_refused_set_up_leaves_the_case_not_exercised_under_the_add_rule() {
    let run = run("atomic.success", &mut SetupRefused::new(420, false));
    assert_eq!(run.verdict, Verdict::Informational, "{:#?}", run.findings);
    let setup: Vec<_> = run
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::NotExercised)
        .collect();
    assert_eq!(setup.len(), 1, "{:#?}", run.findings);
    assert_eq!(setup[0].requirement.as_deref(), Some("oma.add.creates"));
    assert!(setup[0].check.contains("set-up"), "{}", setup[0].check);
    // The case's own steps were not sent: they would judge a tree the set-up did not make.
    assert!(
        !run.transcript.iter().any(|x| x.label.starts_with("step 2")),
        "{:?}",
        run.transcript.iter().map(|x| &x.label).collect::<Vec<_>>()
    );
    for r in &run.requirements {
        assert!(
            !run.findings
                .iter()
                .any(|f| f.requirement.as_deref() == Some(r)),
            "{r} charged"
        );
    }
}

#[test]
fn a_crash_on_the_set_up_is_charged_to_the_add_rule_not_the_cases() {
    let run = run("atomic.success", &mut SetupRefused::new(200, true));
    assert_eq!(run.verdict, Verdict::Error, "{:#?}", run.findings);
    let exchange = run
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::Exchange)
        .expect("an exchange finding");
    assert_eq!(exchange.requirement.as_deref(), Some("oma.add.creates"));
    let (suite, _) = Suite::embedded();
    let report = RunReport {
        target: "t".into(),
        profile: None,
        target_profile: "reference (built in)".into(),
        runs: vec![run],
        unused_deviations: Vec::new(),
        expired_deviations: Vec::new(),
        micros: 0,
    };
    let cov = coverage(&report, &suite);
    let outcome = |id: &str| cov.iter().find(|c| c.id == id).unwrap().outcome;
    assert_eq!(outcome("oma.add.creates"), Outcome::Failed);
    for id in ["oma.atomic.as-set", "oma.atomic.status-codes"] {
        assert_ne!(outcome(id), Outcome::Failed, "{id}");
    }
}

#[test]
fn a_case_judged_only_by_its_set_up_is_informational() {
    // The reference answers the Atomic of Add then Replace with 200s; a conforming
    // Windows stack may answer 507/216/406 (Windows documents no code): neither is judged.
    let profile = TargetProfile::reference();
    let mut reference = Reference::new(client_config(&profile), Vec::new());
    let run = run("atomic.add-then-replace", &mut reference);
    assert_eq!(run.verdict, Verdict::Informational, "{:#?}", run.findings);
}
