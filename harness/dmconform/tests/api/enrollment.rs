//! The enrollment cases (discovery, policy, enrollment and the requests a
//! service must decline) against the reference enrollment service, each of its
//! fault switches, hand-made services that make the other allowed choices, and
//! services that answer something else entirely.

use super::cli_run::run;
use dmconform::Verdict;
use dmconform::enroll::reference::ReferenceEnrollment;
use dmconform::enroll::runner::{Account, run_cases};
use dmconform::enroll::service::{EnrollmentService, Method, Reply, Request};
use dmconform::wire::TargetError;
use refdm::enroll::{EnrollmentFault, EnrollmentFaults};

/// The tests' token of a Federated service's STS.
const TOKEN: &str = "ZXhhbXBsZS1zdHMtdG9rZW4tZm9yLXVzZXJAZXhhbXBsZS5jb20=";

fn account() -> Account {
    Account {
        user: "user@example.com".into(),
        password: "pässword&<1>".into(),
        token: Some(TOKEN.into()),
    }
}

/// The reference enrolling the tests' account.
fn reference(faults: EnrollmentFaults) -> ReferenceEnrollment {
    ReferenceEnrollment::with_account(faults, &account())
}

fn verdicts(service: &mut dyn EnrollmentService) -> Vec<(String, Verdict)> {
    run_cases(service, Some(account()))
        .into_iter()
        .map(|r| (r.id, r.verdict))
        .collect()
}

#[test]
fn the_reference_passes_every_enrollment_case_and_each_fault_changes_a_verdict() {
    let clean = verdicts(&mut reference(EnrollmentFaults::none()));
    assert!(clean.iter().all(|(_, v)| *v == Verdict::Pass), "{clean:?}");
    for fault in EnrollmentFault::ALL {
        let bent = verdicts(&mut reference(EnrollmentFaults::from(*fault)));
        assert_ne!(bent, clean, "{fault} changes no verdict");
    }
}

/// A service written by someone else: its own prefixes, a Federated policy with
/// its STS, version 5.0, one URL for both services, RelatesTo with Microsoft's
/// space; every allowed choice.
struct Stranger {
    answer: fn(&str) -> Reply,
}

impl EnrollmentService for Stranger {
    fn describe(&self) -> String {
        "stranger".into()
    }
    fn discovery_url(&self) -> String {
        "https://EnterpriseEnrollment.example.com/EnrollmentServer/Discovery.svc".into()
    }
    fn request(&mut self, request: &Request) -> Result<Reply, TargetError> {
        if request.method == Method::Get {
            return Ok(Reply {
                status: 200,
                content_type: "text/html".into(),
                body: Vec::new(),
            });
        }
        let body = String::from_utf8(request.body.clone()).unwrap();
        let id = body
            .split("<a:MessageID>")
            .nth(1)
            .and_then(|r| r.split('<').next())
            .unwrap()
            .replace("urn:uuid:", "urn:uuid: ");
        if body.contains("<GetPolicies") {
            return Ok(published_policy(&id));
        }
        if body.contains("RequestSecurityToken") {
            return Ok(stranger_enrollment(&id, &body));
        }
        Ok((self.answer)(&id))
    }
}

/// Microsoft's published GetPoliciesResponse (on-premises page), answering `id`.
fn published_policy(id: &str) -> Reply {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../corpus/enrollment/onprem-04-getpolicies-response.xml");
    let text = std::fs::read_to_string(path).unwrap();
    let (head, rest) = text.split_once("<a:RelatesTo>").unwrap();
    let (_, tail) = rest.split_once("</a:RelatesTo>").unwrap();
    Reply {
        status: 200,
        content_type: "application/soap+xml".into(),
        body: format!("{head}<a:RelatesTo>{id}</a:RelatesTo>{tail}").into_bytes(),
    }
}

/// The stranger's certificate authority: a root and an intermediate it signed.
struct StrangerCa {
    root: rcgen::Certificate,
    intermediate: rcgen::Certificate,
    intermediate_params: rcgen::CertificateParams,
    intermediate_key: rcgen::KeyPair,
}

fn stranger_ca() -> StrangerCa {
    let ca_params = |name: &str| {
        let mut p = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        p.distinguished_name.push(rcgen::DnType::CommonName, name);
        p.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        p
    };
    let root_params = ca_params("Example Root");
    let root_key = rcgen::KeyPair::generate().unwrap();
    let root = root_params.self_signed(&root_key).unwrap();
    let intermediate_params = ca_params("Example Issuing CA");
    let intermediate_key = rcgen::KeyPair::generate().unwrap();
    let intermediate = intermediate_params
        .signed_by(
            &intermediate_key,
            &rcgen::Issuer::from_params(&root_params, &root_key),
        )
        .unwrap();
    StrangerCa {
        root,
        intermediate,
        intermediate_params,
        intermediate_key,
    }
}

/// The stranger's answer to a RequestSecurityToken (it is Federated: the
/// account's token must come as a BinarySecurityToken): a wrong token gets
/// `a:InvalidSecurity`, a request that is no CSR `s:MessageFormat` (the other
/// allowed Subcodes), and a good one a document with an intermediate under
/// My/User, WBXML as DEFAULTENCODING, DIGEST credentials both ways, and the
/// ValueType as Microsoft's samples write it.
fn stranger_enrollment(id: &str, body: &str) -> Reply {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let fault = |subcode: &str| {
        Reply {
        status: 500,
        content_type: "application/soap+xml".into(),
        body: format!(
            r#"<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://www.w3.org/2005/08/addressing"><env:Header><wsa:Action>http://www.w3.org/2005/08/addressing/soap/fault</wsa:Action><wsa:RelatesTo>{id}</wsa:RelatesTo></env:Header><env:Body><env:Fault><env:Code><env:Value>env:Receiver</env:Value><env:Subcode><env:Value>{subcode}</env:Value></env:Subcode></env:Code><env:Reason><env:Text xml:lang="en">declined</env:Text></env:Reason></env:Fault></env:Body></env:Envelope>"#
        )
        .into_bytes(),
    }
    };
    let user_token = format!(
        r#"ValueType="{}" EncodingType="{}">{TOKEN}<"#,
        dmconform::enroll::policy::USER_TOKEN,
        syncml::protocol::enrollment::BASE64_BINARY
    );
    if !body.contains(&user_token) || body.contains("UsernameToken") {
        return fault("wsa:InvalidSecurity");
    }
    let token: String = body
        .split("<s:Body>")
        .nth(1)
        .unwrap()
        .split("BinarySecurityToken")
        .nth(1)
        .and_then(|t| t.split_once('>'))
        .and_then(|(_, t)| t.split('<').next())
        .unwrap()
        .split_whitespace()
        .collect();
    let Some(csr) = b64.decode(token).ok().and_then(|der| {
        rcgen::CertificateSigningRequestParams::from_der(&der.as_slice().into()).ok()
    }) else {
        return fault("env:MessageFormat");
    };
    let ca = stranger_ca();
    let issuer = rcgen::Issuer::from_params(&ca.intermediate_params, &ca.intermediate_key);
    let client = csr.signed_by(&issuer).unwrap();
    let cert = |store: &str, der: &[u8]| {
        format!(
            r#"<characteristic type="{store}"><characteristic type="{}"><parm name="EncodedCertificate" value="{}"/></characteristic>{}</characteristic>"#,
            "ABCDEF0123456789ABCDEF0123456789ABCDEF01",
            b64.encode(der),
            if store == "User" {
                r#"<characteristic type="PrivateKeyContainer"/>"#
            } else {
                ""
            }
        )
    };
    let doc = format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<wap-provisioningdoc version="1.1">
  <characteristic type="CertificateStore"><characteristic type="Root">{}</characteristic></characteristic>
  <characteristic type="CertificateStore"><characteristic type="My">{}</characteristic></characteristic>
  <characteristic type="CertificateStore"><characteristic type="My"><characteristic type="User"><characteristic type="0000000000000000000000000000000000000001"><parm name="EncodedCertificate" value="{}"/></characteristic></characteristic></characteristic></characteristic>
  <characteristic type="APPLICATION">
    <parm name="APPID" value="w7"/><parm name="PROVIDER-ID" value="ExampleMDM"/><parm name="NAME" value="Example"/>
    <parm name="ADDR" value="https://mdm.example.com/omadm/WindowsMDM.ashx"/>
    <parm name="DEFAULTENCODING" value="application/vnd.syncml.dm+wbxml"/>
    <characteristic type="APPAUTH"><parm name="AAUTHLEVEL" value="CLIENT"/><parm name="AAUTHTYPE" value="DIGEST"/><parm name="AAUTHSECRET" value="s3cret-client"/><parm name="AAUTHDATA" value="bm9uY2U="/></characteristic>
    <characteristic type="APPAUTH"><parm name="AAUTHLEVEL" value="APPSRV"/><parm name="AAUTHTYPE" value="DIGEST"/><parm name="AAUTHNAME" value="device"/><parm name="AAUTHSECRET" value="s3cret-server"/></characteristic>
  </characteristic>
</wap-provisioningdoc>"#,
        cert("System", ca.root.der()),
        cert("User", client.der()),
        b64.encode(ca.intermediate.der()),
    );
    Reply {
        status: 200,
        content_type: "application/soap+xml; charset=utf-8".into(),
        body: format!(
            r#"<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://www.w3.org/2005/08/addressing"><env:Header><wsa:Action env:mustUnderstand="1">http://schemas.microsoft.com/windows/pki/2009/01/enrollment/RSTRC/wstep</wsa:Action><wsa:RelatesTo>{id}</wsa:RelatesTo></env:Header><env:Body><t:RequestSecurityTokenResponseCollection xmlns:t="http://docs.oasis-open.org/ws-sx/ws-trust/200512"><t:RequestSecurityTokenResponse><t:TokenType>http://schemas.microsoft.com/5.0.0.0/ConfigurationManager/Enrollment/DeviceEnrollmentToken</t:TokenType><t:RequestedSecurityToken><o:BinarySecurityToken xmlns:o="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" ValueType="http://schemas.microsoft.com/5.0.0.0/ConfigurationManager/Enrollment/DeviceEnrollmentProvisionDoc" EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd#base64binary">
{}
</o:BinarySecurityToken></t:RequestedSecurityToken></t:RequestSecurityTokenResponse></t:RequestSecurityTokenResponseCollection></env:Body></env:Envelope>"#,
            b64.encode(doc.as_bytes())
        )
        .into_bytes(),
    }
}

fn federated(id: &str) -> Reply {
    let xml = format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://www.w3.org/2005/08/addressing">
  <soap:Header>
    <wsa:Action soap:mustUnderstand="1">http://schemas.microsoft.com/windows/management/2012/01/enrollment/IDiscoveryService/DiscoverResponse</wsa:Action>
    <ActivityId>d9eb2fdd-e38a-46ee-bd93-aea9dc86a3b8</ActivityId>
    <wsa:RelatesTo>{id}</wsa:RelatesTo>
  </soap:Header>
  <soap:Body xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
    <e:DiscoverResponse xmlns:e="http://schemas.microsoft.com/windows/management/2012/01/enrollment">
      <e:DiscoverResult>
        <e:AuthPolicy>Federated</e:AuthPolicy>
        <e:EnrollmentVersion>5.0</e:EnrollmentVersion>
        <e:EnrollmentPolicyServiceUrl>
          https://MDM.example.com/ENROLLMENTSERVER/DEVICEENROLLMENTWEBSERVICE.SVC
        </e:EnrollmentPolicyServiceUrl>
        <e:EnrollmentServiceUrl>
          https://mdm.example.com:443/ENROLLMENTSERVER/DEVICEENROLLMENTWEBSERVICE.SVC
        </e:EnrollmentServiceUrl>
        <e:AuthenticationServiceUrl>https://login.example.com/wab</e:AuthenticationServiceUrl>
      </e:DiscoverResult>
    </e:DiscoverResponse>
  </soap:Body>
</soap:Envelope>"#
    );
    Reply {
        status: 200,
        content_type: "application/soap+xml; charset=utf-8".into(),
        body: xml.into_bytes(),
    }
}

#[test]
fn a_service_making_the_other_allowed_choices_passes() {
    let runs = run_cases(&mut Stranger { answer: federated }, Some(account()));
    for r in &runs {
        assert_eq!(r.verdict, Verdict::Pass, "{}: {:#?}", r.id, r.findings);
    }
    // The document travels Base64-encoded; it is recorded decoded, its secrets blotted.
    let json = serde_json::to_string(&runs).unwrap();
    let enrollment = runs.iter().find(|r| r.id == "enroll.enrollment").unwrap();
    assert!(
        enrollment.transcript.iter().any(|e| e
            .text
            .contains("<parm name=\"AAUTHSECRET\" value=\"[redacted]\"/>")),
        "{json}"
    );
    assert!(!json.contains("s3cret"), "{json}");
    // The Federated token went as the BinarySecurityToken, and is blotted.
    assert!(!json.contains(TOKEN), "{json}");
    let sent = &enrollment.transcript[enrollment
        .transcript
        .iter()
        .position(|e| e.label.starts_with("RequestSecurityToken"))
        .unwrap()]
    .text;
    assert!(
        sent.contains("DeviceEnrollmentUserToken\" EncodingType="),
        "{sent}"
    );
    assert!(
        sent.contains(">[redacted]</wsse:BinarySecurityToken>"),
        "{sent}"
    );

    // Without a token the cases that need the right one are unsupported (a
    // wrong one can still be sent).
    let tokenless = Account {
        token: None,
        ..account()
    };
    let runs = run_cases(&mut Stranger { answer: federated }, Some(tokenless));
    for r in &runs {
        let expected = if matches!(
            r.id.as_str(),
            "enroll.discovery-probe" | "enroll.discovery" | "enroll.wrong-credentials"
        ) {
            Verdict::Pass
        } else {
            Verdict::Unsupported
        };
        assert_eq!(r.verdict, expected, "{}: {:#?}", r.id, r.findings);
    }
}

fn sign_in_page(_: &str) -> Reply {
    Reply {
        status: 200,
        content_type: "text/html; charset=utf-8".into(),
        body: b"<html><head><title>Sign in</title></head><body>Sign in</body></html>".to_vec(),
    }
}

fn federated_without_sts(id: &str) -> Reply {
    let mut reply = federated(id);
    let text = String::from_utf8(reply.body).unwrap();
    let cut = text
        .lines()
        .filter(|l| !l.contains("AuthenticationServiceUrl"))
        .collect::<Vec<_>>()
        .join("\n");
    reply.body = cut.into_bytes();
    reply
}

#[test]
fn a_sign_in_page_fails_the_discover_rule_and_a_federated_answer_without_sts_is_non_strict() {
    let runs = run_cases(
        &mut Stranger {
            answer: sign_in_page,
        },
        Some(account()),
    );
    let discover = runs.iter().find(|r| r.id == "enroll.discovery").unwrap();
    assert_eq!(discover.verdict, Verdict::Fail);
    let f = &discover.findings[0];
    assert_eq!(f.requirement.as_deref(), Some("mde2.discovery.response"));
    assert!(
        f.actual.contains("<html>") && f.actual.contains("text/html"),
        "{f:?}"
    );

    let runs = run_cases(
        &mut Stranger {
            answer: federated_without_sts,
        },
        Some(account()),
    );
    let discover = runs.iter().find(|r| r.id == "enroll.discovery").unwrap();
    assert_eq!(
        discover.verdict,
        Verdict::NonStrict,
        "{:#?}",
        discover.findings
    );
    assert_eq!(
        discover.findings[0].requirement.as_deref(),
        Some("mde2.discovery.authentication-service-url")
    );
}

/// A service that cannot be reached.
struct Gone;

impl EnrollmentService for Gone {
    fn describe(&self) -> String {
        "gone".into()
    }
    fn discovery_url(&self) -> String {
        "https://enterpriseenrollment.example.com/EnrollmentServer/Discovery.svc".into()
    }
    fn request(&mut self, _: &Request) -> Result<Reply, TargetError> {
        Err(TargetError::Other("connection refused".into()))
    }
}

#[test]
fn a_service_that_does_not_answer_is_an_error_for_every_case() {
    let runs = run_cases(&mut Gone, Some(account()));
    assert!(!runs.is_empty());
    for r in &runs {
        assert_eq!(r.verdict, Verdict::Error, "{}", r.id);
        assert!(r.findings[0].actual.contains("connection refused"));
    }
}

#[test]
fn run_against_the_reference_enrollment_service_passes_and_a_fault_names_its_rule() {
    let (code, out, _) = run(&["--target", "builtin:reference-enrollment"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains(" pass, 0 fail, 0 non-strict"), "{out}");
    let (code, out, _) = run(&[
        "--target",
        "builtin:reference-enrollment?fault=discovery-wrong-relates-to",
    ]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("requirement wsa.relates-to"), "{out}");
    let (_, out, _) = run(&["--list-faults"]);
    assert!(out.contains("discovery-no-policy-url"), "{out}");
    let (code, out, _) = run(&[
        "--target",
        "builtin:reference-enrollment",
        "--filter",
        "enroll.policy",
    ]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("1 case runs") && out.contains("1 pass"),
        "{out}"
    );
    let (code, _, err) = run(&[
        "--target",
        "builtin:reference-enrollment",
        "--filter",
        "atomic.*",
    ]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("no enrollment case matches --filter (the cases: enroll.discovery-probe"),
        "{err}"
    );
}

/// Serves refdm's enrollment service over plain HTTP on loopback for `requests`
/// requests (it names its services under https://enterpriseenrollment.example);
/// the discovery URL.
fn enrollment_over_http(requests: usize) -> (String, std::thread::JoinHandle<()>) {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "http://{}/EnrollmentServer/Discovery.svc",
        listener.local_addr().unwrap()
    );
    let handle = std::thread::spawn(move || {
        let mut service = refdm::enroll::EnrollmentService::new(
            "https://enterpriseenrollment.example",
            EnrollmentFaults::none(),
        );
        for _ in 0..requests {
            let (stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(stream);
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let mut parts = line.split_whitespace();
            let (method, path) = (
                parts.next().unwrap().to_string(),
                parts.next().unwrap().to_string(),
            );
            let (mut length, mut content_type) = (0, String::new());
            loop {
                let mut h = String::new();
                reader.read_line(&mut h).unwrap();
                if h.trim().is_empty() {
                    break;
                }
                let (name, value) = h.split_once(':').unwrap();
                match name.to_ascii_lowercase().as_str() {
                    "content-length" => length = value.trim().parse().unwrap(),
                    "content-type" => content_type = value.trim().to_string(),
                    _ => {}
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            let reply = service.handle(&method, &path, &content_type, &body);
            let mut stream = reader.into_inner();
            write!(
                stream,
                "HTTP/1.1 {} X\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                reply.status,
                reply.content_type,
                reply.body.len()
            )
            .unwrap();
            stream.write_all(&reply.body).unwrap();
        }
    });
    (url, handle)
}

#[test]
fn a_discovery_url_over_http_runs_the_enrollment_cases() {
    let (url, server) = enrollment_over_http(2);
    let (code, out, err) = run(&["--target", &url, "--http-timeout", "30"]);
    server.join().unwrap();
    assert_eq!(code, Some(0), "{out}{err}");
    // The built-in profile of an http(s) target names no account: the four cases
    // that need one are unsupported, and the DM server cases, which need the
    // enrollment, are not exercised.
    assert!(out.contains("case runs against http://127.0.0.1:"), "{out}");
    assert!(
        out.contains("2 pass, 0 fail, 0 non-strict")
            && out.contains(" informational, 4 unsupported, 0 error"),
        "{out}"
    );
}

#[test]
fn a_discovery_url_nobody_serves_is_an_error_quickly() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/EnrollmentServer/Discovery.svc");
    let (code, out, _) = run(&["--target", &url]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("2 error") && out.contains("4 unsupported"),
        "{out}"
    );
}

/// Microsoft's published discovery answers (`corpus/enrollment`, from the Learn
/// enrollment pages), judged as the harness judges a service's answer to the
/// request published beside them.
#[test]
fn microsofts_published_discovery_answers_pass_the_discovery_rules() {
    use dmconform::enroll::{checks, discovery::DiscoverResult, soap};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/enrollment");
    for page in ["onprem", "fed", "cert"] {
        let read = |name: &str| std::fs::read(dir.join(format!("{page}-{name}.xml"))).unwrap();
        let request = String::from_utf8(read("01-discover-request")).unwrap();
        let message_id = request
            .split("MessageID>")
            .nth(1)
            .and_then(|r| r.split('<').next())
            .unwrap()
            .to_string();
        let envelope = soap::read(&read("02-discover-response")).unwrap();
        let result = envelope
            .payload
            .as_ref()
            .and_then(DiscoverResult::read)
            .unwrap_or_else(|| panic!("{page}: no DiscoverResult"));
        let mut findings = checks::relates_to(&envelope, &message_id, 1);
        findings.extend(checks::discover_result(&result, 1));
        assert!(findings.is_empty(), "{page}: {findings:#?}");
        assert!(envelope.soap12, "{page}");
    }
}

#[test]
fn the_password_never_reaches_a_transcript_and_no_account_makes_the_policy_case_unsupported() {
    let runs = run_cases(&mut reference(EnrollmentFaults::none()), Some(account()));
    let policy = runs.iter().find(|r| r.id == "enroll.policy").unwrap();
    assert_eq!(policy.verdict, Verdict::Pass, "{:#?}", policy.findings);
    let sent = &policy
        .transcript
        .iter()
        .find(|e| e.label.starts_with("GetPolicies"))
        .unwrap()
        .text;
    assert!(sent.contains("<wsse:Password"), "{sent}");
    let json = serde_json::to_string(&runs).unwrap();
    for secret in ["pässword", "p\\u00e4ssword", "&amp;&lt;1&gt;", TOKEN] {
        assert!(!json.contains(secret), "{secret} in {json}");
    }
    assert!(json.contains("[redacted]"));

    let runs = run_cases(
        &mut ReferenceEnrollment::new(EnrollmentFaults::none()),
        None,
    );
    let policy = runs.iter().find(|r| r.id == "enroll.policy").unwrap();
    assert_eq!(
        policy.verdict,
        Verdict::Unsupported,
        "{:#?}",
        policy.findings
    );
}

#[test]
fn a_discover_stage_that_fails_leaves_the_policy_case_not_exercised() {
    let runs = run_cases(
        &mut Stranger {
            answer: sign_in_page,
        },
        Some(account()),
    );
    let policy = runs.iter().find(|r| r.id == "enroll.policy").unwrap();
    assert_eq!(
        policy.verdict,
        Verdict::Informational,
        "{:#?}",
        policy.findings
    );
}

#[test]
fn the_dm_server_cases_run_after_enrollment_over_the_issued_certificate() {
    let (code, out, _) = run(&[
        "--target",
        "builtin:reference-enrollment",
        "--format",
        "json",
    ]);
    assert_eq!(code, Some(0), "{out}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let runs = report["cases"].as_array().unwrap();
    let dm: Vec<&serde_json::Value> = runs
        .iter()
        .filter(|r| !r["id"].as_str().unwrap().starts_with("enroll."))
        .collect();
    assert!(dm.len() > 5, "{out}");
    // The document selects XML: the device speaks only that.
    assert!(dm.iter().all(|r| r["encoding"] == "xml"), "{out}");
    assert!(runs.iter().all(|r| r["verdict"] == "pass"), "{out}");

    // A certificate for another key gives the device nothing to run the DM
    // session with: the DM server cases are not exercised.
    let (code, out, _) = run(&[
        "--target",
        "builtin:reference-enrollment?fault=enroll-other-key",
        "--format",
        "json",
    ]);
    assert_eq!(code, Some(1), "{out}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let dm: Vec<&serde_json::Value> = report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| !r["id"].as_str().unwrap().starts_with("enroll."))
        .collect();
    assert!(!dm.is_empty());
    assert!(dm.iter().all(|r| r["verdict"] == "informational"), "{out}");
}

#[test]
fn the_reference_dm_server_refuses_a_certificate_its_enrollment_root_did_not_issue() {
    use dmconform::enroll::enrolled::EnrolledReference;
    use dmconform::enroll::runner::run_enrolling;
    use dmconform::server::ServerTarget;
    let mut service = reference(EnrollmentFaults::none());
    let (_, enrolled) = run_enrolling(
        &mut service,
        Some(account()),
        &dmconform::enroll::runner::selected(None),
    );
    let enrolled = enrolled.expect("the reference enrolls the device");
    let profile = dmconform::TargetProfile::reference_server();
    let other_root = refdm::enroll::ca::Authority::new("another root").root;
    let mut server = EnrolledReference::new(other_root, &enrolled, &profile);
    let message = dmconform::wire::Wire::new(dmconform::wire::Encoding::Xml, b"<SyncML/>".to_vec());
    let refused = server.send(message).unwrap_err().to_string();
    assert!(
        refused.contains("refused the TLS client certificate"),
        "{refused}"
    );
}

#[test]
fn the_enrollment_section_of_a_target_profile_is_the_account_enrolled() {
    let dir = std::env::temp_dir().join(format!("dmconform-enroll-profile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let base = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../specs/targets/reference-server.toml"),
    )
    .unwrap();
    let profile = |name: &str, password: &str| {
        let path = dir.join(format!("{name}.toml"));
        std::fs::write(
            &path,
            format!("{base}\n[enrollment]\nuser = \"dmconform\"\npassword = \"{password}\"\n"),
        )
        .unwrap();
        path.to_str().unwrap().to_string()
    };
    let args = |file: &str| {
        vec![
            "--target".to_string(),
            "builtin:reference-enrollment".into(),
            "--target-profile".into(),
            file.to_string(),
            "--filter".into(),
            "enroll.policy".into(),
        ]
    };
    let right = args(&profile("right", "reference"));
    let (code, out, _) = run(&right.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code, Some(0), "{out}");
    let wrong = args(&profile("wrong", "not-the-reference-password"));
    let (code, out, _) = run(&wrong.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("requirement mde2.policy.response-action"),
        "{out}"
    );
    assert!(!out.contains("not-the-reference-password"), "{out}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The PEM of a DER certificate.
fn pem(der: &[u8]) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        lines.join("\n")
    )
}

/// Serves `listener`'s requests with `answer` on a thread until `stop` is set
/// (at most five minutes).
fn serve(
    listener: dmconform::client::http::Server,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    mut answer: impl FnMut(&dmconform::client::http::Incoming) -> dmconform::client::http::Response
    + Send
    + 'static,
) -> std::thread::JoinHandle<Vec<Option<String>>> {
    use dmconform::client::http::Event;
    std::thread::spawn(move || {
        let mut subjects = Vec::new();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(300);
        while !stop.load(std::sync::atomic::Ordering::SeqCst)
            && std::time::Instant::now() < deadline
        {
            if let Some(Event::Request(incoming)) =
                listener.next_event(std::time::Duration::from_millis(20))
            {
                subjects.push(incoming.client_subject.clone());
                let response = answer(&incoming);
                incoming.answer(response);
            }
        }
        subjects
    })
}

/// The whole flow over real HTTPS on loopback: refdm's enrollment service on one
/// listener, and its DM server on another that requires a TLS client
/// certificate issued by the enrollment root (rustls verifies it); the harness
/// enrolls, then runs the DM server cases presenting the issued certificate and
/// trusting the root it was given.
#[test]
fn the_whole_flow_runs_over_https_with_the_issued_client_certificate() {
    use dmconform::client::http::{Response, Server, ServerConfig, TlsOptions, TlsSetup};
    use std::sync::{Arc, Mutex, atomic::AtomicBool};
    let dir = std::env::temp_dir().join(format!("dmconform-enroll-https-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let tls = |name: &str, client_ca: Option<std::path::PathBuf>| TlsOptions {
        setup: TlsSetup::SelfSigned {
            write_cert_to: Some(dir.join(name)),
        },
        client_ca,
    };
    let enrollment = Server::start(ServerConfig {
        tls: Some(tls("enrollment.pem", None)),
        ..ServerConfig::new("127.0.0.1:0")
    })
    .unwrap();
    let service =
        refdm::enroll::EnrollmentService::new(&enrollment.url(""), EnrollmentFaults::none());
    let root = dir.join("root.pem");
    std::fs::write(&root, pem(service.root())).unwrap();
    let dm = Server::start(ServerConfig {
        tls: Some(tls("dm.pem", Some(root))),
        ..ServerConfig::new("127.0.0.1:0")
    })
    .unwrap();
    let dm_url = dm.url("/ManagementServer/MDM.svc");
    let service = Arc::new(Mutex::new(service.with_dm_address(&dm_url)));
    let ca = dir.join("ca.pem");
    std::fs::write(
        &ca,
        std::fs::read_to_string(dir.join("enrollment.pem")).unwrap()
            + &std::fs::read_to_string(dir.join("dm.pem")).unwrap(),
    )
    .unwrap();
    let discovery = enrollment.url("/EnrollmentServer/Discovery.svc");
    let stop = Arc::new(AtomicBool::new(false));
    let enrolling = serve(enrollment, stop.clone(), move |incoming| {
        let r = &incoming.request;
        let reply = service.lock().unwrap().handle(
            &r.method,
            &r.path,
            r.header("content-type").unwrap_or(""),
            &r.body,
        );
        Response {
            status: reply.status,
            content_type: reply.content_type.to_string(),
            headers: Vec::new(),
            body: reply.body,
        }
    });
    let mut dm_server = refdm::server::Server::new(Default::default(), Default::default());
    let managing = serve(
        dm,
        stop.clone(),
        move |incoming| match refdm::server::wire::answer(&mut dm_server, &incoming.request.body) {
            Ok((body, content_type)) => Response {
                status: 200,
                content_type: content_type.into(),
                headers: Vec::new(),
                body,
            },
            Err((code, reason)) => Response::text(code, &reason),
        },
    );
    let profile = dir.join("profile.toml");
    std::fs::write(
        &profile,
        "name = \"https-enrollment\"\nprofiles = [\"windows\"]\nencodings = [\"xml\", \"wbxml\"]\n\
         capabilities = [\"auth-basic\", \"multi-message\"]\n\
         [enrollment]\nuser = \"dmconform\"\npassword = \"reference\"\n",
    )
    .unwrap();
    let (code, out, err) = run(&[
        "--target",
        &discovery,
        "--target-profile",
        profile.to_str().unwrap(),
        "--ca-cert",
        ca.to_str().unwrap(),
        "--http-timeout",
        "30",
        "--format",
        "json",
    ]);
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    enrolling.join().unwrap();
    let subjects = managing.join().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let report: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    let runs = report["cases"].as_array().unwrap();
    for r in runs {
        // The harness's own listener, not the reference, answers a GET (405);
        // the profile claims Basic only.
        if r["id"] != "enroll.discovery-probe" {
            assert!(
                r["verdict"] == "pass" || r["verdict"] == "unsupported",
                "{}: {:#}",
                r["id"],
                r["findings"]
            );
        }
    }
    let passed = |prefix: bool| {
        runs.iter()
            .filter(|r| r["verdict"] == "pass")
            .filter(|r| r["id"].as_str().unwrap().starts_with("enroll.") == prefix)
            .count()
    };
    assert_eq!(passed(true), 5, "{out}");
    assert!(passed(false) > 5, "{out}");
    assert_eq!(code, Some(0), "{err}");
    // Every DM request came with the certificate issued to the device.
    assert!(!subjects.is_empty());
    assert!(
        subjects
            .iter()
            .all(|s| s.as_deref() == Some("CN=dmconform-device")),
        "{subjects:?}"
    );
}

/// `refdm-server --enrollment` as a process: the whole flow over HTTPS passes;
/// its DM endpoint turns away a connection without the issued certificate; an
/// enrollment fault switch changes a verdict.
#[test]
fn refdm_server_as_a_process_enrolls_and_serves_the_dm_session_over_https() {
    use super::server_http::{ServerProcess, TempDir, ca_true_server_certificate};
    let dir = TempDir::new();
    let (cert, key) = ca_true_server_certificate(&dir);
    let start = |extra: &[&str]| {
        let mut args = vec![
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
            "--enrollment",
        ];
        args.extend_from_slice(extra);
        let server = ServerProcess::start_with(&args);
        let base = server.url.trim_end_matches("omadm").to_string();
        (server, base)
    };
    let profile = dir.0.join("profile.toml");
    std::fs::write(
        &profile,
        "name = \"refdm-server\"\nprofiles = [\"windows\"]\nencodings = [\"xml\", \"wbxml\"]\n\
         capabilities = [\"auth-basic\", \"multi-message\"]\n\
         [enrollment]\nuser = \"dmconform\"\npassword = \"reference\"\n",
    )
    .unwrap();
    let run_against = |base: &str| {
        let discovery = format!("{base}EnrollmentServer/Discovery.svc");
        run(&[
            "--target",
            &discovery,
            "--target-profile",
            profile.to_str().unwrap(),
            "--ca-cert",
            cert.to_str().unwrap(),
            "--format",
            "json",
        ])
    };
    let (_server, base) = start(&[]);
    let (code, out, err) = run_against(&base);
    assert_eq!(code, Some(0), "{out}{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let runs = report["cases"].as_array().unwrap();
    let verdicts: Vec<(&str, &str)> = runs
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r["verdict"].as_str().unwrap()))
        .collect();
    assert!(
        verdicts
            .iter()
            .all(|(_, v)| *v == "pass" || *v == "unsupported"),
        "{verdicts:?}"
    );
    let dm_passed = verdicts
        .iter()
        .filter(|(id, v)| !id.starts_with("enroll.") && *v == "pass")
        .count();
    assert!(dm_passed > 5, "{verdicts:?}");
    assert_eq!(
        verdicts
            .iter()
            .filter(|(id, v)| id.starts_with("enroll.") && *v == "pass")
            .count(),
        6,
        "{verdicts:?}"
    );

    // Without the issued certificate the DM endpoint answers 403.
    let agent_opts = dmconform::server::http::HttpOptions {
        ca_cert: Some(cert.clone()),
        ..Default::default()
    };
    let mut bare = dmconform::server::http::HttpServer::new(
        &format!("{base}ManagementServer/MDM.svc"),
        &agent_opts,
    )
    .unwrap();
    use dmconform::server::ServerTarget;
    bare.start_session().unwrap();
    let refused = bare
        .send(dmconform::wire::Wire::new(
            dmconform::wire::Encoding::Xml,
            b"<SyncML/>".to_vec(),
        ))
        .unwrap_err()
        .to_string();
    assert!(refused.contains("403"), "{refused}");

    let (_server, base) = start(&["--enrollment-fault", "enroll-any-password"]);
    let (code, out, _) = run_against(&base);
    assert_eq!(code, Some(1), "{out}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let wrong = report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "enroll.wrong-credentials")
        .unwrap();
    assert_eq!(wrong["verdict"], "fail", "{wrong:#}");
}

/// Microsoft's published provisioning documents (`corpus/enrollment/*-07-…`)
/// pass every rule of the document but those of its certificates, which the
/// samples leave as placeholders ("B64 encoded cert insert here"). The federated
/// page's is not well-formed (`<!-If …-->`, SOURCES.md) and is refused as such.
#[test]
fn microsofts_published_provisioning_documents_pass_the_document_rules() {
    use dmconform::enroll::issued_checks::provisioning;
    use dmconform::enroll::provisioning::ProvisioningDoc;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/enrollment");
    let read = |page: &str| {
        ProvisioningDoc::read(
            &std::fs::read(dir.join(format!("{page}-07-provisioning-doc.xml"))).unwrap(),
        )
    };
    assert!(read("fed").unwrap_err().contains("not well-formed"));
    for page in ["onprem", "cert"] {
        let doc = read(page).unwrap_or_else(|e| panic!("{page}: {e}"));
        let findings = provisioning(&doc, b"no key", 1);
        let rules: Vec<&str> = findings
            .iter()
            .filter_map(|f| f.requirement.as_deref())
            .filter(|r| {
                !matches!(
                    *r,
                    "winenroll.rstr.provisioning-contents" | "rfc2986.certificate-for-request-key"
                )
            })
            .collect();
        assert!(rules.is_empty(), "{page}: {findings:#?}");
    }
}

fn certificate_policy(id: &str) -> Reply {
    let reply = federated(id);
    let text = String::from_utf8(reply.body)
        .unwrap()
        .replace(">Federated<", ">Certificate<");
    Reply {
        body: text.into_bytes(),
        ..reply
    }
}

#[test]
fn a_certificate_policy_makes_the_cases_that_sign_unsupported() {
    let runs = run_cases(
        &mut Stranger {
            answer: certificate_policy,
        },
        Some(account()),
    );
    for r in &runs {
        let expected = if r.id.starts_with("enroll.discovery") {
            Verdict::Pass
        } else {
            Verdict::Unsupported
        };
        assert_eq!(r.verdict, expected, "{}: {:#?}", r.id, r.findings);
    }
    let policy = runs.iter().find(|r| r.id == "enroll.policy").unwrap();
    assert!(
        policy.findings[0]
            .actual
            .contains("does not sign requests with a certificate"),
        "{:#?}",
        policy.findings
    );
}

/// Microsoft's published RequestSecurityTokenResponses, judged as answers to
/// a request with their own RelatesTo as MessageID (the samples' RelatesTo does
/// not name the sample request's): the SOAP 1.1 envelope they all use is
/// non-strict, and their placeholder token ("B64EncodedSampleBinarySecurityToken")
/// is no provisioning document. Nothing else is found.
#[test]
fn microsofts_published_rstr_answers_are_judged_by_their_envelope_and_token_only() {
    use dmconform::enroll::issued_checks::{REQUEST_SECURITY_TOKEN, issued_token};
    use dmconform::enroll::token::Issued;
    use dmconform::enroll::{checks, soap};
    use dmconform::verdict::Severity;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/enrollment");
    for page in ["onprem", "fed", "cert"] {
        let text =
            std::fs::read_to_string(dir.join(format!("{page}-06-rstr-response.xml"))).unwrap();
        // The certificate page's sample starts with the HTTP status line and headers.
        let body = &text[text.find("<s:Envelope").unwrap()..];
        let envelope = soap::read(body.as_bytes()).unwrap();
        let reply = Reply {
            status: 200,
            content_type: "application/soap+xml; charset=utf-8".into(),
            body: body.as_bytes().to_vec(),
        };
        let mut findings = Vec::new();
        let issued = checks::soap_answer(
            &REQUEST_SECURITY_TOKEN,
            &reply,
            &envelope,
            envelope.relates_to.as_deref().unwrap(),
            1,
            &mut findings,
            Issued::read,
        )
        .unwrap_or_else(|| panic!("{page}: {findings:#?}"));
        issued_token(&issued, 1, &mut findings);
        let seen: Vec<(&str, Severity)> = findings
            .iter()
            .map(|f| (f.requirement.as_deref().unwrap(), f.severity))
            .collect();
        assert_eq!(
            seen,
            [
                ("mde.rstr.structure", Severity::NonStrict),
                ("winenroll.rstr.provisioning-contents", Severity::Fail)
            ],
            "{page}: {findings:#?}"
        );
    }
}
