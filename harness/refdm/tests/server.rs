//! The reference DM server at message level: package 1 and its answer, the challenge
//! and the retry, Next Message for a client package without Final, Generic Alerts,
//! the script run one message at a time, and the end of the session; and what its
//! configuration changes: no SyncML account, its own scheme only, 200 and credentials
//! in every message, a new MD5 nonce in every Chal, decimal SessionIDs only.

mod common;

use common::statuses;
use refdm::auth;
use refdm::server::{Server, ServerConfig, ServerFault, ServerFaults};
use syncml::{Command, CommandKind, Cred, Data, Item, Message, Meta, SyncBody, SyncHdr};

fn message(msg_id: u32, cred: Option<Cred>, commands: Vec<Command>, final_: bool) -> Message {
    message_in("1A", msg_id, cred, commands, final_)
}

fn message_in(
    session: &str,
    msg_id: u32,
    cred: Option<Cred>,
    commands: Vec<Command>,
    final_: bool,
) -> Message {
    let mut hdr = SyncHdr::new(session, msg_id, "https://refdm.invalid/omadm", "device-1");
    if cred.is_some() {
        hdr.source.as_mut().unwrap().loc_name = Some("dmconform".into());
    }
    hdr.cred = cred;
    let mut body = SyncBody::with_commands(commands);
    body.final_ = final_;
    Message::new(hdr, body)
}

fn basic(password: &str) -> Option<Cred> {
    Some(Cred {
        meta: Some(Meta::format("b64").with_type(auth::TYPE_BASIC)),
        data: Some(Data::text(auth::basic("dmconform", password))),
    })
}

fn md5(nonce: &[u8]) -> Option<Cred> {
    Some(Cred {
        meta: Some(Meta::format("b64").with_type(auth::TYPE_MD5)),
        data: Some(Data::text(auth::md5_digest(
            "dmconform",
            "reference",
            nonce,
        ))),
    })
}

/// The code of the Status for the SyncHdr and the NextNonce of its Chal, if any.
fn hdr_answer(reply: &Message) -> (Option<u16>, Option<Vec<u8>>) {
    use base64::Engine;
    let st = reply.commands().next().unwrap();
    let nonce = st
        .chal
        .as_ref()
        .and_then(|c| c.meta.as_ref()?.next_nonce.as_ref())
        .map(|n| match n {
            syncml::MetaValue::Text(t) => base64::engine::general_purpose::STANDARD
                .decode(t.trim())
                .unwrap(),
            syncml::MetaValue::Bytes(b) => b.clone(),
        });
    (st.code(), nonce)
}

fn package1() -> Vec<Command> {
    vec![
        Command::alert("1", 1201),
        Command::new(CommandKind::Replace, "2")
            .with_item(Item::source("./DevInfo/Mod").with_data("model")),
    ]
}

fn new_commands(m: &Message) -> Vec<CommandKind> {
    m.commands()
        .filter(|c| c.kind != CommandKind::Status)
        .map(|c| c.kind)
        .collect()
}

fn server() -> Server {
    Server::new(ServerConfig::default(), ServerFaults::none())
}

#[test]
fn package_1_with_credentials_gets_212_statuses_in_order_and_the_script() {
    let mut s = server();
    let reply = s.handle(&message(1, basic("reference"), package1(), true));
    assert_eq!(reply.msg_id(), Some("1"));
    assert_eq!(
        reply.hdr.as_ref().unwrap().session_id.as_deref(),
        Some("1A")
    );
    assert_eq!(
        statuses(&reply),
        vec![
            ("0".into(), "SyncHdr".into(), 212),
            ("1".into(), "Alert".into(), 200),
            ("2".into(), "Replace".into(), 200),
        ]
    );
    assert_eq!(new_commands(&reply), vec![CommandKind::Get]);
    assert!(reply.is_final());
    assert_eq!(
        s.dev_info()
            .unwrap()
            .get("./DevInfo/Mod")
            .map(String::as_str),
        Some("model")
    );
}

#[test]
fn missing_and_wrong_credentials_are_challenged_then_the_retry_is_accepted() {
    let mut s = server();
    let missing = s.handle(&message(1, None, package1(), true));
    let hdr_status = missing.commands().next().unwrap();
    assert_eq!(hdr_status.code(), Some(407));
    assert!(hdr_status.chal.is_some());
    assert!(new_commands(&missing).is_empty());
    assert!(statuses(&missing).iter().skip(1).all(|s| s.2 == 407));

    let wrong = s.handle(&message(2, basic("guess"), package1(), true));
    assert_eq!(wrong.commands().next().unwrap().code(), Some(401));
    assert_eq!(wrong.msg_id(), Some("2"));

    let right = s.handle(&message(3, basic("reference"), package1(), true));
    assert_eq!(right.commands().next().unwrap().code(), Some(212));
    assert_eq!(right.msg_id(), Some("3"));
    assert_eq!(new_commands(&right), vec![CommandKind::Get]);
}

#[test]
fn md5_credentials_against_the_server_nonce_are_accepted() {
    let config = ServerConfig::default();
    let digest = auth::md5_digest("dmconform", "reference", &config.nonce);
    let mut s = Server::new(config, ServerFaults::none());
    let mut m = message(
        1,
        Some(Cred {
            meta: Some(Meta::format("b64").with_type(auth::TYPE_MD5)),
            data: Some(Data::text(digest)),
        }),
        package1(),
        true,
    );
    m.hdr.as_mut().unwrap().source.as_mut().unwrap().loc_name = Some("dmconform".into());
    assert_eq!(s.handle(&m).commands().next().unwrap().code(), Some(212));
}

#[test]
fn a_client_message_without_final_gets_next_message() {
    let mut s = server();
    let first = s.handle(&message(
        1,
        basic("reference"),
        vec![Command::alert("1", 1201)],
        false,
    ));
    assert!(!first.is_final());
    assert_eq!(new_commands(&first), vec![CommandKind::Alert]);
    assert_eq!(first.commands().last().unwrap().code(), Some(1222));
    let rest = vec![
        Command::new(CommandKind::Replace, "1")
            .with_item(Item::source("./DevInfo/Man").with_data("maker")),
    ];
    let second = s.handle(&message(2, None, rest, true));
    assert!(second.is_final());
    assert_eq!(new_commands(&second), vec![CommandKind::Get]);
}

#[test]
fn a_generic_alert_is_acknowledged_with_200() {
    let mut s = server();
    let mut commands = package1();
    let mut alert = Command::alert("3", 1226);
    alert.items.push(
        Item::source("./Vendor/MSFT/DMClient/Unenroll")
            .with_meta(Meta::format("int").with_type("com.microsoft:mdm.unenrollment.userrequest"))
            .with_data("1"),
    );
    commands.push(alert);
    let reply = s.handle(&message(1, basic("reference"), commands, true));
    assert!(statuses(&reply).contains(&("3".into(), "Alert".into(), 200)));
}

#[test]
fn the_script_runs_one_message_at_a_time_and_the_session_ends_with_statuses_only() {
    let mut s = server();
    let mut reply = s.handle(&message(1, basic("reference"), package1(), true));
    let mut kinds = Vec::new();
    for msg_id in 2..10 {
        let mut answers = vec![Command::status(
            "1",
            reply.msg_id().unwrap(),
            "0",
            "SyncHdr",
            200,
        )];
        for c in reply.commands().filter(|c| c.kind != CommandKind::Status) {
            let id = c.cmd_id.clone().unwrap();
            answers.push(Command::status(
                "2",
                reply.msg_id().unwrap(),
                id.clone(),
                c.kind.name(),
                200,
            ));
            for child in c.child_commands() {
                let cid = child.cmd_id.clone().unwrap();
                answers.push(Command::status(
                    "3",
                    reply.msg_id().unwrap(),
                    cid,
                    child.kind.name(),
                    200,
                ));
            }
        }
        reply = s.handle(&message(msg_id, None, answers, true));
        assert_eq!(reply.msg_id(), Some(msg_id.to_string().as_str()));
        let new = new_commands(&reply);
        if new.is_empty() {
            assert!(reply.is_final());
            break;
        }
        kinds.extend(new);
    }
    assert_eq!(
        kinds,
        vec![
            CommandKind::Replace,
            CommandKind::Exec,
            CommandKind::Atomic,
            CommandKind::Add
        ]
    );
}

#[test]
fn fault_switches_change_the_answer() {
    let faulty = |f: ServerFault| {
        let mut s = Server::new(ServerConfig::default(), ServerFaults::from(f));
        s.handle(&message(1, basic("guess"), package1(), true))
    };
    assert_eq!(
        faulty(ServerFault::NoChallenge)
            .commands()
            .next()
            .unwrap()
            .code(),
        Some(212)
    );
    assert_ne!(
        faulty(ServerFault::SyncHdrStatusMissing)
            .commands()
            .next()
            .unwrap()
            .cmd
            .as_deref(),
        Some("SyncHdr")
    );
    assert!(!faulty(ServerFault::NoFinal).is_final());
    assert_eq!(
        "wrong-cmdref,no-final"
            .parse::<ServerFaults>()
            .map(|f| f.iter().count()),
        Ok(2)
    );
}

fn with_account(edit: impl FnOnce(&mut ServerConfig)) -> Server {
    let mut config = ServerConfig::default();
    edit(&mut config);
    Server::new(config, ServerFaults::none())
}

#[test]
fn without_an_account_no_credentials_are_asked_for() {
    let mut s = with_account(|c| c.account = None);
    let reply = s.handle(&message(1, None, package1(), true));
    assert_eq!(hdr_answer(&reply), (Some(200), None));
    assert_eq!(new_commands(&reply), vec![CommandKind::Get]);
}

#[test]
fn an_account_of_its_own_scheme_only_refuses_the_other_scheme() {
    let mut s = with_account(|c| {
        let a = c.account.as_mut().unwrap();
        a.scheme = refdm::AuthScheme::Md5;
        a.own_scheme_only = true;
    });
    let basic_reply = s.handle(&message(1, basic("reference"), package1(), true));
    let (code, nonce) = hdr_answer(&basic_reply);
    assert_eq!(code, Some(401));
    let nonce = nonce.expect("an MD5 challenge with a nonce");
    let md5_reply = s.handle(&message(2, md5(&nonce), package1(), true));
    assert_eq!(hdr_answer(&md5_reply).0, Some(212));
}

#[test]
fn an_account_checked_in_every_message_answers_200_and_wants_the_credentials_again() {
    let mut s = with_account(|c| c.account.as_mut().unwrap().every_message = true);
    let first = s.handle(&message(1, basic("reference"), package1(), true));
    assert_eq!(hdr_answer(&first).0, Some(200));
    let answers = vec![Command::status("1", "1", "0", "SyncHdr", 200)];
    let bare = s.handle(&message(2, None, answers.clone(), true));
    assert_eq!(hdr_answer(&bare).0, Some(407));
    let again = s.handle(&message(3, basic("reference"), answers, true));
    assert_eq!(hdr_answer(&again).0, Some(200));
}

#[test]
fn rotating_nonces_make_the_last_nonce_given_the_only_one_accepted() {
    let mut config = ServerConfig {
        rotate_nonce: true,
        ..ServerConfig::default()
    };
    config.account.as_mut().unwrap().scheme = refdm::AuthScheme::Md5;
    let first = config.nonce.clone();
    let mut s = Server::new(config, ServerFaults::none());
    let mut answer = |session: &str, msg_id, cred| {
        hdr_answer(&s.handle(&message_in(session, msg_id, cred, package1(), true)))
    };
    let (code, n1) = answer("1", 1, None);
    assert_eq!(code, Some(407));
    let n1 = n1.expect("an MD5 challenge with a nonce");
    assert_ne!(n1, first);
    // The nonce configured first no longer holds: refused, with one more new nonce.
    let (code, n2) = answer("1", 2, md5(&first));
    assert_eq!(code, Some(401));
    let n2 = n2.expect("a new nonce with the refusal");
    assert_ne!(n2, n1);
    let (code, n3) = answer("1", 3, md5(&n2));
    assert_eq!(code, Some(212));
    let n3 = n3.expect("a nonce for the next session with the 212");
    assert_ne!(n3, n2);
    assert_eq!(answer("2", 1, md5(&n3)).0, Some(212));
}

#[test]
fn decimal_session_ids_only_refuse_the_others() {
    let s = with_account(|c| c.decimal_session_ids = true);
    assert_eq!(
        s.refusal(&message_in("12", 1, None, package1(), true)),
        None
    );
    let why = s
        .refusal(&message_in("1A", 1, None, package1(), true))
        .expect("refused");
    assert!(why.contains("\"1A\""), "{why}");
    assert_eq!(
        server().refusal(&message_in("1A", 1, None, package1(), true)),
        None
    );
}

/// A message of session `session` from device `device`, with Basic credentials.
fn from_device(device: &str, session: &str, msg_id: u32, commands: Vec<Command>) -> Message {
    let mut m = message_in(session, msg_id, basic("reference"), commands, true);
    m.hdr.as_mut().unwrap().source.as_mut().unwrap().loc_uri = Some(device.into());
    m
}

#[test]
fn devices_in_session_at_once_keep_their_own_sessions() {
    let mut s = server();
    let a1 = s.handle(&from_device("device-a", "11", 1, package1()));
    let b1 = s.handle(&from_device("device-b", "22", 1, package1()));
    assert_eq!(s.open_sessions(), 2);
    // Device a answers its Get; its session goes on at MsgID 2 with the next script entry.
    let get = a1
        .commands()
        .find(|c| c.kind == CommandKind::Get)
        .unwrap()
        .cmd_id
        .clone()
        .unwrap();
    let answer = vec![Command::status("1", "1", get.as_str(), "Get", 404)];
    let a2 = s.handle(&from_device("device-a", "11", 2, answer.clone()));
    assert_eq!(a2.msg_id(), Some("2"));
    assert_eq!(
        statuses(&a2)[0],
        ("0".into(), "SyncHdr".into(), 200),
        "device a is still authenticated"
    );
    assert_eq!(
        new_commands(&a2),
        vec![CommandKind::Replace, CommandKind::Exec, CommandKind::Atomic]
    );
    // Device b's session was not disturbed by a's messages.
    assert_eq!(b1.msg_id(), Some("1"));
    let b2 = s.handle(&from_device("device-b", "22", 2, answer));
    assert_eq!(b2.msg_id(), Some("2"));
    assert_eq!(b2.hdr.as_ref().unwrap().session_id.as_deref(), Some("22"));
    assert_eq!(new_commands(&b2), new_commands(&a2));
}
