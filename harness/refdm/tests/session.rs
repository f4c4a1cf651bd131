//! Session rules at the Message level: package 1, numbering, packages, abort, MaxMsgSize,
//! large objects, authentication, and the faults that bend them.

mod common;

use common::*;
use refdm::auth;
use refdm::wire_size::message_len;
use refdm::{
    AuthScheme, Client, ClientConfig, Fault, Faults, GenericAlert, ServerAuth, SessionIdFormat,
    paths,
};
use syncml::{BodyNode, Chal, Command, CommandKind, Cred, Data, Item, Meta, MetaValue};

const S: &str = paths::SCRATCH;

fn at(name: &str) -> String {
    format!("{S}/{name}")
}

#[test]
fn package1_announces_the_session() {
    let r = Run::new();
    let m = &r.pkg1;
    let hdr = m.hdr.as_ref().unwrap();
    assert_eq!(hdr.msg_id.as_deref(), Some("1"));
    assert_eq!(hdr.session_id.as_deref(), Some("1"));
    assert_eq!(hdr.ver_dtd.as_deref(), Some("1.2"));
    assert_eq!(hdr.ver_proto.as_deref(), Some("DM/1.2"));
    assert_eq!(
        hdr.source.as_ref().unwrap().loc_uri.as_deref(),
        Some(r.client.config().device_id.as_str())
    );
    assert!(hdr.cred.is_none());
    assert_eq!(alerts(m), [1201, 1224]);
    let login = m.commands().nth(1).unwrap();
    let meta = login.items[0].meta.as_ref().unwrap();
    assert_eq!(meta.type_.as_deref(), Some("com.microsoft/MDM/LoginStatus"));
    assert_eq!(meta.format.as_deref(), Some("chr"));
    assert_eq!(login.items[0].data.as_ref().unwrap().as_text(), "user");
    let replace = m.commands().nth(2).unwrap();
    assert_eq!(replace.kind, CommandKind::Replace);
    let sources: Vec<_> = replace.items.iter().filter_map(Item::source_uri).collect();
    assert_eq!(sources, paths::DEVINFO_LEAVES);
    let ids: Vec<_> = m.commands().map(|c| c.cmd_id.clone().unwrap()).collect();
    assert_eq!(ids, ["1", "2", "3"]);
    assert!(m.is_final());
}

#[test]
fn replies_open_with_the_synchdr_status_and_follow_the_request() {
    let mut r = Run::new();
    let reply = r.send(vec![get("5", "./DevInfo/Lang"), add("7", &at("a"), "1")]);
    let st = statuses(&reply);
    assert_eq!(st[0], ("0".into(), "SyncHdr".into(), 200));
    assert_eq!(st[1], ("5".into(), "Get".into(), 200));
    assert_eq!(st[2], ("7".into(), "Add".into(), 200));
    assert!(reply.commands().next().unwrap().kind == CommandKind::Status);
    for c in reply.commands() {
        assert_eq!(c.msg_ref.as_deref(), Some("1"));
    }
    let hdr = reply.hdr.as_ref().unwrap();
    assert_eq!(hdr.msg_id.as_deref(), Some("2"));
    assert_eq!(hdr.session_id.as_deref(), Some("1"));
    assert!(reply.is_final());
    let second = r.send(vec![get("2", "./DevInfo/Lang")]);
    assert_eq!(second.msg_id(), Some("3"));
    assert_eq!(statuses(&second)[0].2, 200);
    assert_eq!(
        second.commands().next().unwrap().msg_ref.as_deref(),
        Some("2")
    );
}

#[test]
fn session_ends_when_the_server_has_nothing_more() {
    let mut r = Run::new();
    r.send(vec![get("2", "./DevInfo/Lang")]);
    let done = r.message(vec![], true);
    assert_eq!(r.deliver(&done), None);
    assert!(!r.client.in_session());
    assert_eq!(r.client.handle(&done), None);
}

#[test]
fn a_package_that_is_not_final_gets_alert_1222_and_no_final() {
    let mut r = Run::new();
    let m = r.message(vec![BodyNode::Command(add("2", &at("a"), "1"))], false);
    let reply = r.deliver(&m).unwrap();
    assert_eq!(alerts(&reply), [1222]);
    assert!(!reply.is_final());
    let last = r.send(vec![add("2", &at("b"), "1")]);
    assert!(alerts(&last).is_empty());
    assert!(last.is_final());
}

#[test]
fn server_alert_1222_is_answered_200() {
    let mut r = Run::new();
    let reply = r.send(vec![Command::alert("2", 1222)]);
    assert_eq!(statuses(&reply)[1], ("2".into(), "Alert".into(), 200));
    let reply = r.send(vec![Command::alert("2", 1100)]);
    assert_eq!(codes(&reply), [406]);
}

#[test]
fn session_abort_is_not_answered() {
    let mut r = Run::new();
    let m = r.message(
        vec![
            BodyNode::Command(Command::alert("2", 1223)),
            BodyNode::Command(add("3", &at("a"), "1")),
        ],
        true,
    );
    assert_eq!(r.deliver(&m), None);
    assert!(!r.client.in_session() && !r.exists(&at("a")));
}

#[test]
fn fault_abort_answered() {
    let mut r = Run::fault(Fault::AbortAnswered);
    let m = r.message(vec![BodyNode::Command(Command::alert("2", 1223))], true);
    let reply = r.deliver(&m).unwrap();
    assert_eq!(statuses(&reply)[1], ("2".into(), "Alert".into(), 200));
}

#[test]
fn synchdr_meta_other_than_maxmsgsize_is_ignored() {
    let mut plain = Run::new();
    let mut with_meta = Run::new();
    let m1 = plain.message(vec![BodyNode::Command(get("2", "./DevInfo/Lang"))], true);
    let mut m2 = m1.clone();
    let mut meta = Meta::format("b64").with_type("application/x-odd");
    meta.max_obj_size = Some("10".into());
    m2.hdr.as_mut().unwrap().meta = Some(meta);
    assert_eq!(plain.deliver(&m1), with_meta.deliver(&m2));
}

fn many_gets(n: usize) -> Vec<Command> {
    (0..n)
        .map(|i| get(&(i + 2).to_string(), "./DevDetail/SwV"))
        .collect()
}

/// Drives a session whose replies are bounded, answering with Next Message requests;
/// returns every client message.
fn drain(r: &mut Run, first: syncml::Message) -> Vec<syncml::Message> {
    let mut out = vec![r.deliver(&first).unwrap()];
    while !out.last().unwrap().is_final() {
        assert!(out.len() < 50, "no progress");
        let next = r.message(vec![BodyNode::Command(Command::alert("2", 1222))], false);
        out.push(r.deliver(&next).unwrap());
    }
    out
}

#[test]
fn replies_honour_the_server_maxmsgsize() {
    let mut r = Run::new();
    let mut m = r.message(
        many_gets(12).into_iter().map(BodyNode::Command).collect(),
        true,
    );
    m.hdr.as_mut().unwrap().meta = Some(Meta {
        max_msg_size: Some("1200".into()),
        ..Meta::default()
    });
    let msgs = drain(&mut r, m);
    assert!(msgs.len() > 2, "{} messages", msgs.len());
    for m in &msgs {
        assert!(message_len(m) <= 1200, "{} bytes", message_len(m));
        assert_eq!(statuses(m)[0].1, "SyncHdr");
    }
    let get_statuses: Vec<String> = msgs
        .iter()
        .flat_map(statuses)
        .filter(|(_, cmd, _)| cmd == "Get")
        .map(|(r, _, _)| r)
        .collect();
    let expected: Vec<String> = (2..14).map(|i| i.to_string()).collect();
    assert_eq!(get_statuses, expected);
    let results: usize = msgs.iter().map(|m| results(m).len()).sum();
    assert_eq!(results, 12);
}

#[test]
fn fault_maxmsgsize_ignored() {
    let mut r = Run::with(
        ClientConfig {
            max_msg_size: Some(1200),
            ..ClientConfig::default()
        },
        Faults::from(Fault::MaxMsgSizeIgnored),
    );
    let reply = r.send(many_gets(12));
    assert!(message_len(&reply) > 1200);
    assert!(reply.is_final());
}

#[test]
fn large_results_go_out_in_chunks() {
    let value: String = (0..3000)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    let mut r = Run::with(
        ClientConfig {
            max_msg_size: Some(1000),
            ..ClientConfig::default()
        },
        Faults::none(),
    );
    r.send(vec![add("2", &at("big"), &value)]);
    let m = r.message(vec![BodyNode::Command(get("2", &at("big")))], true);
    let msgs = drain(&mut r, m);
    let chunks: Vec<&Item> = msgs
        .iter()
        .flat_map(|m| results(m))
        .flat_map(|c| c.items.iter())
        .collect();
    assert!(chunks.len() >= 3);
    let first_meta = chunks[0].meta.as_ref().unwrap();
    assert_eq!(first_meta.size.as_deref(), Some("3000"));
    assert!(chunks[1].meta.as_ref().unwrap().size.is_none());
    let (last, rest) = chunks.split_last().unwrap();
    assert!(rest.iter().all(|c| c.more_data) && !last.more_data);
    let joined: String = chunks
        .iter()
        .map(|c| c.data.as_ref().unwrap().as_text())
        .collect();
    assert_eq!(joined, value);
    for m in &msgs {
        assert!(message_len(m) <= 1000);
    }
}

fn chunk(id: &str, uri: &str, data: &str, more: bool, size: Option<usize>) -> Command {
    let mut item = Item::target(uri).with_data(data);
    item.more_data = more;
    if let Some(s) = size {
        item.meta = Some(Meta {
            size: Some(s.to_string()),
            ..Meta::default()
        });
    }
    Command::new(CommandKind::Add, id).with_item(item)
}

/// Sends a chunked Add of `parts` (declared size `size`); returns the codes per message
/// and the alerts of the last reply.
fn send_chunks(r: &mut Run, parts: &[&str], size: usize) -> Vec<Vec<u16>> {
    let mut out = Vec::new();
    for (i, p) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let c = chunk("2", &at("lob"), p, !last, (i == 0).then_some(size));
        let m = r.message(vec![BodyNode::Command(c)], last);
        let reply = r.deliver(&m).unwrap();
        if !last {
            assert_eq!(alerts(&reply), [1222]);
            assert!(!reply.is_final());
        }
        out.push(codes(&reply));
    }
    out
}

#[test]
fn large_objects_arrive_in_chunks() {
    let mut r = Run::new();
    assert_eq!(
        send_chunks(&mut r, &["abc", "def", "gh"], 8),
        [vec![213], vec![213], vec![200]]
    );
    assert_eq!(r.value(&at("lob")).as_deref(), Some("abcdefgh"));
}

#[test]
fn large_object_size_mismatch_is_424() {
    let mut r = Run::new();
    assert_eq!(
        send_chunks(&mut r, &["abc", "de"], 8),
        [vec![213], vec![424]]
    );
    assert!(!r.exists(&at("lob")));
}

#[test]
fn fault_lob_size_unchecked() {
    let mut r = Run::fault(Fault::LobSizeUnchecked);
    assert_eq!(
        send_chunks(&mut r, &["abc", "de"], 8),
        [vec![213], vec![200]]
    );
    assert_eq!(r.value(&at("lob")).as_deref(), Some("abcde"));
}

#[test]
fn fault_lob_no_213() {
    let mut r = Run::fault(Fault::LobNo213);
    assert_eq!(
        send_chunks(&mut r, &["abc", "de"], 5),
        [vec![200], vec![200]]
    );
}

#[test]
fn an_interrupted_large_object_gets_alert_1225() {
    let mut r = Run::new();
    let first = chunk("2", &at("lob"), "abc", true, Some(6));
    let m = r.message(vec![BodyNode::Command(first)], false);
    r.deliver(&m).unwrap();
    let reply = r.send(vec![get("2", "./DevInfo/Lang")]);
    assert_eq!(alerts(&reply), [1225]);
    let alert = reply
        .commands()
        .find(|c| c.kind == CommandKind::Alert)
        .unwrap();
    assert_eq!(alert.items[0].source_uri(), Some(at("lob").as_str()));
    assert_eq!(codes(&reply), [200]);
    assert!(!r.exists(&at("lob")));
}

#[test]
fn fault_lob_no_1225() {
    let mut r = Run::fault(Fault::LobNo1225);
    let first = chunk("2", &at("lob"), "abc", true, Some(6));
    let m = r.message(vec![BodyNode::Command(first)], false);
    r.deliver(&m).unwrap();
    let reply = r.send(vec![get("2", "./DevInfo/Lang")]);
    assert!(alerts(&reply).is_empty());
}

#[test]
fn generic_alerts_go_out_in_the_next_package1() {
    let mut c = Client::new(ClientConfig::default(), Faults::none());
    c.queue_generic_alert(GenericAlert {
        type_: "com.microsoft:mdm.unenrollment.userrequest".into(),
        format: "int".into(),
        mark: Some("critical".into()),
        source: None,
        data: "1".into(),
    });
    let pkg1 = c.open_session();
    assert_eq!(alerts(&pkg1), [1201, 1224, 1226]);
    let ga = pkg1.commands().nth(2).unwrap();
    let meta = ga.items[0].meta.as_ref().unwrap();
    assert_eq!(
        meta.type_.as_deref(),
        Some("com.microsoft:mdm.unenrollment.userrequest")
    );
    assert_eq!(meta.mark.as_deref(), Some("critical"));
    assert_eq!(alerts(&c.open_session()), [1201, 1224]);
}

fn exec_async(r: &mut Run, data: &str) -> Vec<u16> {
    codes(&r.send(vec![exec("2", paths::EXEC_ASYNC, data)]))
}

#[test]
fn an_asynchronous_exec_is_accepted_and_reported_in_the_next_session() {
    let mut r = Run::new();
    assert_eq!(exec_async(&mut r, "done"), [202]);
    let pkg1 = r.client.open_session();
    assert_eq!(alerts(&pkg1), [1201, 1224, 1226]);
    let item = &pkg1.commands().nth(2).unwrap().items[0];
    assert_eq!(item.source_uri(), Some(paths::EXEC_ASYNC));
    let meta = item.meta.as_ref().unwrap();
    assert_eq!(meta.type_.as_deref(), Some(paths::ASYNC_RESULT_TYPE));
    assert_eq!(meta.format.as_deref(), Some("chr"));
    assert_eq!(item.data.as_ref().unwrap().as_text(), "done");
}

#[test]
fn fault_no_generic_alert() {
    let mut r = Run::fault(Fault::NoGenericAlert);
    assert_eq!(exec_async(&mut r, "done"), [202]);
    assert_eq!(alerts(&r.client.open_session()), [1201, 1224]);
}

#[test]
fn session_ids_count_up_and_follow_the_configured_format() {
    let cfg = |format, first| ClientConfig {
        session_id_format: format,
        first_session_id: first,
        ..ClientConfig::default()
    };
    let sid = |c: &mut Client| c.open_session().hdr.unwrap().session_id.unwrap();
    let mut dec = Client::new(cfg(SessionIdFormat::Decimal, 0x1A2B), Faults::none());
    assert_eq!(sid(&mut dec), "6699");
    assert_eq!(sid(&mut dec), "6700");
    let mut hex = Client::new(cfg(SessionIdFormat::Hex, 0x1A2B), Faults::none());
    assert_eq!(sid(&mut hex), "1A2B");
    // At most 4 bytes in decimal too (MS-MDM 2.2.3.8): after 9999 the text starts at 1 again.
    let mut wrap = Client::new(cfg(SessionIdFormat::Decimal, 9999), Faults::none());
    assert_eq!(sid(&mut wrap), "9999");
    assert_eq!(sid(&mut wrap), "1");
    let mut past = Client::new(cfg(SessionIdFormat::Decimal, 10004), Faults::none());
    assert_eq!(sid(&mut past), "5");
    let mut top = Client::new(cfg(SessionIdFormat::Hex, u16::MAX), Faults::none());
    assert_eq!(sid(&mut top), "FFFF");
    assert_eq!(sid(&mut top), "1");
}

#[test]
fn sync_application_version_picks_the_sessionid_form_and_the_msft_namespace() {
    let mut r = Run::with(
        ClientConfig {
            first_session_id: 10,
            ..ClientConfig::default()
        },
        Faults::none(),
    );
    assert_eq!(
        r.pkg1.hdr.as_ref().unwrap().session_id.as_deref(),
        Some("10")
    );
    assert!(r.pkg1.body.as_ref().unwrap().attrs.is_empty());
    let node = paths::sync_application_version(&r.client.config().provider_id);
    assert_eq!(codes(&r.send(vec![replace("2", &node, "3.0")])), [200]);
    let next = r.client.open_session();
    assert_eq!(next.hdr.as_ref().unwrap().session_id.as_deref(), Some("B"));
    let attrs = &next.body.as_ref().unwrap().attrs;
    assert_eq!(attrs[0].name, "xmlns:msft");
}

fn with_auth(scheme: AuthScheme, faults: Faults) -> Run {
    Run::with(
        ClientConfig {
            auth_scheme: scheme,
            user: "Bruce2".into(),
            password: "OhBehave".into(),
            client_nonce: b"Nonce".to_vec(),
            ..ClientConfig::default()
        },
        faults,
    )
}

fn cred_data(m: &syncml::Message) -> Option<String> {
    Some(m.hdr.as_ref()?.cred.as_ref()?.data.as_ref()?.as_text())
}

/// A server message whose SyncHdr Status carries `code` and optionally a Chal.
fn answer_hdr(r: &mut Run, code: u16, chal: Option<Chal>, nodes: Vec<BodyNode>) -> syncml::Message {
    let mut m = r.message(nodes, true);
    let BodyNode::Command(s) = &mut m.body.as_mut().unwrap().nodes[0] else {
        unreachable!()
    };
    s.data = Some(Data::text(code.to_string()));
    s.chal = chal;
    m
}

fn md5_chal(nonce_b64: &str) -> Chal {
    let mut meta = Meta::format("b64").with_type(auth::TYPE_MD5);
    meta.next_nonce = Some(MetaValue::Text(nonce_b64.into()));
    Chal { meta: Some(meta) }
}

#[test]
fn basic_credentials_until_the_server_says_212() {
    let mut r = with_auth(AuthScheme::Basic, Faults::none());
    let cred = r.pkg1.hdr.as_ref().unwrap().cred.clone().unwrap();
    let meta = cred.meta.unwrap();
    assert_eq!(meta.type_.as_deref(), Some(auth::TYPE_BASIC));
    assert_eq!(meta.format.as_deref(), Some("b64"));
    assert_eq!(cred_data(&r.pkg1).as_deref(), Some("QnJ1Y2UyOk9oQmVoYXZl"));
    let m = answer_hdr(
        &mut r,
        200,
        None,
        vec![BodyNode::Command(get("2", "./DevInfo/Lang"))],
    );
    let reply = r.deliver(&m).unwrap();
    assert!(
        cred_data(&reply).is_some(),
        "200: the same credentials again"
    );
    let m = answer_hdr(
        &mut r,
        212,
        None,
        vec![BodyNode::Command(get("2", "./DevInfo/Lang"))],
    );
    let reply = r.deliver(&m).unwrap();
    assert!(
        cred_data(&reply).is_none(),
        "212: authenticated for the session"
    );
}

#[test]
fn fault_basic_wrong() {
    let r = with_auth(AuthScheme::Basic, Faults::from(Fault::BasicWrong));
    assert_eq!(cred_data(&r.pkg1).as_deref(), Some("Bruce2:OhBehave"));
}

#[test]
fn md5_challenge_sends_package1_again_with_the_new_nonce() {
    let mut r = with_auth(AuthScheme::Md5, Faults::none());
    let src = r.pkg1.hdr.as_ref().unwrap().source.clone().unwrap();
    assert_eq!(src.loc_name.as_deref(), Some("Bruce2"));
    assert_eq!(
        cred_data(&r.pkg1).as_deref(),
        Some("Zz6EivR3yeaaENcRN6lpAQ==")
    );
    // The server refuses and challenges with nonce "Nonce2" (Base64 on the wire).
    let m = answer_hdr(&mut r, 401, Some(md5_chal("Tm9uY2Uy")), vec![]);
    let again = r.deliver(&m).unwrap();
    assert_eq!(again.msg_id(), Some("2"));
    assert_eq!(statuses(&again), [("0".into(), "SyncHdr".into(), 200)]);
    assert_eq!(alerts(&again), [1201, 1224]);
    assert_eq!(
        cred_data(&again),
        Some(auth::md5_digest("Bruce2", "OhBehave", b"Nonce2"))
    );
    // Two more refusals end the session.
    let m = answer_hdr(&mut r, 401, Some(md5_chal("Tm9uY2Uy")), vec![]);
    assert!(r.deliver(&m).is_some());
    let m = answer_hdr(&mut r, 401, Some(md5_chal("Tm9uY2Uy")), vec![]);
    assert_eq!(r.deliver(&m), None);
}

#[test]
fn fault_nonce_not_decoded() {
    let mut r = with_auth(AuthScheme::Md5, Faults::from(Fault::NonceNotDecoded));
    let m = answer_hdr(&mut r, 407, Some(md5_chal("Tm9uY2U=")), vec![]);
    let again = r.deliver(&m).unwrap();
    assert_eq!(
        cred_data(&again).as_deref(),
        Some("CmO/kTaDnxgwUdBvdtRh4A==")
    );
}

#[test]
fn fault_md5_wrong() {
    let r = with_auth(AuthScheme::Md5, Faults::from(Fault::Md5Wrong));
    let data = cred_data(&r.pkg1).unwrap();
    assert_ne!(data, "Zz6EivR3yeaaENcRN6lpAQ==");
}

#[test]
fn hmac_uses_the_transport_header_not_cred() {
    let r = with_auth(AuthScheme::Hmac, Faults::none());
    assert!(r.pkg1.hdr.as_ref().unwrap().cred.is_none());
    assert_eq!(
        r.client.hmac_header(b"<SyncML/>").as_deref(),
        Some("algorithm=MD5, username=\"Bruce2\", mac=urdCeS3JUmjFgi8SX3webw==")
    );
    assert_eq!(Run::new().client.hmac_header(b"x"), None);
}

fn server_auth_run(faults: Faults) -> Run {
    Run::with(
        ClientConfig {
            server_auth: Some(ServerAuth {
                server_id: "srv".into(),
                password: "srvpw".into(),
                nonce: b"snonce".to_vec(),
            }),
            ..ClientConfig::default()
        },
        faults,
    )
}

fn server_cred(data: String) -> Cred {
    Cred {
        meta: Some(Meta::format("b64").with_type(auth::TYPE_MD5)),
        data: Some(Data::text(data)),
    }
}

#[test]
fn server_credentials_are_checked_and_challenged() {
    let mut r = server_auth_run(Faults::none());
    // Missing: 407 with a Chal, and the commands are not run.
    let m = r.message(vec![BodyNode::Command(add("2", &at("a"), "1"))], true);
    let reply = r.deliver(&m).unwrap();
    assert_eq!(statuses(&reply)[0].2, 407);
    assert_eq!(codes(&reply), [407]);
    assert!(!r.exists(&at("a")));
    let chal = reply.commands().next().unwrap().chal.clone().unwrap();
    let meta = chal.meta.unwrap();
    assert_eq!(meta.type_.as_deref(), Some(auth::TYPE_MD5));
    assert_eq!(meta.format.as_deref(), Some("b64"));
    let MetaValue::Text(nonce_b64) = meta.next_nonce.unwrap() else {
        panic!("text nonce")
    };
    use base64::Engine;
    let nonce = base64::engine::general_purpose::STANDARD
        .decode(nonce_b64)
        .unwrap();
    // Wrong: 401.
    let mut m = r.message(vec![BodyNode::Command(add("2", &at("a"), "1"))], true);
    m.hdr.as_mut().unwrap().cred = Some(server_cred(auth::md5_digest("srv", "bad", &nonce)));
    let reply = r.deliver(&m).unwrap();
    assert_eq!(statuses(&reply)[0].2, 401);
    let chal = reply.commands().next().unwrap().chal.clone().unwrap();
    let MetaValue::Text(nonce_b64) = chal.meta.unwrap().next_nonce.unwrap() else {
        panic!("text nonce")
    };
    let nonce = base64::engine::general_purpose::STANDARD
        .decode(nonce_b64)
        .unwrap();
    // Right, with the latest nonce: 212 and the commands run.
    let mut m = r.message(vec![BodyNode::Command(add("2", &at("a"), "1"))], true);
    m.hdr.as_mut().unwrap().cred = Some(server_cred(auth::md5_digest("srv", "srvpw", &nonce)));
    let reply = r.deliver(&m).unwrap();
    assert_eq!(statuses(&reply)[0].2, 212);
    assert_eq!(codes(&reply), [200]);
    assert!(r.exists(&at("a")));
    // Authenticated for the rest of the session.
    let reply = r.send(vec![get("2", "./DevInfo/Lang")]);
    assert_eq!(statuses(&reply)[0].2, 200);
}

#[test]
fn fault_server_cred_unchecked() {
    let mut r = server_auth_run(Faults::from(Fault::ServerCredUnchecked));
    let mut m = r.message(vec![BodyNode::Command(add("2", &at("a"), "1"))], true);
    m.hdr.as_mut().unwrap().cred = Some(server_cred("garbage".into()));
    let reply = r.deliver(&m).unwrap();
    assert_eq!(statuses(&reply)[0].2, 212);
}

#[test]
fn fault_synchdr_status_last() {
    let mut r = Run::fault(Fault::SyncHdrStatusLast);
    let reply = r.send(vec![get("2", "./DevInfo/Lang"), get("3", "./DevInfo/Lang")]);
    let st = statuses(&reply);
    assert_eq!(st.last().unwrap().1, "SyncHdr");
    assert_eq!(st[0].1, "Get");
}

#[test]
fn fault_wrong_msgref() {
    let mut r = Run::fault(Fault::WrongMsgRef);
    let reply = r.send(vec![get("2", "./DevInfo/Lang")]);
    assert!(reply.commands().all(|c| c.msg_ref.as_deref() == Some("2")));
}

#[test]
fn fault_wrong_cmdref() {
    let mut r = Run::fault(Fault::WrongCmdRef);
    let reply = r.send(vec![get("2", "./DevInfo/Lang")]);
    assert_eq!(statuses(&reply)[0].0, "0");
    assert_eq!(statuses(&reply)[1].0, "3");
}

#[test]
fn fault_status_order_reversed() {
    let mut r = Run::fault(Fault::StatusOrderReversed);
    let reply = r.send(vec![add("2", &at("a"), "1"), add("3", &at("b"), "1")]);
    let refs: Vec<String> = statuses(&reply).into_iter().map(|s| s.0).collect();
    assert_eq!(refs, ["0", "3", "2"]);
}

#[test]
fn fault_msgid_stuck() {
    let mut r = Run::fault(Fault::MsgIdStuck);
    let reply = r.send(vec![get("2", "./DevInfo/Lang")]);
    assert_eq!(reply.msg_id(), Some("1"));
}

#[test]
fn fault_sessionid_changed() {
    let mut r = Run::fault(Fault::SessionIdChanged);
    let first = r.pkg1.hdr.as_ref().unwrap().session_id.clone();
    let reply = r.send(vec![get("2", "./DevInfo/Lang")]);
    assert_ne!(reply.hdr.as_ref().unwrap().session_id, first);
}

#[test]
fn fault_no_final() {
    let mut r = Run::fault(Fault::NoFinal);
    assert!(!r.pkg1.is_final());
    let reply = r.send(vec![get("2", "./DevInfo/Lang")]);
    assert!(!reply.is_final());
}

#[test]
fn a_resumed_client_goes_on_from_what_the_last_session_carried() {
    let mut r = with_auth(AuthScheme::Md5, Faults::none());
    // The server's Chal gives the nonce for the next digest.
    let m = answer_hdr(&mut r, 200, Some(md5_chal("Tm9uY2Uy")), vec![]);
    assert_eq!(r.deliver(&m), None, "nothing more to do: the session ends");
    let carried = r.client.carried();
    assert_eq!(carried.next_session, 2);
    assert_eq!(carried.client_nonce, b"Nonce2");
    // The same device in a later session, made afresh from what was carried.
    let mut again = Client::resume(r.client.config().clone(), Faults::none(), &carried);
    let pkg1 = again.open_session();
    assert_eq!(pkg1.hdr.as_ref().unwrap().session_id.as_deref(), Some("2"));
    assert_eq!(
        cred_data(&pkg1),
        Some(auth::md5_digest("Bruce2", "OhBehave", b"Nonce2"))
    );
    assert_eq!(again.carried().next_session, 3);
}
