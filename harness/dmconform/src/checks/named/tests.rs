//! The named checks and the credential formulas, each shown right and wrong.
use super::*;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

#[test]
fn credential_formulas_match_the_published_vectors() {
    assert_eq!(
        basic_credential("Bruce2", "OhBehave"),
        "QnJ1Y2UyOk9oQmVoYXZl"
    );
    assert_eq!(
        md5_credential("Bruce2", "OhBehave", b"Nonce"),
        "Zz6EivR3yeaaENcRN6lpAQ=="
    );
    // The nonce must be decoded before hashing: hashing its Base64 text gives another value.
    assert_eq!(
        md5_credential("Bruce2", "OhBehave", b"Tm9uY2U="),
        "CmO/kTaDnxgwUdBvdtRh4A=="
    );
    // Vector V4 of the HMAC formula (DM Security 5.1.4).
    assert_eq!(
        hmac_mac("Bruce2", "OhBehave", b"Nonce", b"<SyncML/>"),
        "urdCeS3JUmjFgi8SX3webw=="
    );
}

fn hmac_profile() -> TargetProfile {
    let mut p = TargetProfile::reference();
    let c = p.credentials.as_mut().unwrap();
    c.scheme = crate::profile::AuthScheme::Hmac;
    c.user = "Bruce2".into();
    c.password = "OhBehave".into();
    c.client_nonce = Some("Tm9uY2U=".into());
    p
}

fn with_header(body: &[u8], header: Option<String>) -> Vec<Turn> {
    let received = Received {
        decoded: crate::codec::decode(body, &crate::codec::reply_limits()).unwrap(),
        content_type: crate::wire::CONTENT_TYPE_XML.into(),
        headers: header
            .map(|h| ("x-syncml-hmac".to_string(), h))
            .into_iter()
            .collect(),
        body: body.to_vec(),
        exchange: 0,
    };
    vec![Turn {
        received,
        session: 1,
        answer: None,
    }]
}

#[test]
fn hmac_check_accepts_the_right_mac_only() {
    let body = b"<SyncML xmlns='SYNCML:SYNCML1.2'><SyncHdr><VerDTD>1.2</VerDTD></SyncHdr><SyncBody/></SyncML>";
    let p = hmac_profile();
    let good = hmac_mac("Bruce2", "OhBehave", b"Nonce", body);
    let header = |mac: &str| Some(format!("algorithm=MD5, username=\"Bruce2\", mac={mac}"));
    assert_eq!(
        run(
            NamedCheck::HmacClient,
            &with_header(body, header(&good)),
            Answers::default(),
            &p,
            None
        ),
        None
    );
    let wrong_body = hmac_mac("Bruce2", "OhBehave", b"Nonce", b"<SyncML/>");
    assert!(
        run(
            NamedCheck::HmacClient,
            &with_header(body, header(&wrong_body)),
            Answers::default(),
            &p,
            None
        )
        .is_some()
    );
    assert!(
        run(
            NamedCheck::HmacClient,
            &with_header(body, None),
            Answers::default(),
            &p,
            None
        )
        .is_some()
    );
}

#[test]
fn respuri_check_compares_the_posted_path() {
    let body = b"<SyncML xmlns='SYNCML:SYNCML1.2'><SyncHdr><VerDTD>1.2</VerDTD></SyncHdr><SyncBody/></SyncML>";
    let p = TargetProfile::reference();
    let posted = |path: Option<&str>| {
        let mut turns = with_header(body, None);
        turns[0]
            .received
            .headers
            .extend(path.map(|v| (":path".to_string(), v.to_string())));
        turns
    };
    let check = |turns: &[Turn]| {
        let answers = Answers {
            after_respuri: Some(&turns[0].received),
        };
        run(NamedCheck::RespUri, turns, answers, &p, None)
    };
    assert_eq!(check(&posted(Some("/omadm?dmconform-respuri=1"))), None);
    assert!(check(&posted(Some("/omadm"))).is_some());
    assert!(check(&posted(None)).is_some());
    assert!(
        run(
            NamedCheck::RespUri,
            &posted(None),
            Answers::default(),
            &p,
            None
        )
        .is_some()
    );
}

#[test]
fn hmac_check_wants_the_latest_nonce_in_every_message() {
    let body = b"<SyncML xmlns='SYNCML:SYNCML1.2'><SyncHdr><VerDTD>1.2</VerDTD></SyncHdr><SyncBody/></SyncML>";
    let p = hmac_profile();
    let header = |nonce: &[u8]| {
        let mac = hmac_mac("Bruce2", "OhBehave", nonce, body);
        Some(format!("username=\"Bruce2\", mac={mac}"))
    };
    let two = |second_nonce: &[u8]| {
        let mut turns = with_header(body, header(b"Nonce"));
        turns[0].answer = Some(crate::client::session::HdrAnswer {
            code: 200,
            chal_type: None,
            next_nonce: Some(B64.encode("fresh")),
        });
        let mut next = with_header(body, header(second_nonce)).remove(0);
        next.received.exchange = 2;
        turns.push(next);
        turns
    };
    assert_eq!(
        run(
            NamedCheck::HmacClient,
            &two(b"fresh"),
            Answers::default(),
            &p,
            None
        ),
        None
    );
    let stale = run(
        NamedCheck::HmacClient,
        &two(b"Nonce"),
        Answers::default(),
        &p,
        None,
    )
    .unwrap();
    assert_eq!(stale.exchange, Some(2));
}

#[test]
fn an_answer_to_a_challenge_uses_its_type_and_its_nonce() {
    let p = TargetProfile::reference();
    let creds = p.credentials.as_ref().unwrap();
    let message = |type_: &str, data: &str| {
        format!(
            "<SyncML xmlns='SYNCML:SYNCML1.2'><SyncHdr><VerDTD>1.2</VerDTD><Cred><Meta>\
<Format xmlns='syncml:metinf'>b64</Format><Type xmlns='syncml:metinf'>{type_}</Type></Meta>\
<Data>{data}</Data></Cred></SyncHdr><SyncBody><Status><CmdID>1</CmdID><MsgRef>1</MsgRef>\
<CmdRef>0</CmdRef><Cmd>SyncHdr</Cmd><Data>401</Data></Status></SyncBody></SyncML>"
        )
    };
    let md5_over = |nonce: &str| {
        let nonce = B64.decode(nonce).unwrap();
        message(
            "syncml:auth-md5",
            &md5_credential(&creds.user, &creds.password, &nonce),
        )
    };
    let challenged_then = |second: String| {
        let mut t = with_header(
            md5_over(&crate::client::session::md5_nonce(1)).as_bytes(),
            None,
        );
        t[0].answer = Some(crate::client::session::HdrAnswer {
            code: 401,
            chal_type: Some("syncml:auth-md5".into()),
            next_nonce: Some(crate::client::session::md5_nonce(2)),
        });
        let mut next = with_header(second.as_bytes(), None).remove(0);
        next.received.exchange = 2;
        t.push(next);
        run(
            NamedCheck::CredAfterChallenge,
            &t,
            Answers::default(),
            &p,
            None,
        )
    };
    let basic = message(
        "syncml:auth-basic",
        &basic_credential(&creds.user, &creds.password),
    );
    assert_eq!(
        challenged_then(md5_over(&crate::client::session::md5_nonce(2))),
        None
    );
    let stale = challenged_then(md5_over(&crate::client::session::md5_nonce(1))).unwrap();
    assert_eq!(stale.exchange, Some(2));
    let other_type = challenged_then(basic.clone()).unwrap();
    assert!(other_type.actual.contains("auth-basic"), "{other_type:?}");
    // Without any challenge answered, the check has nothing to see.
    let unchallenged = with_header(basic.as_bytes(), None);
    assert!(
        run(
            NamedCheck::CredAfterChallenge,
            &unchallenged,
            Answers::default(),
            &p,
            None
        )
        .is_some()
    );
}

#[test]
fn credentials_answered_200_come_again() {
    let p = TargetProfile::reference();
    let creds = p.credentials.as_ref().unwrap();
    let cred = format!(
        "<Cred><Meta><Format xmlns='syncml:metinf'>b64</Format><Type xmlns='syncml:metinf'>syncml:auth-basic</Type></Meta><Data>{}</Data></Cred>",
        basic_credential(&creds.user, &creds.password)
    );
    let message = |cred: &str| {
        format!(
            "<SyncML xmlns='SYNCML:SYNCML1.2'><SyncHdr><VerDTD>1.2</VerDTD>{cred}</SyncHdr><SyncBody/></SyncML>"
        )
    };
    let turns = |code: u16, second: &str| {
        let mut t = with_header(message(&cred).as_bytes(), None);
        t[0].answer = Some(crate::client::session::HdrAnswer {
            code,
            chal_type: None,
            next_nonce: None,
        });
        t.extend(with_header(message(second).as_bytes(), None));
        t
    };
    assert_eq!(
        run(
            NamedCheck::CredBasic,
            &turns(200, &cred),
            Answers::default(),
            &p,
            None
        ),
        None
    );
    assert!(
        run(
            NamedCheck::CredBasic,
            &turns(200, ""),
            Answers::default(),
            &p,
            None
        )
        .is_some()
    );
    assert_eq!(
        run(
            NamedCheck::CredBasic,
            &turns(212, ""),
            Answers::default(),
            &p,
            None
        ),
        None
    );
}

/// Package 1 of a client whose SyncHdr Source is not its DevId, with `cred` in its SyncHdr.
fn package1(source: &str, cred: &str) -> Vec<Turn> {
    let body = format!(
        "<SyncML xmlns='SYNCML:SYNCML1.2'><SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto><SessionID>1</SessionID><MsgID>1</MsgID><Target><LocURI>https://s</LocURI></Target><Source><LocURI>{source}</LocURI></Source>{cred}</SyncHdr><SyncBody><Alert><CmdID>1</CmdID><Data>1201</Data></Alert><Replace><CmdID>2</CmdID><Item><Source><LocURI>./DevInfo/DevId</LocURI></Source><Data>DEV1</Data></Item></Replace><Final/></SyncBody></SyncML>"
    );
    with_header(body.as_bytes(), None)
}

#[test]
fn a_finding_takes_the_level_of_its_requirement() {
    let p = TargetProfile::reference();
    let turns = package1("OTHER", "");
    let at = |level| {
        run(
            NamedCheck::SourceDevId,
            &turns,
            Answers::default(),
            &p,
            Some(Rule {
                id: "win.struct.source-devid",
                level,
            }),
        )
        .expect("the Source is not the DevId")
    };
    let should = at(Level::Should);
    assert_eq!(should.severity, Severity::NonStrict);
    assert_eq!(
        should.requirement.as_deref(),
        Some("win.struct.source-devid")
    );
    assert_eq!(at(Level::May).severity, Severity::NonStrict);
    assert_eq!(at(Level::Must).severity, Severity::Fail);
    let same = package1("DEV1", "");
    assert_eq!(
        run(NamedCheck::SourceDevId, &same, Answers::default(), &p, None),
        None
    );
}

#[test]
fn an_md5_digest_over_the_empty_nonce_is_right_when_the_profile_names_no_nonce() {
    let mut p = TargetProfile::reference();
    let c = p.credentials.as_mut().unwrap();
    c.scheme = crate::profile::AuthScheme::Md5;
    c.client_nonce = None;
    let cred = |digest: &str| {
        format!(
            "<Cred><Meta><Type xmlns='syncml:metinf'>syncml:auth-md5</Type><Format xmlns='syncml:metinf'>b64</Format></Meta><Data>{digest}</Data></Cred>"
        )
    };
    let (user, password) = (c.user.clone(), c.password.clone());
    // Another team's client, set up with no nonce, hashes the empty one.
    let empty = md5_credential(&user, &password, b"");
    let turns = package1("DEV1", &cred(&empty));
    assert_eq!(
        run(NamedCheck::CredMd5, &turns, Answers::default(), &p, None),
        None
    );
    let other = md5_credential(&user, &password, b"client-nonce-0");
    let turns = package1("DEV1", &cred(&other));
    assert!(run(NamedCheck::CredMd5, &turns, Answers::default(), &p, None).is_some());
}
