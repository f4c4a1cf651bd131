//! Every check of the suite can fail, shown two ways:
//! - a hand-made bad target, the reference with its replies corrupted (every
//!   status code turned into one no allowed set holds, a Status 200 for every
//!   Results, Results and Alerts dropped, package 1 stripped, the session never
//!   ended), under which every
//!   judged expectation of every case fails;
//! - each fault switch of the reference, under which some verdict changes under
//!   the Basic, MD5, HMAC or server-authenticating profile: every one, without
//!   exception.

use dmconform::client::reference::{Reference, client_config};
use dmconform::client::runner::{run_case, run_suite};
use dmconform::codec;
use dmconform::run::RunOptions;
use dmconform::spec::Suite;
use dmconform::verdict::FindingKind;
use dmconform::{Encoding, TargetProfile, Verdict};
use dmconform::{Target, TargetError, Wire};
use syncml::tree::{Element, Node};

/// The reference, with every message it sends corrupted but the Statuses for the
/// commands of the case's set-up steps (their CmdRefs): a set-up that does not go
/// as needed leaves a case not exercised, which is not what this shows.
struct Corrupting(Reference, Vec<String>);

fn corrupt(wire: Wire, first: bool, spared: &[String]) -> Wire {
    let decoded =
        codec::decode(&wire.body, &codec::reply_limits()).expect("the reference's messages decode");
    let mut root = decoded.root;
    if let Some(body) = root.child_mut("SyncBody") {
        body.children.retain(|n| match n {
            Node::Element(e) => match e.local_name() {
                "Results" | "Alert" => false,
                "Replace" => !first,
                _ => true,
            },
            _ => true,
        });
        for st in body.elements_mut().filter(|e| e.local_name() == "Status") {
            if st.child("CmdRef").is_some_and(|r| {
                let r = r.text_content();
                r.trim() == "0" || spared.iter().any(|s| s == r.trim())
            }) {
                continue;
            }
            if let Some(data) = st.child_mut("Data") {
                let code: u16 = data.text_content().trim().parse().unwrap_or(200);
                // No allowed set holds 599 or 299: a success becomes one, a failure the other.
                let flipped = if code / 100 == 2 { 599 } else { 299 };
                data.children = vec![Node::Text(flipped.to_string().into())];
            }
        }
    }
    if first && let Some(hdr) = root.child_mut("SyncHdr") {
        hdr.remove_children("Cred");
        if let Some(id) = hdr.child_mut("SessionID") {
            id.children = vec![Node::Text("not-a-session-id".into())];
        }
    }
    let encoding = decoded.encoding;
    Wire::new(
        encoding,
        codec::encode(&root, encoding).expect("re-encodes"),
    )
}

impl Target for Corrupting {
    fn describe(&self) -> String {
        "corrupted reference".into()
    }
    fn open_session(&mut self, encoding: Encoding) -> Result<Wire, TargetError> {
        self.0
            .open_session(encoding)
            .map(|w| corrupt(w, true, &self.1))
    }
    fn deliver(&mut self, message: Wire) -> Result<Option<Wire>, TargetError> {
        match self.0.deliver(message.clone())? {
            Some(w) => Ok(Some(answer_results_200(
                &message,
                corrupt(w, false, &self.1),
            ))),
            // A client that ends the session is made to answer instead.
            None => Ok(Some(Wire::new(
                Encoding::Xml,
                codec::encode(&empty_reply(), Encoding::Xml).expect("encodes"),
            ))),
        }
    }
}

/// Adds a Status 200 for every Results of the server's `message`, which no case allows.
fn answer_results_200(message: &Wire, reply: Wire) -> Wire {
    let server = codec::decode(&message.body, &codec::reply_limits()).expect("decodes");
    let msg_ref = server.message.msg_id().unwrap_or("1").trim().to_string();
    let decoded = codec::decode(&reply.body, &codec::reply_limits()).expect("decodes");
    let mut root = decoded.root;
    if let Some(body) = root.child_mut("SyncBody") {
        for (i, r) in server
            .message
            .commands()
            .filter(|c| c.kind == syncml::CommandKind::Results)
            .enumerate()
        {
            let cmd_ref = r.cmd_id.clone().unwrap_or_default();
            let st = syncml::Command::status(
                (90 + i).to_string(),
                msg_ref.clone(),
                cmd_ref,
                "Results",
                200,
            )
            .to_element();
            let at = body
                .children
                .iter()
                .position(|n| matches!(n, Node::Element(e) if e.local_name() == "Final"))
                .unwrap_or(body.children.len());
            body.children.insert(at, Node::Element(st));
        }
    }
    Wire::new(
        decoded.encoding,
        codec::encode(&root, decoded.encoding).expect("re-encodes"),
    )
}

fn empty_reply() -> Element {
    let mut e = Element::new("SyncML").with_attr("xmlns", "SYNCML:SYNCML1.2");
    e.push(Element::new("SyncBody"));
    e
}

#[test]
fn every_judged_case_fails_against_corrupted_replies() {
    let (suite, _) = Suite::embedded();
    let profile = TargetProfile::reference();
    let opts = RunOptions {
        encodings: vec![Encoding::Xml],
        ..RunOptions::default()
    };
    let mut survived = Vec::new();
    for (case, encoding) in opts.select(&suite) {
        let mut good = Reference::new(client_config(&profile), Vec::new());
        let baseline = run_case(case, encoding, &mut good, &profile, &opts);
        if matches!(
            baseline.verdict,
            Verdict::Informational | Verdict::Unsupported
        ) {
            continue;
        }
        let spared = case
            .step
            .iter()
            .filter(|s| s.setup)
            .flat_map(|s| s.expect.iter().map(|e| e.cmdref.clone()))
            .collect();
        let mut bad = Corrupting(Reference::new(client_config(&profile), Vec::new()), spared);
        let run = run_case(case, encoding, &mut bad, &profile, &opts);
        let own = run
            .findings
            .iter()
            .any(|f| matches!(f.kind, FindingKind::Expectation | FindingKind::NamedCheck));
        if run.verdict == Verdict::Pass || !own {
            survived.push(case.id.clone());
        }
    }
    assert!(
        survived.is_empty(),
        "cases whose own checks did not fail on corrupted replies: {survived:#?}"
    );
}

/// The reference's profile with MD5 credentials, so that the MD5 cases run.
fn md5_profile() -> TargetProfile {
    let mut p = TargetProfile::reference();
    let creds = p
        .credentials
        .as_mut()
        .expect("the reference profile has credentials");
    creds.scheme = dmconform::profile::AuthScheme::Md5;
    creds.client_nonce = Some("Tm9uY2U=".into());
    p
}

/// The MD5 profile with HMAC instead.
fn hmac_profile() -> TargetProfile {
    let mut p = md5_profile();
    p.credentials
        .as_mut()
        .expect("the reference profile has credentials")
        .scheme = dmconform::profile::AuthScheme::Hmac;
    p
}

/// The reference's profile claiming that the client insists on the server's MD5
/// credentials, so that the case sending a wrong server digest runs.
fn server_auth_profile() -> TargetProfile {
    let mut p = TargetProfile::reference();
    p.capabilities
        .push(dmconform::spec::Capability::ServerAuthMd5);
    p
}

#[test]
fn every_fault_switch_changes_some_verdict() {
    let (suite, _) = Suite::embedded();
    // Faults are behaviour, not encoding: one encoding is enough to see them.
    let opts = RunOptions {
        encodings: vec![Encoding::Xml],
        ..RunOptions::default()
    };
    let mut invisible = Vec::new();
    // Under HMAC only the authentication cases: the scheme changes nothing else.
    let hmac_opts = RunOptions {
        filter: Some(glob::Pattern::new("auth.*").expect("a valid glob")),
        ..opts.clone()
    };
    // With server authentication only the case that sends server credentials: the
    // harness sends none elsewhere, which such a client refuses.
    let server_auth_opts = RunOptions {
        filter: Some(glob::Pattern::new("auth.server-*").expect("a valid glob")),
        ..opts.clone()
    };
    let profiles = [
        (TargetProfile::reference(), &opts),
        (md5_profile(), &opts),
        (hmac_profile(), &hmac_opts),
        (server_auth_profile(), &server_auth_opts),
    ];
    let profile_count = profiles.len();
    for (profile, opts) in profiles {
        let mut good = Reference::new(client_config(&profile), Vec::new());
        let baseline = run_suite(&suite, &mut good, &profile, opts);
        assert!(
            baseline.success(),
            "the reference fails under profile {:?}",
            profile.credentials
        );
        for fault in refdm::Fault::ALL {
            let mut target = Reference::new(client_config(&profile), vec![*fault]);
            let report = run_suite(&suite, &mut target, &profile, opts);
            let changed = report
                .runs
                .iter()
                .zip(&baseline.runs)
                .any(|(a, b)| a.verdict != b.verdict || a.findings.len() != b.findings.len());
            if !changed {
                invisible.push(fault.name());
            }
        }
    }
    // Seen under no profile.
    let mut unseen: Vec<&str> = invisible
        .iter()
        .copied()
        .filter(|f| invisible.iter().filter(|g| *g == f).count() == profile_count)
        .collect();
    unseen.sort();
    unseen.dedup();
    assert!(
        unseen.is_empty(),
        "every fault switch of the reference client changes some verdict; these change none: {unseen:?}"
    );
}

/// The non-strict chunk rule shows as its own requirement, in the case that makes the
/// client send chunks, and only under the fault that breaks it.
#[test]
fn chunks_without_their_meta_are_reported_under_repeat_meta() {
    let (suite, _) = Suite::embedded();
    let profile = TargetProfile::reference();
    let opts = RunOptions {
        filter: Some(glob::Pattern::new("lob.client-upload").expect("a valid glob")),
        ..RunOptions::default()
    };
    let run = |faults: Vec<refdm::Fault>| {
        let mut target = Reference::new(client_config(&profile), faults);
        run_suite(&suite, &mut target, &profile, &opts)
    };
    // Beyond its set-up (the Add of the large leaf) the case only records the Get's
    // Status: a clean run judges nothing of its own, and the invariants find nothing.
    for r in &run(Vec::new()).runs {
        assert_eq!(r.verdict, Verdict::Informational, "{:#?}", r.findings);
    }
    let bent = run(vec![refdm::Fault::LobBareChunks]);
    assert_eq!(bent.runs.len(), 2);
    for r in &bent.runs {
        assert_eq!(r.verdict, Verdict::NonStrict, "{:#?}", r.findings);
        assert!(
            r.findings
                .iter()
                .all(|f| f.requirement.as_deref() == Some("oma.lob.repeat-meta")),
            "{:#?}",
            r.findings
        );
    }
}

/// A target profile with MD5 credentials and no client nonce sets the client up with the
/// empty nonce: the clean reference passes the MD5 cases in XML, the first encoding, where
/// its package 1 digest is over that nonce; a wrong digest fails them.
#[test]
fn md5_without_a_client_nonce_hashes_the_empty_nonce() {
    let (suite, _) = Suite::embedded();
    let mut profile = md5_profile();
    profile
        .credentials
        .as_mut()
        .expect("the reference profile has credentials")
        .client_nonce = None;
    let opts = RunOptions {
        encodings: vec![Encoding::Xml],
        filter: Some(glob::Pattern::new("auth.md5-*").expect("a valid glob")),
        ..RunOptions::default()
    };
    let run = |faults: Vec<refdm::Fault>| {
        let mut target = Reference::new(client_config(&profile), faults);
        run_suite(&suite, &mut target, &profile, &opts)
    };
    let clean = run(Vec::new());
    assert!(clean.runs.len() >= 3, "{} runs", clean.runs.len());
    for r in &clean.runs {
        assert_eq!(r.verdict, Verdict::Pass, "{}: {:#?}", r.id, r.findings);
    }
    for r in &run(vec![refdm::Fault::Md5Wrong]).runs {
        assert_eq!(r.verdict, Verdict::Fail, "{}", r.id);
    }
}

/// Another team's client: it reports an asynchronous Exec's result in the same session,
/// in the message after its 202, with the Type written as Microsoft's CSPs write it, and
/// not in the next session's package 1.
struct AlertsInTheSameSession {
    inner: Reference,
    exec_async: String,
}

impl AlertsInTheSameSession {
    fn rewrite(&self, wire: Wire, add: bool) -> Wire {
        let decoded = codec::decode(&wire.body, &codec::reply_limits()).expect("decodes");
        let mut root = decoded.root;
        let answered_202 = decoded.message.commands().any(|c| {
            c.kind == syncml::CommandKind::Status
                && c.cmd.as_deref() == Some("Exec")
                && c.code() == Some(202)
        });
        if let Some(body) = root.child_mut("SyncBody") {
            body.children.retain(|n| match n {
                Node::Element(e) => {
                    !(e.local_name() == "Alert"
                        && e.child("Data")
                            .is_some_and(|d| d.text_content().trim() == "1226"))
                }
                _ => true,
            });
            if add && answered_202 {
                let item = syncml::Item {
                    source: Some(syncml::Location::uri(&self.exec_async)),
                    meta: Some(
                        syncml::Meta::format("int")
                            .with_type("Reversed-Domain-Name:com.example.mdm.AsyncEcho.result"),
                    ),
                    data: Some(syncml::Data::text("0")),
                    ..syncml::Item::default()
                };
                let alert = syncml::Command::alert("99", 1226)
                    .with_item(item)
                    .to_element();
                let at = body
                    .children
                    .iter()
                    .position(|n| matches!(n, Node::Element(e) if e.local_name() == "Final"))
                    .unwrap_or(body.children.len());
                body.children.insert(at, Node::Element(alert));
            }
        }
        Wire::new(
            decoded.encoding,
            codec::encode(&root, decoded.encoding).expect("re-encodes"),
        )
    }
}

impl Target for AlertsInTheSameSession {
    fn describe(&self) -> String {
        "a client reporting asynchronous results in the same session".into()
    }
    fn open_session(&mut self, encoding: Encoding) -> Result<Wire, TargetError> {
        let w = self.inner.open_session(encoding)?;
        Ok(self.rewrite(w, false))
    }
    fn deliver(&mut self, message: Wire) -> Result<Option<Wire>, TargetError> {
        Ok(self.inner.deliver(message)?.map(|w| self.rewrite(w, true)))
    }
}

/// The sources name no session for the Generic Alert of an asynchronous Exec: the case
/// passes a client that sends it in the same session as well as one that sends it in the
/// next, and fails one that never sends it.
#[test]
fn the_generic_alert_of_an_async_exec_may_come_in_the_same_session() {
    let (suite, _) = Suite::embedded();
    let profile = TargetProfile::reference();
    let opts = RunOptions {
        filter: Some(glob::Pattern::new("alerts.generic-async-exec").expect("a valid glob")),
        ..RunOptions::default()
    };
    let exec_async = profile
        .paths
        .exec_async
        .clone()
        .expect("the reference profile names an async Exec node");
    let mut same = AlertsInTheSameSession {
        inner: Reference::new(client_config(&profile), Vec::new()),
        exec_async,
    };
    let report = run_suite(&suite, &mut same, &profile, &opts);
    assert_eq!(report.runs.len(), 2);
    for r in &report.runs {
        assert_eq!(r.verdict, Verdict::Pass, "{:#?}", r.findings);
    }
    let mut next = Reference::new(client_config(&profile), Vec::new());
    for r in &run_suite(&suite, &mut next, &profile, &opts).runs {
        assert_eq!(r.verdict, Verdict::Pass, "{:#?}", r.findings);
    }
    let mut never = Reference::new(client_config(&profile), vec![refdm::Fault::NoGenericAlert]);
    for r in &run_suite(&suite, &mut never, &profile, &opts).runs {
        assert_eq!(r.verdict, Verdict::Fail, "{:#?}", r.findings);
    }
}
