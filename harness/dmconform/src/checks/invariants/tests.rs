//! Each invariant shown failing on a hand-made bad reply, and passing the reply of
//! a conforming stack that makes another allowed choice.
use super::*;
use crate::codec;
use crate::transcript::{Received, Sent};
use syncml::Message;

const SENT: &str = "<SyncML xmlns='SYNCML:SYNCML1.2'><SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto>\
<SessionID>1</SessionID><MsgID>1</MsgID><Target><LocURI>dev</LocURI></Target><Source><LocURI>srv</LocURI></Source></SyncHdr>\
<SyncBody><Add><CmdID>2</CmdID><Item><Target><LocURI>./a</LocURI></Target><Data>1</Data></Item></Add>\
<Get><CmdID>3</CmdID><Item><Target><LocURI>./a</LocURI></Target></Item></Get>\
<Atomic><CmdID>4</CmdID><Replace><CmdID>5</CmdID><Item><Target><LocURI>./a</LocURI></Target><Data>2</Data></Item></Replace></Atomic>\
<Final/></SyncBody></SyncML>";

const HDR: &str = "<SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto><SessionID>1</SessionID><MsgID>2</MsgID>\
<Target><LocURI>srv</LocURI></Target><Source><LocURI>dev</LocURI></Source></SyncHdr>";

fn status(id: u32, cmd_ref: &str, cmd: &str, code: u16) -> String {
    format!(
        "<Status><CmdID>{id}</CmdID><MsgRef>1</MsgRef><CmdRef>{cmd_ref}</CmdRef><Cmd>{cmd}</Cmd><Data>{code}</Data></Status>"
    )
}

fn results(id: u32) -> String {
    format!(
        "<Results><CmdID>{id}</CmdID><MsgRef>1</MsgRef><CmdRef>3</CmdRef><Item><Source><LocURI>./a</LocURI></Source><Data>1</Data></Item></Results>"
    )
}

fn good_body() -> Vec<String> {
    vec![
        status(1, "0", "SyncHdr", 200),
        status(2, "2", "Add", 200),
        status(3, "3", "Get", 200),
        results(4),
        status(5, "4", "Atomic", 200),
        status(6, "5", "Replace", 200),
    ]
}

fn reply(body: &[String], final_: bool) -> String {
    format!(
        "<SyncML xmlns='SYNCML:SYNCML1.2'>{HDR}<SyncBody>{}{}</SyncBody></SyncML>",
        body.concat(),
        if final_ { "<Final/>" } else { "" }
    )
}

fn received(xml: &str, content_type: &str) -> Received {
    Received {
        decoded: codec::decode(xml.as_bytes(), &codec::reply_limits())
            .expect("test message decodes"),
        content_type: content_type.into(),
        headers: Vec::new(),
        body: xml.as_bytes().to_vec(),
        exchange: 1,
    }
}

fn sent() -> Sent {
    sent_from(SENT)
}

fn sent_from(xml: &str) -> Sent {
    let root = syncml::xml::read(xml.as_bytes(), &syncml::Limits::default())
        .unwrap()
        .root;
    let (message, _) = Message::from_element(&root);
    Sent {
        root,
        message,
        exchange: 0,
    }
}

/// The findings of the rule on the Cmd of a Status, alone.
fn check_status_cmd_values(sent: &Sent, replies: &[&Received]) -> Vec<Finding> {
    let answered = answers::Answered::new(sent, replies).expect("a reply");
    answers::status_cmd_names_a_command(&answered)
}

/// Requirement ids of the findings for a reply (message checks and step checks).
fn broken(xml: &str, content_type: &str) -> Vec<String> {
    let r = received(xml, content_type);
    let mut facts = SessionFacts {
        session_id: Some("1".into()),
        last_client_msg_id: Some(1),
        answering_dm_112: false,
        ..SessionFacts::default()
    };
    let mut f = check_client_message(&r, Encoding::Xml, &mut facts);
    f.extend(check_step(&sent(), &[&r]));
    let mut ids: Vec<String> = f.into_iter().filter_map(|f| f.requirement).collect();
    ids.sort();
    ids.dedup();
    ids
}

fn broken_by(body: Vec<String>) -> Vec<String> {
    broken(&reply(&body, true), crate::wire::CONTENT_TYPE_XML)
}

#[test]
fn a_good_reply_breaks_nothing() {
    assert_eq!(broken_by(good_body()), Vec::<String>::new());
}

#[test]
fn synchdr_status_not_first() {
    let mut b = good_body();
    b.rotate_left(1);
    assert!(broken_by(b).contains(&req::SYNCHDR_STATUS_FIRST.to_string()));
}

#[test]
fn wrong_msgref() {
    let b: Vec<String> = good_body()
        .into_iter()
        .map(|s| s.replacen("<MsgRef>1</MsgRef>", "<MsgRef>7</MsgRef>", 1))
        .collect();
    assert!(broken_by(b).contains(&req::MSGREF.to_string()));
}

#[test]
fn status_cmd_outside_the_command_names() {
    let mut b = good_body();
    b[1] = status(2, "2", "add", 200);
    assert!(broken_by(b).contains(&req::STATUS_CMD_VALUES.to_string()));
    let mut b = good_body();
    b[0] = status(1, "0", "Add", 200);
    assert!(broken_by(b).contains(&req::STATUS_CMD_VALUES.to_string()));
    let mut b = good_body();
    b.push(status(7, "2", "SyncHdr", 200));
    assert!(broken_by(b).contains(&req::STATUS_CMD_VALUES.to_string()));
}

#[test]
fn status_cmd_may_name_an_unknown_element_or_a_command_numbered_0() {
    let mut b = good_body();
    b.push(status(7, "6", "Foo", 400));
    b.push(status(8, "0", "Get", 400));
    let r = received(&reply(&b, true), crate::wire::CONTENT_TYPE_XML);
    assert_eq!(check_status_cmd_values(&sent(), &[&r]).len(), 2);
    let with_both = SENT.replace(
        "<Final/>",
        "<Foo><CmdID>6</CmdID></Foo><Get><CmdID>0</CmdID></Get><Final/>",
    );
    assert_eq!(
        check_status_cmd_values(&sent_from(&with_both), &[&r]),
        Vec::new()
    );
}

#[test]
fn missing_and_doubled_status() {
    let mut b = good_body();
    b.remove(1);
    assert_eq!(broken_by(b), vec![req::STATUS_PER_COMMAND.to_string()]);
    let mut b = good_body();
    b.insert(2, status(9, "2", "Add", 200));
    assert!(broken_by(b).contains(&req::STATUS_PER_COMMAND.to_string()));
}

#[test]
fn statuses_out_of_order() {
    let mut b = good_body();
    b.swap(1, 2);
    assert!(broken_by(b).contains(&req::STATUS_ORDER.to_string()));
}

#[test]
fn results_before_status_and_missing_results() {
    let mut b = good_body();
    b.swap(2, 3);
    assert!(broken_by(b).contains(&req::RESULTS_AFTER_STATUS.to_string()));
    let mut b = good_body();
    b.remove(3);
    assert_eq!(broken_by(b), vec![req::RESULTS_FOR_GET.to_string()]);
}

#[test]
fn a_dm_112_message_may_be_answered_in_either_version_but_not_mixed() {
    let good = reply(&good_body(), true);
    let in_112 = good
        .replace("<VerDTD>1.2", "<VerDTD>1.1")
        .replace("DM/1.2", "DM/1.1");
    let mixed = good.replace("DM/1.2", "DM/1.1");
    let versions = |xml: &str, answering_dm_112: bool| {
        let mut facts = SessionFacts {
            answering_dm_112,
            ..SessionFacts::default()
        };
        let r = received(xml, crate::wire::CONTENT_TYPE_XML);
        let mut ids: Vec<String> = check_client_message(&r, Encoding::Xml, &mut facts)
            .into_iter()
            .filter_map(|f| f.requirement)
            .filter(|id| id == req::VERDTD || id == req::VERPROTO)
            .collect();
        ids.sort();
        ids
    };
    assert!(versions(&good, true).is_empty());
    assert!(versions(&in_112, true).is_empty());
    assert_eq!(versions(&mixed, true), [req::VERPROTO]);
    assert_eq!(versions(&in_112, false), [req::VERDTD, req::VERPROTO]);
    let sent_112 = SENT
        .replace("SYNCML1.2", "SYNCML1.1")
        .replace("<VerDTD>1.2", "<VerDTD>1.1");
    let root = syncml::xml::read(sent_112.as_bytes(), &syncml::Limits::default())
        .unwrap()
        .root;
    let (message, _) = Message::from_element(&root);
    assert!(is_dm_112(&Sent {
        root,
        message,
        exchange: 0
    }));
    assert!(!is_dm_112(&sent()));
}

#[test]
fn header_fields() {
    let good = reply(&good_body(), true);
    let ct = crate::wire::CONTENT_TYPE_XML;
    assert_eq!(
        broken(&good.replace("<VerDTD>1.2", "<VerDTD>1.1"), ct),
        vec![req::VERDTD.to_string()]
    );
    assert_eq!(
        broken(&good.replace("DM/1.2", "DM/1.1"), ct),
        vec![req::VERPROTO.to_string()]
    );
    assert_eq!(
        broken(&good.replace("<SessionID>1", "<SessionID>2"), ct),
        vec![req::SESSIONID.to_string()]
    );
    assert_eq!(
        broken(&good.replace("<MsgID>2", "<MsgID>1"), ct),
        vec![req::MSGID.to_string()]
    );
    assert_eq!(
        broken(&good, "text/xml"),
        vec![req::CONTENT_TYPE.to_string()]
    );
}

#[test]
fn no_msgid_follows_the_largest() {
    let r = received(
        &reply(&good_body(), true).replace("<MsgID>2", "<MsgID>18446744073709551615"),
        crate::wire::CONTENT_TYPE_XML,
    );
    let mut facts = SessionFacts {
        session_id: Some("1".into()),
        last_client_msg_id: Some(u64::MAX),
        ..SessionFacts::default()
    };
    let f = check_message(&r, Encoding::Xml, &mut facts);
    assert!(
        f.iter()
            .any(|f| f.requirement.as_deref() == Some(req::MSGID)),
        "{f:#?}"
    );
}

#[test]
fn long_sessionid_and_results_without_source() {
    let good = reply(&good_body(), true);
    let ct = crate::wire::CONTENT_TYPE_XML;
    let long = good.replace("<SessionID>1", "<SessionID>123456");
    let ids = broken(&long, ct);
    assert!(ids.contains(&req::SESSIONID_LENGTH.to_string()), "{ids:?}");
    let no_source = good.replace("<Source><LocURI>./a</LocURI></Source>", "");
    assert_eq!(
        broken(&no_source, ct),
        vec![req::RESULTS_SOURCE.to_string()]
    );
}

#[test]
fn cmdid_rules() {
    let mut b = good_body();
    b[1] = b[1].replacen("<CmdID>2</CmdID>", "<CmdID>1</CmdID>", 1);
    assert_eq!(broken_by(b), vec![req::CMDID.to_string()]);
    let mut b = good_body();
    b[1] = b[1].replacen("<CmdID>2</CmdID>", "<CmdID>0</CmdID>", 1);
    assert_eq!(broken_by(b), vec![req::CMDID.to_string()]);
}

#[test]
fn client_sends_a_server_command() {
    let mut b = good_body();
    b.push("<Add><CmdID>9</CmdID><Item><Target><LocURI>./x</LocURI></Target></Item></Add>".into());
    assert_eq!(broken_by(b), vec![req::CLIENT_COMMANDS.to_string()]);
}

#[test]
fn client_replace_only_of_devinfo() {
    let replace = |uri: &str| {
        format!(
            "<Replace><CmdID>9</CmdID><Item><Source><LocURI>{uri}</LocURI></Source><Data>x</Data></Item></Replace>"
        )
    };
    let mut b = good_body();
    b.push(replace("./DevInfo/Lang"));
    assert_eq!(broken_by(b), Vec::<String>::new());
    let mut b = good_body();
    b.push(replace("./DevInfoX/Lang"));
    assert_eq!(broken_by(b), vec![req::CLIENT_COMMANDS.to_string()]);
}

#[test]
fn final_before_the_server_is_done() {
    let mut s = sent();
    s.message.body.as_mut().unwrap().final_ = false;
    let r = received(&reply(&good_body(), true), crate::wire::CONTENT_TYPE_XML);
    let ids: Vec<_> = check_step(&s, &[&r])
        .into_iter()
        .filter_map(|f| f.requirement)
        .collect();
    assert_eq!(ids, vec![req::FINAL.to_string()]);
}

#[test]
fn large_object_chunk_inside_atomic_or_sequence() {
    let chunk = "<Replace><CmdID>8</CmdID><Item><Target><LocURI>./a</LocURI></Target>\
<Data>01</Data><MoreData/></Item></Replace>";
    let broken_message = |commands: &str| {
        let xml = reply(
            &[status(1, "0", "SyncHdr", 200), commands.to_string()],
            true,
        );
        let r = received(&xml, crate::wire::CONTENT_TYPE_XML);
        let mut facts = SessionFacts {
            session_id: Some("1".into()),
            last_client_msg_id: Some(1),
            ..SessionFacts::default()
        };
        let ids: Vec<String> = check_message(&r, Encoding::Xml, &mut facts)
            .into_iter()
            .filter_map(|f| f.requirement)
            .collect();
        ids
    };
    let one_message = vec![req::COMMAND_IN_ONE_MESSAGE.to_string()];
    for held in [
        format!("<Atomic><CmdID>7</CmdID>{chunk}</Atomic>"),
        format!("<Sequence><CmdID>7</CmdID>{chunk}</Sequence>"),
        format!("<Sequence><CmdID>7</CmdID><Atomic><CmdID>9</CmdID>{chunk}</Atomic></Sequence>"),
    ] {
        assert_eq!(broken_message(&held), one_message, "{held}");
    }
    // Chunked on its own, the value is a large object as DM Protocol allows.
    assert_eq!(broken_message(chunk), Vec::<String>::new());
    let whole = chunk.replace("<MoreData/>", "");
    assert_eq!(
        broken_message(&format!("<Atomic><CmdID>7</CmdID>{whole}</Atomic>")),
        Vec::<String>::new()
    );
}

#[test]
fn synchdr_status_only_message() {
    let r = received(
        &reply(&[status(1, "0", "SyncHdr", 200)], true),
        crate::wire::CONTENT_TYPE_XML,
    );
    let mut facts = SessionFacts {
        last_client_msg_id: Some(1),
        ..SessionFacts::default()
    };
    let ids: Vec<_> = check_client_message(&r, Encoding::Xml, &mut facts)
        .into_iter()
        .filter_map(|f| f.requirement)
        .collect();
    assert_eq!(ids, vec![req::NO_EMPTY_MESSAGE.to_string()]);
}

/// The findings of one reply to [`SENT`], with the facts of a client whose last MsgID was 1.
fn findings_of(xml: &str) -> Vec<Finding> {
    let r = received(xml, crate::wire::CONTENT_TYPE_XML);
    let mut facts = SessionFacts {
        session_id: Some("1".into()),
        last_client_msg_id: Some(1),
        ..SessionFacts::default()
    };
    let mut f = check_client_message(&r, Encoding::Xml, &mut facts);
    f.extend(check_step(&sent(), &[&r]));
    f
}

#[test]
fn a_client_msgid_may_skip_numbers_a_server_one_may_not() {
    // MS-MDM: "monotonically increasing"; a stack counting 1, 3, 5 conforms.
    let skipping = reply(&good_body(), true).replace("<MsgID>2", "<MsgID>3");
    assert_eq!(
        broken(&skipping, crate::wire::CONTENT_TYPE_XML),
        Vec::<String>::new()
    );
    let r = received(&skipping, crate::wire::CONTENT_TYPE_XML);
    let mut server = SessionFacts {
        session_id: Some("1".into()),
        last_client_msg_id: Some(1),
        target_is_server: true,
        ..SessionFacts::default()
    };
    let ids: Vec<_> = check_message(&r, Encoding::Xml, &mut server)
        .into_iter()
        .filter_map(|f| f.requirement)
        .collect();
    assert_eq!(ids, vec![req::MSGID_SERVER.to_string()]);
    // The first message of a session is MsgID 1, whoever sends it.
    let mut first = SessionFacts::default();
    let ids: Vec<_> = check_message(&r, Encoding::Xml, &mut first)
        .into_iter()
        .filter_map(|f| f.requirement)
        .collect();
    assert_eq!(ids, vec![req::MSGID.to_string()]);
}

#[test]
fn a_decimal_sessionid_past_9999_is_non_strict_any_other_long_one_fails() {
    let good = reply(&good_body(), true);
    let severity = |id: &str| {
        let r = received(
            &good.replace("<SessionID>1", &format!("<SessionID>{id}")),
            crate::wire::CONTENT_TYPE_XML,
        );
        let mut facts = SessionFacts::default();
        check_client_message(&r, Encoding::Xml, &mut facts)
            .into_iter()
            .find(|f| f.requirement.as_deref() == Some(req::SESSIONID_LENGTH))
            .map(|f| f.severity)
    };
    assert_eq!(severity("10004"), Some(crate::verdict::Severity::NonStrict));
    assert_eq!(severity("1A2B3"), Some(crate::verdict::Severity::Fail));
    assert_eq!(severity("1A2B"), None);
    assert_eq!(severity("9999"), None);
}

#[test]
fn a_missing_status_inside_a_container_cites_the_container_rule() {
    let mut b = good_body();
    b.remove(5);
    assert_eq!(
        broken_by(b),
        vec![req::STATUS_PER_CONTAINED_COMMAND.to_string()]
    );
}

#[test]
fn a_wrong_cmdref_names_the_status_that_came_instead() {
    let mut b = good_body();
    b[1] = status(2, "7", "Add", 200);
    let f = findings_of(&reply(&b, true));
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].requirement.as_deref(), Some(req::CMDREF));
    assert_eq!(f[0].actual, "a Status with CmdRef \"7\" came for Add 2");
}

#[test]
fn a_status_for_no_command_or_of_another_cmd_is_reported() {
    let mut b = good_body();
    b.push(status(7, "9", "Get", 200));
    let f = findings_of(&reply(&b, true));
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].requirement.as_deref(), Some(req::CMDREF));
    assert!(
        f[0].actual.contains("for no command of message 1"),
        "{f:#?}"
    );
    let mut b = good_body();
    b[1] = status(2, "2", "Get", 200);
    let f = findings_of(&reply(&b, true));
    let actual: Vec<_> = f.iter().map(|f| f.actual.as_str()).collect();
    assert!(
        actual
            .iter()
            .any(|a| a.ends_with("for Add 2: its Cmd names another command")),
        "{f:#?}"
    );
    // A Status with a blank CmdRef answers a command the server sent without CmdID.
    let unnumbered = SENT.replace(
        "<Final/>",
        "<Get><Item><Target><LocURI>./b</LocURI></Target></Item></Get><Final/>",
    );
    let mut b = good_body();
    b.push(status(7, "", "Get", 400));
    let r = received(&reply(&b, true), crate::wire::CONTENT_TYPE_XML);
    assert_eq!(check_step(&sent_from(&unnumbered), &[&r]), Vec::new());
}

#[test]
fn a_status_code_is_a_syncml_code() {
    let mut b = good_body();
    b[1] = status(2, "2", "Add", 0);
    assert_eq!(broken_by(b), vec![req::STATUS_CODE.to_string()]);
    let mut b = good_body();
    b[0] = status(1, "0", "SyncHdr", 0);
    assert_eq!(broken_by(b), vec![req::STATUS_CODE.to_string()]);
    // Codes outside the Windows table but in the SyncML one are codes all the same.
    let mut b = good_body();
    b[1] = status(2, "2", "Add", 213);
    b[4] = status(5, "4", "Atomic", 517);
    assert_eq!(broken_by(b), Vec::<String>::new());
}

#[test]
fn results_carry_the_msgref_of_the_message_answered() {
    let mut b = good_body();
    b[3] = results(4).replace("<MsgRef>1</MsgRef>", "<MsgRef>5</MsgRef>");
    assert_eq!(broken_by(b), vec![req::MSGREF.to_string()]);
    // Without MsgRef a Results counts as answering message 1 (MS-MDM 2.2.7.8).
    let mut b = good_body();
    b[3] = results(4).replace("<MsgRef>1</MsgRef>", "");
    assert_eq!(broken_by(b), Vec::<String>::new());
}

#[test]
fn the_structure_of_a_message() {
    let good = reply(&good_body(), true);
    let ct = crate::wire::CONTENT_TYPE_XML;
    assert_eq!(
        broken(&good.replace(" xmlns='SYNCML:SYNCML1.2'", ""), ct),
        vec![req::NAMESPACE.to_string()]
    );
    let mut b = good_body();
    b[1] = b[1].replace(
        "<CmdRef>2</CmdRef><Cmd>Add</Cmd>",
        "<Cmd>Add</Cmd><CmdRef>2</CmdRef>",
    );
    assert_eq!(broken_by(b), vec![req::ELEMENT_ORDER.to_string()]);
    let mut b = good_body();
    b[3] = results(4).replace(
        "<Data>1</Data></Item>",
        "<Data>1</Data><Meta><Format xmlns='syncml:metinf'>chr</Format></Meta></Item>",
    );
    assert_eq!(broken_by(b), vec![req::DATA_LAST.to_string()]);
    let mut b = good_body();
    b.push(
        "<Alert><CmdID>7</CmdID><Cred><Data>eA==</Data></Cred><Data>1226</Data>\
<Item><Meta><Type xmlns='syncml:metinf'>a.b:c</Type><Format xmlns='syncml:metinf'>chr</Format></Meta><Data>x</Data></Item></Alert>"
            .into(),
    );
    assert_eq!(broken_by(b), vec![req::CRED_SYNCHDR_ONLY.to_string()]);
}

#[test]
fn the_other_allowed_structures_pass() {
    // MS-MDM's own Status order: Data, then TargetRef and SourceRef.
    let mut b = good_body();
    b[0] = "<Status><CmdID>1</CmdID><MsgRef>1</MsgRef><CmdRef>0</CmdRef><Cmd>SyncHdr</Cmd>\
<Data>200</Data><TargetRef>dev</TargetRef><SourceRef>srv</SourceRef></Status>"
        .into();
    assert_eq!(broken_by(b), Vec::<String>::new());
    // A chunk: MoreData after Data.
    let mut b = good_body();
    b[3] = results(4).replace("<Data>1</Data></Item>", "<Data>1</Data><MoreData/></Item>");
    let ids = broken_by(b);
    assert!(
        !ids.contains(&req::DATA_LAST.to_string())
            && !ids.contains(&req::ELEMENT_ORDER.to_string()),
        "{ids:?}"
    );
    // A DM 1.1.2 answer to a DM 1.1.2 message.
    let in_112 = reply(&good_body(), true)
        .replace("SYNCML1.2", "SYNCML1.1")
        .replace("<VerDTD>1.2", "<VerDTD>1.1")
        .replace("DM/1.2", "DM/1.1");
    let r = received(&in_112, crate::wire::CONTENT_TYPE_XML);
    let mut facts = SessionFacts {
        session_id: Some("1".into()),
        last_client_msg_id: Some(1),
        answering_dm_112: true,
        ..SessionFacts::default()
    };
    assert_eq!(
        check_client_message(&r, Encoding::Xml, &mut facts),
        Vec::new()
    );
}

#[test]
fn a_reply_larger_than_max_msg_size_is_non_strict() {
    let with_max = |n: usize| {
        sent_from(&SENT.replace(
            "</Source></SyncHdr>",
            &format!(
                "</Source><Meta><MaxMsgSize xmlns='syncml:metinf'>{n}</MaxMsgSize></Meta></SyncHdr>"
            ),
        ))
    };
    let xml = reply(&good_body(), true);
    let r = received(&xml, crate::wire::CONTENT_TYPE_XML);
    let f = check_step(&with_max(xml.len() - 1), &[&r]);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].requirement.as_deref(), Some(req::MAX_MSG_SIZE));
    assert_eq!(f[0].severity, crate::verdict::Severity::NonStrict);
    assert_eq!(check_step(&with_max(xml.len()), &[&r]), Vec::new());
}

#[test]
fn a_target_claiming_only_oma_dm_gets_the_oma_wording_where_there_is_one() {
    let mut b = good_body();
    b[1] = status(2, "2", "Add", 0);
    b.push("<Add><CmdID>0</CmdID><Item><Target><LocURI>./x</LocURI></Target></Item></Add>".into());
    let mut f = findings_of(&reply(&b, true));
    let windows = f.clone();
    cite_for_profiles(&mut f, &["oma-dm-1.2".to_string()]);
    assert_eq!(f.len(), windows.len(), "no finding is dropped");
    let mut empty = vec![super::finding::finding(
        req::NO_EMPTY_MESSAGE,
        "no client message holding only a successful Status for the SyncHdr",
        "no message",
        "a message with only the SyncHdr Status",
        1,
    )];
    cite_for_profiles(&mut empty, &["oma-dm-1.2".to_string()]);
    assert_eq!(
        empty[0].requirement.as_deref(),
        Some("oma.session.status-only-not-sent")
    );
    let mut kept = windows.clone();
    cite_for_profiles(
        &mut kept,
        &["windows".to_string(), "oma-dm-1.2".to_string()],
    );
    assert_eq!(kept, windows);
}

/// A Status of `status(…)` with these refs put after its Data.
fn status_with_refs(id: u32, cmd_ref: &str, cmd: &str, refs: &str) -> String {
    status(id, cmd_ref, cmd, 200).replace("</Status>", &format!("{refs}</Status>"))
}

#[test]
fn status_refs_naming_another_address_break_the_refs_rule() {
    let mut b = good_body();
    b[1] = status_with_refs(2, "2", "Add", "<TargetRef>./b</TargetRef>");
    assert!(broken_by(b).contains(&req::STATUS_REFS.to_string()));
    // An Add has no Item Source: a SourceRef names nothing of it.
    let mut b = good_body();
    b[1] = status_with_refs(2, "2", "Add", "<SourceRef>./a</SourceRef>");
    assert!(broken_by(b).contains(&req::STATUS_REFS.to_string()));
    // The SyncHdr Status's refs are the SyncHdr's Target and Source, not swapped.
    let mut b = good_body();
    b[0] = status_with_refs(
        1,
        "0",
        "SyncHdr",
        "<TargetRef>srv</TargetRef><SourceRef>dev</SourceRef>",
    );
    assert!(broken_by(b).contains(&req::STATUS_REFS.to_string()));
}

#[test]
fn status_refs_copied_from_the_command_or_left_out_pass() {
    // Left out (the good body), copied as sent, or without the leading "./":
    // each is a choice a conforming stack may make.
    for refs in [
        "<TargetRef>./a</TargetRef>",
        "<TargetRef>a</TargetRef>",
        "<TargetRef> ./a </TargetRef>",
    ] {
        let mut b = good_body();
        b[1] = status_with_refs(2, "2", "Add", refs);
        b[5] = status_with_refs(6, "5", "Replace", refs);
        assert_eq!(broken_by(b), Vec::<String>::new(), "{refs}");
    }
    let mut b = good_body();
    b[0] = status_with_refs(
        1,
        "0",
        "SyncHdr",
        "<TargetRef>dev</TargetRef><SourceRef>srv</SourceRef>",
    );
    assert_eq!(broken_by(b), Vec::<String>::new());
}
