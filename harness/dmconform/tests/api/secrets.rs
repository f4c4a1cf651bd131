//! Credentials never reach a transcript, a report, a snapshot or a
//! certification bundle, whatever path they take:
//!
//! - Basic, MD5 and HMAC credentials of the client role, in XML and WBXML, with
//!   the right and with a wrong password (so failures print their transcripts),
//!   and the `mac=` of the `x-syncml-hmac` header;
//! - the same in XML and WBXML messages that do not decode (cut inside and
//!   after the Cred);
//! - the harness's own Basic and MD5 credentials in the server role;
//! - an `exec:` wrapper that writes its password on standard error, in its
//!   `ERROR` and `UNSUPPORTED` answers, and in the log tail of a crash;
//! - the target profile a certification bundle records, and every file of
//!   the bundle;
//! - enrollment: the account's password in the UsernameToken, the device's
//!   private key, and the secrets of the provisioning document (AAUTHSECRET,
//!   AAUTHDATA), which travel Base64-encoded inside the BinarySecurityToken.
//!
//! Every text report (text, JSON, JUnit, Markdown, HTML) and every snapshot is
//! searched for the passwords, their Basic form, their MD5 digests, and every
//! Cred Data and MAC that actually travelled (seen by a spy between the harness
//! and the target), as text and as the hex of a WBXML dump.

use base64::Engine;
use dmconform::bundle::{self, Provenance};
use dmconform::checks::named::{basic_credential, md5_credential};
use dmconform::client::exec::{ExecOptions, ExecTarget};
use dmconform::client::reference::{Reference, client_config};
use dmconform::client::session::md5_nonce;
use dmconform::report::{self, Format};
use dmconform::run::{RunOptions, RunReport};
use dmconform::server::ServerTarget;
use dmconform::server::reference::{ReferenceServer, reference_server_config};
use dmconform::spec::Role;
use dmconform::{
    Encoding, Suite, Target, TargetError, TargetProfile, Verdict, Wire, codec, redact,
    run_server_suite, run_suite, snapshot,
};
use md5::{Digest, Md5};
use std::cell::RefCell;
use std::rc::Rc;
use syncml::tree::{Element, Node};

const USER: &str = "secret-test-user";
const PASSWORD: &str = "Zq7-unguessable-Pw";
const WRONG_PASSWORD: &str = "Wrong-Pw-Xy9-kept-out";
const CLIENT_NONCE_B64: &str = "Tm9uY2VGb3JTZWNyZXRz";

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// The reference client's profile with the test account under `scheme`.
fn profile(scheme: &str) -> TargetProfile {
    with_account(TargetProfile::reference(), scheme)
}

fn with_account(mut p: TargetProfile, scheme: &str) -> TargetProfile {
    let creds = p
        .credentials
        .as_mut()
        .expect("the reference profiles have credentials");
    creds.scheme = scheme.parse().expect("a scheme");
    creds.user = USER.into();
    creds.password = PASSWORD.into();
    creds.client_nonce = Some(CLIENT_NONCE_B64.into());
    p
}

/// Every form of a password that must not appear.
fn forms_of(password: &str) -> Vec<String> {
    let mut forms = vec![
        password.to_string(),
        basic_credential(USER, password),
        // The inner digest of MD5 and HMAC, from which the password is guessed offline.
        B64.encode(Md5::digest(format!("{USER}:{password}"))),
    ];
    // The harness's MD5 challenges carry a new nonce per server message.
    let nonces = std::iter::once(CLIENT_NONCE_B64.to_string()).chain((1..=32).map(md5_nonce));
    for nonce in nonces {
        forms.push(md5_credential(
            USER,
            password,
            &B64.decode(&nonce).expect("a Base64 nonce"),
        ));
    }
    forms
}

/// The credentials a message carries: the Data of every Cred and the `mac=`
/// of its `x-syncml-hmac` header (values under 8 characters are left out, as
/// they could stand in any report by chance).
fn credentials_in(wire: &Wire) -> Vec<String> {
    let mut found = Vec::new();
    if let Ok(decoded) = codec::decode(&wire.body, &codec::reply_limits()) {
        decoded.root.walk(&mut |_, e: &Element| {
            if e.local_name() == "Cred" {
                for d in e.elements().filter(|c| c.local_name() == "Data") {
                    for n in &d.children {
                        if let Node::Text(t) | Node::CData(t) = n {
                            found.push(t.trim().to_string());
                        }
                    }
                }
            }
        });
    }
    for (name, value) in &wire.headers {
        if name.eq_ignore_ascii_case("x-syncml-hmac") {
            for part in value.split(',') {
                if let Some(("mac", mac)) = part.trim().split_once('=') {
                    found.push(mac.trim().to_string());
                }
            }
        }
    }
    found.retain(|s| s.len() >= 8);
    found
}

/// What a spy saw travel as credentials, in either direction.
type Seen = Rc<RefCell<Vec<String>>>;

/// How a message is broken after the spy has seen it.
type Cut = fn(&[u8]) -> Vec<u8>;

/// A DM client seen by a spy; `cut` (when given) breaks every message the
/// client sends after the spy has seen it whole.
struct Spy<T> {
    inner: T,
    seen: Seen,
    cut: Option<Cut>,
}

impl<T> Spy<T> {
    fn new(inner: T) -> (Spy<T>, Seen) {
        let seen = Seen::default();
        let spy = Spy {
            inner,
            seen: Rc::clone(&seen),
            cut: None,
        };
        (spy, seen)
    }

    fn saw(&self, wire: &Wire) {
        self.seen.borrow_mut().extend(credentials_in(wire));
    }

    fn sent_by_client(&self, mut wire: Wire) -> Wire {
        self.saw(&wire);
        if let Some(cut) = self.cut {
            wire.body = cut(&wire.body);
        }
        wire
    }
}

impl<T: Target> Target for Spy<T> {
    fn describe(&self) -> String {
        self.inner.describe()
    }

    fn open_session(&mut self, encoding: Encoding) -> Result<Wire, TargetError> {
        let wire = self.inner.open_session(encoding)?;
        Ok(self.sent_by_client(wire))
    }

    fn deliver(&mut self, message: Wire) -> Result<Option<Wire>, TargetError> {
        self.saw(&message);
        let reply = self.inner.deliver(message)?;
        Ok(reply.map(|w| self.sent_by_client(w)))
    }

    fn take_log(&mut self) -> Option<String> {
        self.inner.take_log()
    }
}

impl<T: ServerTarget> ServerTarget for Spy<T> {
    fn describe(&self) -> String {
        self.inner.describe()
    }

    fn start_session(&mut self) -> Result<(), TargetError> {
        self.inner.start_session()
    }

    fn send(&mut self, message: Wire) -> Result<Wire, TargetError> {
        self.saw(&message);
        let reply = self.inner.send(message)?;
        self.saw(&reply);
        Ok(reply)
    }
}

/// The auth cases of the client role, in both encodings.
fn run(target: &mut dyn Target, profile: &TargetProfile) -> RunReport {
    run_in(target, profile, &Encoding::BOTH)
}

fn run_in(target: &mut dyn Target, profile: &TargetProfile, encodings: &[Encoding]) -> RunReport {
    let (suite, _) = Suite::embedded();
    let opts = RunOptions {
        encodings: encodings.to_vec(),
        filter: Some(glob::Pattern::new("auth.*").expect("a glob")),
        ..RunOptions::default()
    };
    run_suite(&suite, target, profile, &opts)
}

/// Every rendering of a run: the report formats of `run` and of a bundle, and
/// every snapshot.
fn outputs(report: &RunReport) -> Vec<(String, String)> {
    let (suite, _) = Suite::embedded();
    let mut outputs: Vec<(String, String)> = [Format::Text, Format::Json, Format::Junit]
        .into_iter()
        .map(|f| (format!("{f:?}"), report::render(f, report, &suite)))
        .collect();
    outputs.push(("Markdown".into(), report::markdown::render(report, &suite)));
    outputs.push(("HTML".into(), report::html::render(report, &suite)));
    for r in &report.runs {
        outputs.push((format!("snapshot {}", r.id), snapshot::render(r)));
    }
    outputs
}

/// `text` searched for each secret as written and as hex, also with white
/// space and JSON's `\n` escapes taken out (hex dumps break lines).
fn assert_no_secret(name: &str, text: &str, secrets: &[String]) {
    let joined: String = text
        .replace("\\n", "")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    for secret in secrets {
        let hex: String = secret.bytes().map(|b| format!("{b:02x}")).collect();
        for form in [secret, &hex] {
            assert!(
                !text.contains(form.as_str()) && !joined.contains(form.as_str()),
                "{name} holds {form:?} (a form of {secret:?})"
            );
        }
    }
}

/// Every output of the run, searched for the secrets.
fn assert_clean(report: &RunReport, secrets: &[String]) {
    assert!(!secrets.is_empty());
    for (name, text) in outputs(report) {
        assert_no_secret(&format!("{name} of {}", report.target), &text, secrets);
    }
}

/// Whether the JSON report shows the marker anywhere.
fn shows_marker(report: &RunReport) -> bool {
    let (suite, _) = Suite::embedded();
    report::render(Format::Json, report, &suite).contains(redact::MARKER)
}

#[test]
fn right_credentials_stay_out_of_every_report() {
    for scheme in ["basic", "md5", "hmac"] {
        let profile = profile(scheme);
        let (mut target, seen) = Spy::new(Reference::new(client_config(&profile), Vec::new()));
        let report = run(&mut target, &profile);
        assert!(
            report.runs.iter().any(|r| r.verdict == Verdict::Pass
                && r.encoding == Encoding::Wbxml
                && r.transcript.iter().any(|e| e.hex.is_some())),
            "{scheme}: auth cases ran in WBXML with hex dumps"
        );
        assert!(shows_marker(&report), "{scheme}: a credential was sent");
        if scheme == "hmac" {
            assert!(
                report.runs.iter().any(|r| r.transcript.iter().any(|e| e
                    .transport
                    .iter()
                    .any(|(n, v)| n == "x-syncml-hmac" && v.contains("mac=[redacted]")))),
                "the x-syncml-hmac header reached the transcript without its mac"
            );
        }
        let mut secrets = forms_of(PASSWORD);
        secrets.extend(seen.borrow().iter().cloned());
        assert_clean(&report, &secrets);
    }
}

#[test]
fn a_wrong_password_fails_without_showing_itself() {
    for scheme in ["basic", "md5", "hmac"] {
        let profile = profile(scheme);
        let mut config = client_config(&profile);
        config.password = WRONG_PASSWORD.into();
        let (mut target, seen) = Spy::new(Reference::new(config, Vec::new()));
        let report = run(&mut target, &profile);
        assert!(
            report.runs.iter().any(|r| r.verdict == Verdict::Fail),
            "{scheme}: the wrong password fails a case"
        );
        let mut secrets = forms_of(PASSWORD);
        secrets.extend(forms_of(WRONG_PASSWORD));
        secrets.extend(seen.borrow().iter().cloned());
        assert_clean(&report, &secrets);
    }
}

/// A message cut a few bytes into the Data of its first Cred (or at its
/// middle when it has none).
fn cut_inside_cred(body: &[u8]) -> Vec<u8> {
    let at = memchr::memmem::find(body, b"<Cred")
        .and_then(|c| memchr::memmem::find(&body[c..], b"<Data>").map(|d| c + d + 10))
        .unwrap_or(body.len() / 2);
    body[..at.min(body.len())].to_vec()
}

/// A message without its last bytes: every Cred whole, the document cut.
fn cut_tail(body: &[u8]) -> Vec<u8> {
    body[..body.len().saturating_sub(12)].to_vec()
}

#[test]
fn an_xml_message_that_does_not_decode_shows_no_credential() {
    for scheme in ["basic", "md5", "hmac"] {
        for cut in [cut_inside_cred, cut_tail] {
            let profile = profile(scheme);
            let (mut target, seen) = Spy::new(Reference::new(client_config(&profile), Vec::new()));
            target.cut = Some(cut);
            let report = run_in(&mut target, &profile, &[Encoding::Xml]);
            assert!(
                report
                    .runs
                    .iter()
                    .any(|r| r.verdict == Verdict::Error
                        && r.transcript.iter().any(|e| e.hex.is_some())),
                "{scheme}: package 1 is undecodable and dumped in hex"
            );
            assert!(
                report
                    .runs
                    .iter()
                    .all(|r| matches!(r.verdict, Verdict::Error | Verdict::Unsupported)),
                "{scheme}: no package 1 decodes"
            );
            let mut secrets = forms_of(PASSWORD);
            secrets.extend(seen.borrow().iter().cloned());
            assert_clean(&report, &secrets);
        }
    }
}

#[test]
fn a_wbxml_message_that_does_not_decode_shows_no_credential() {
    for scheme in ["basic", "md5"] {
        let profile = profile(scheme);
        let (mut target, seen) = Spy::new(Reference::new(client_config(&profile), Vec::new()));
        target.cut = Some(cut_tail);
        let report = run_in(&mut target, &profile, &[Encoding::Wbxml]);
        assert!(report.runs.iter().any(|r| r.verdict == Verdict::Error));
        let mut secrets = forms_of(PASSWORD);
        secrets.extend(seen.borrow().iter().cloned());
        assert_clean(&report, &secrets);
    }
}

#[test]
fn the_harness_keeps_its_own_credentials_out_in_the_server_role() {
    let (suite, _) = Suite::embedded();
    for scheme in ["basic", "md5"] {
        let profile = with_account(TargetProfile::reference_server(), scheme);
        let server = ReferenceServer::new(reference_server_config(&profile), Vec::new());
        let (mut target, seen) = Spy::new(server);
        let opts = RunOptions {
            role: Role::Server,
            ..RunOptions::default()
        };
        let report = run_server_suite(&suite, &mut target, &profile, &opts, &mut |_, _, _| {});
        assert!(
            report.runs.iter().any(|r| r.verdict == Verdict::Pass
                && r.encoding == Encoding::Wbxml
                && r.transcript.iter().any(|e| e.hex.is_some())),
            "{scheme}: server cases ran in WBXML with hex dumps"
        );
        assert!(shows_marker(&report), "{scheme}: the harness sent a Cred");
        let mut secrets = forms_of(PASSWORD);
        secrets.extend(forms_of("not-the-password"));
        secrets.extend(seen.borrow().iter().cloned());
        assert_clean(&report, &secrets);
    }
}

fn wrapper(name: &str) -> Vec<String> {
    vec![
        "sh".into(),
        format!("{}/tests/wrappers/{name}", env!("CARGO_MANIFEST_DIR")),
    ]
}

#[test]
fn a_wrapper_that_logs_its_password_has_it_blotted_out() {
    let profile = profile("basic");
    let env = dmconform::client::exec::environment(&profile);
    let mut target = ExecTarget::new(wrapper("leaky.sh"), env, ExecOptions::default());
    let report = run(&mut target, &profile);
    assert!(
        report.runs.iter().any(|r| r
            .transcript
            .iter()
            .any(|e| e.label == "standard error" && e.text.contains(redact::MARKER))),
        "the wrapper's log reached the transcript, redacted"
    );
    assert_clean(&report, &forms_of(PASSWORD));
}

#[test]
fn a_wrapper_that_names_its_password_in_its_answers_has_it_blotted_out() {
    let profile = profile("basic");
    let env = dmconform::client::exec::environment(&profile);
    let mut target = ExecTarget::new(wrapper("leaky-answers.sh"), env, ExecOptions::default());
    let report = run(&mut target, &profile);
    let (suite, _) = Suite::embedded();
    let json = report::render(Format::Json, &report, &suite);
    for (answer, verdict) in [
        ("the wrapper reports: cannot log in", Verdict::Error),
        (
            "the password [redacted] is refused here",
            Verdict::Unsupported,
        ),
        ("giving up on [redacted] / [redacted]", Verdict::Error),
    ] {
        assert!(
            json.contains(answer),
            "{answer:?} reached the report, redacted"
        );
        assert!(report.runs.iter().any(|r| r.verdict == verdict));
    }
    assert_clean(&report, &forms_of(PASSWORD));
}

#[test]
fn a_certification_bundle_records_no_password() {
    let text = dmconform::profile::REFERENCE
        .replace("user = \"dmconform\"", &format!("user = \"{USER}\""))
        .replace(
            "password = \"reference\"",
            &format!("password = \"{PASSWORD}\"\nclient_nonce = \"{CLIENT_NONCE_B64}\""),
        );
    assert!(
        text.contains(PASSWORD),
        "the profile text holds the password"
    );
    let profile = TargetProfile::parse(&text).expect("the edited profile parses");
    let (mut target, seen) = Spy::new(Reference::new(client_config(&profile), Vec::new()));
    let report = run(&mut target, &profile);
    let dir = std::env::temp_dir().join(format!("dmconform-secrets-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let how = Provenance {
        target: "builtin:reference".into(),
        target_profile_file: Some("secret.toml".into()),
        target_profile_text: text,
    };
    let (suite, _) = Suite::embedded();
    bundle::write(&dir, &report, &suite, &how).expect("the bundle is written");
    let mut secrets = forms_of(PASSWORD);
    secrets.extend(seen.borrow().iter().cloned());
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).expect("the bundle folder") {
        let path = entry.expect("an entry").path();
        let text = std::fs::read_to_string(&path).expect("a text file");
        assert_no_secret(&path.display().to_string(), &text, &secrets);
        files += 1;
    }
    assert!(files >= 5, "{files} files in the bundle");
    let record = std::fs::read_to_string(dir.join(bundle::RECORD)).expect("the record");
    assert!(
        record.contains("password = \\\"[redacted]\\\""),
        "the recorded profile keeps its password line, redacted"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn enrollment_keeps_the_password_the_device_key_and_the_documents_secrets_out() {
    use dmconform::enroll::reference::ReferenceEnrollment;
    use dmconform::enroll::runner::{Account, run_enrolling, selected};
    let account = Account {
        user: "dmconform".into(),
        password: "enr0ll-p\u{e4}ss&<w>".into(),
        token: None,
    };
    let mut service =
        ReferenceEnrollment::with_account(refdm::enroll::EnrollmentFaults::none(), &account);
    let (runs, enrolled) = run_enrolling(&mut service, Some(account.clone()), &selected(None));
    let enrolled = enrolled.expect("the reference enrolls the device");
    let report = RunReport {
        target: "builtin:reference-enrollment".into(),
        profile: None,
        target_profile: String::new(),
        runs,
        unused_deviations: Vec::new(),
        expired_deviations: Vec::new(),
        micros: 0,
    };
    let b64 = base64::engine::general_purpose::STANDARD;
    let key = b64.encode(&enrolled.key);
    let mut secrets = forms_of(&account.password);
    secrets.push("enr0ll-p&#228;ss".into());
    // The key as a whole, and its private exponent (the modulus is public: the
    // request carries it) as hex and as Base64 at each of the three alignments
    // a Base64 text of the key could give it.
    secrets.push(key.clone());
    let private = {
        use rsa::pkcs8::DecodePrivateKey;
        use rsa::traits::PrivateKeyParts;
        rsa::RsaPrivateKey::from_pkcs8_der(&enrolled.key)
            .unwrap()
            .d()
            .to_bytes_be()
    };
    secrets.push(private.iter().map(|b| format!("{b:02x}")).collect());
    let at = enrolled
        .key
        .windows(private.len())
        .position(|w| w == private.as_slice())
        .expect("the exponent is in the key's DER");
    for shift in 0..3 {
        secrets.push(b64.encode(&enrolled.key[at + shift..at + shift + 30]));
    }
    // The document's CLIENT credentials (the APPSRV ones are the account's).
    let server_auth = enrolled.account.server_auth.clone().unwrap();
    secrets.push(server_auth.secret.unwrap());
    secrets.push(server_auth.data.unwrap());
    assert_clean(&report, &secrets);
    assert!(shows_marker(&report));
}
