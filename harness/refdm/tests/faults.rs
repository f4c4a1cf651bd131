//! Every fault switch changes what the client sends in at least one scripted session, so no
//! switch is a no-op, and the conforming client is not mistaken for a faulty one.

mod common;

use common::*;
use refdm::{AuthScheme, ClientConfig, Fault, Faults, ServerAuth, paths};
use syncml::{BodyNode, Chal, Command, CommandKind, Cred, Data, Item, Message, Meta, MetaValue};

type Transcript = Vec<Option<Message>>;

fn at(name: &str) -> String {
    format!("{}/{name}", paths::SCRATCH)
}

fn commands_session(faults: &Faults) -> Transcript {
    let mut r = Run::with(ClientConfig::default(), faults.clone());
    let mut t = vec![Some(r.pkg1.clone())];
    let mut no_id = add("x", &at("n"), "1");
    no_id.cmd_id = None;
    let mut results = Command::new(CommandKind::Results, "30");
    results.cmd_ref = Some("1".into());
    let batches: Vec<Vec<BodyNode>> = vec![
        vec![
            add("2", &at("a/b"), "1"),
            add("3", &at("a/b"), "2"),
            replace("4", &at("missing"), "x"),
            replace("5", paths::READ_ONLY_LEAF, "x"),
            add("6", &at("b%20c"), "1"),
            get("7", paths::SCRATCH),
            get("8", "./DevDetail/SwV"),
            no_id,
            results,
        ]
        .into_iter()
        .map(BodyNode::Command)
        .chain([unknown("Bogus", "9")])
        .collect(),
        vec![
            atomic("2", vec![add("3", &at("x"), "1"), atomic("4", vec![])]),
            atomic("5", vec![get("6", "./DevDetail/SwV")]),
            atomic(
                "7",
                vec![add("8", &at("y"), "1"), replace("9", &at("y"), "2")],
            ),
            atomic(
                "10",
                vec![add("11", &at("z"), "1"), delete("12", &at("none"))],
            ),
        ]
        .into_iter()
        .map(BodyNode::Command)
        .collect(),
        [
            "/Vendor/MSFT/Scratch/s",
            "./Vendor/MSFT/Scratch//e",
            "./Vendor/MSFT/Scratch/*",
            "./Vendor/MSFT/Scratch/./d",
            "./Vendor/MSFT/Scratch/q/../dd",
        ]
        .iter()
        .enumerate()
        .map(|(i, u)| BodyNode::Command(add(&(i + 2).to_string(), u, "1")))
        .chain([BodyNode::Command(add("9", &at(&"l".repeat(300)), "1"))])
        .chain([BodyNode::Command(add("10", &at("deep/er/est"), "1"))])
        .collect(),
        vec![
            BodyNode::Command(delete("2", &at("a"))),
            BodyNode::Command(delete("3", paths::SCRATCH)),
        ],
        vec![BodyNode::Command(get("2", "."))],
        vec![BodyNode::Command(get("2", paths::SCRATCH))],
    ];
    for nodes in batches {
        let m = r.message(nodes, true);
        t.push(r.deliver(&m));
    }
    t
}

fn package_session(faults: &Faults) -> Transcript {
    let mut r = Run::with(ClientConfig::default(), faults.clone());
    let mut t = vec![Some(r.pkg1.clone())];
    let m = r.message(vec![BodyNode::Command(get("2", "./DevInfo/Lang"))], false);
    t.push(r.deliver(&m));
    let m = r.message(vec![BodyNode::Command(Command::alert("2", 1223))], true);
    t.push(r.deliver(&m));
    t
}

fn chunk(uri: &str, data: &str, more: bool, size: Option<&str>) -> BodyNode {
    let mut item = Item::target(uri).with_data(data);
    item.more_data = more;
    item.meta = size.map(|s| Meta {
        size: Some(s.into()),
        ..Meta::default()
    });
    BodyNode::Command(Command::new(CommandKind::Add, "2").with_item(item))
}

fn lob_session(faults: &Faults) -> Transcript {
    let mut r = Run::with(ClientConfig::default(), faults.clone());
    let mut t = Vec::new();
    let script = [
        (chunk(&at("l1"), "abc", true, Some("9")), false),
        (chunk(&at("l1"), "de", false, None), true),
        (chunk(&at("l2"), "abc", true, Some("3")), false),
        (BodyNode::Command(get("2", &at("l1"))), true),
    ];
    for (node, final_) in script {
        let m = r.message(vec![node], final_);
        t.push(r.deliver(&m));
    }
    t
}

/// A value too large for the MaxMsgSize in force, read back in chunks: the server asks
/// for each next message with Alert 1222.
fn upload_session(faults: &Faults) -> Transcript {
    let mut r = Run::with(ClientConfig::default(), faults.clone());
    let big = "0123456789".repeat(150);
    let mut t = Vec::new();
    let m = r.message(vec![BodyNode::Command(add("2", &at("big"), &big))], true);
    t.push(r.deliver(&m));
    let mut m = r.message(vec![BodyNode::Command(get("2", &at("big")))], true);
    m.hdr.as_mut().unwrap().meta = Some(Meta {
        max_msg_size: Some("1024".into()),
        ..Meta::default()
    });
    t.push(r.deliver(&m));
    for _ in 0..2 {
        let m = r.message(vec![BodyNode::Command(Command::alert("2", 1222))], false);
        t.push(r.deliver(&m));
    }
    t
}

fn size_session(faults: &Faults) -> Transcript {
    let mut r = Run::with(ClientConfig::default(), faults.clone());
    let gets = (2..14)
        .map(|i| BodyNode::Command(get(&i.to_string(), "./DevDetail/SwV")))
        .collect();
    let mut m = r.message(gets, true);
    m.hdr.as_mut().unwrap().meta = Some(Meta {
        max_msg_size: Some("1200".into()),
        ..Meta::default()
    });
    vec![r.deliver(&m)]
}

fn auth_session(scheme: AuthScheme, faults: &Faults) -> Transcript {
    let config = ClientConfig {
        auth_scheme: scheme,
        client_nonce: b"Nonce".to_vec(),
        ..ClientConfig::default()
    };
    let mut r = Run::with(config, faults.clone());
    let mut t = vec![Some(r.pkg1.clone())];
    let mut m = r.message(vec![], true);
    let BodyNode::Command(s) = &mut m.body.as_mut().unwrap().nodes[0] else {
        unreachable!()
    };
    s.data = Some(Data::text("401"));
    let mut meta = Meta::format("b64").with_type(refdm::auth::TYPE_MD5);
    meta.next_nonce = Some(MetaValue::Text("Tm9uY2Uy".into()));
    s.chal = Some(Chal { meta: Some(meta) });
    t.push(r.deliver(&m));
    // Credentials answered 200: the next message carries them again.
    let ok = r.message(vec![BodyNode::Command(get("2", "./DevInfo/Lang"))], true);
    t.push(r.deliver(&ok));
    t.push(Some(r.send(vec![get("3", "./DevInfo/Lang")])));
    t
}

/// The `x-syncml-hmac` header of each client message of an HMAC session.
fn hmac_headers(faults: &Faults) -> Vec<Option<String>> {
    let config = ClientConfig {
        auth_scheme: AuthScheme::Hmac,
        client_nonce: b"Nonce".to_vec(),
        ..ClientConfig::default()
    };
    let mut r = Run::with(config, faults.clone());
    let header = |r: &Run, m: &Message| {
        r.client
            .hmac_header(&syncml::xml::write(&m.to_element(), &Default::default()))
    };
    let mut headers = vec![header(&r, &r.pkg1.clone())];
    let reply = r.send(vec![get("2", "./DevInfo/Lang")]);
    headers.push(header(&r, &reply));
    headers
}

fn server_auth_session(faults: &Faults) -> Transcript {
    let config = ClientConfig {
        server_auth: Some(ServerAuth {
            server_id: "srv".into(),
            password: "pw".into(),
            nonce: b"n".to_vec(),
        }),
        ..ClientConfig::default()
    };
    let mut r = Run::with(config, faults.clone());
    let mut m = r.message(vec![BodyNode::Command(get("2", "./DevInfo/Lang"))], true);
    m.hdr.as_mut().unwrap().cred = Some(Cred {
        meta: Some(Meta::format("b64").with_type(refdm::auth::TYPE_MD5)),
        data: Some(Data::text("wrong")),
    });
    vec![r.deliver(&m)]
}

/// An asynchronous Exec, then the next session's package 1, which reports its result.
fn async_session(faults: &Faults) -> Transcript {
    let mut r = Run::with(ClientConfig::default(), faults.clone());
    let accepted = r.send(vec![exec("2", paths::EXEC_ASYNC, "done")]);
    vec![Some(accepted), Some(r.client.open_session())]
}

/// Where the client would post after a server message naming a RespURI: the
/// one fault visible only at the transport.
fn respuri_session(faults: &Faults) -> Option<String> {
    let mut r = Run::with(ClientConfig::default(), faults.clone());
    let mut m = r.message(vec![BodyNode::Command(get("2", "./DevInfo/Lang"))], true);
    m.hdr.as_mut().unwrap().resp_uri = Some("https://dm.example/next?s=1".into());
    r.deliver(&m);
    r.client.resp_uri().map(str::to_string)
}

fn all_sessions(faults: &Faults) -> (Vec<Transcript>, Option<String>) {
    let transcripts = vec![
        commands_session(faults),
        package_session(faults),
        lob_session(faults),
        upload_session(faults),
        size_session(faults),
        auth_session(AuthScheme::Basic, faults),
        auth_session(AuthScheme::Md5, faults),
        server_auth_session(faults),
        async_session(faults),
    ];
    (transcripts, respuri_session(faults))
}

#[test]
fn every_fault_changes_some_transcript() {
    let run = |f: &Faults| (all_sessions(f), hmac_headers(f));
    let plain = run(&Faults::none());
    assert_eq!(plain, run(&Faults::none()), "the client is deterministic");
    for f in Fault::ALL {
        let bent = run(&Faults::from(*f));
        assert!(bent != plain, "{} changes nothing", f.name());
    }
}
