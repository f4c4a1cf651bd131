//! Hostile input: random element trees made of SyncML names and awkward values never make
//! the client panic, and every reply it sends still opens with the Status for SyncHdr.

use proptest::prelude::*;
use refdm::{Client, ClientConfig, Fault, Faults, ServerAuth};
use syncml::{CommandKind, Element, Message, Node};

const NAMES: &[&str] = &[
    "SyncHdr",
    "SyncBody",
    "Add",
    "Replace",
    "Delete",
    "Get",
    "Exec",
    "Copy",
    "Atomic",
    "Sequence",
    "Alert",
    "Status",
    "Results",
    "Item",
    "Target",
    "Source",
    "LocURI",
    "Data",
    "Meta",
    "Format",
    "Type",
    "Size",
    "MoreData",
    "CmdID",
    "CmdRef",
    "MsgRef",
    "Cmd",
    "Final",
    "MsgID",
    "SessionID",
    "Chal",
    "Cred",
    "NextNonce",
    "MaxMsgSize",
    "Bogus",
];

const TEXTS: &[&str] = &[
    "",
    "1",
    "2",
    "0",
    "200",
    "212",
    "401",
    "407",
    "1222",
    "1223",
    "1225",
    "node",
    "chr",
    "bin",
    "b64",
    "syncml:auth-md5",
    "syncml:auth-basic",
    "./Vendor/MSFT/Scratch/a",
    "./Vendor/MSFT/Scratch/a/b",
    "./Vendor/MSFT/Scratch",
    "./DevInfo/DevId",
    ".",
    "/x",
    "..",
    "./a//b",
    "%zz",
    "*",
    "99999999999999999999999",
    "40",
    "-1",
    "Tm9uY2U=",
    "!!notb64",
    "./Vendor/MSFT/Reference/Echo",
    "./User/Vendor/MSFT/Scratch/u",
];

fn element() -> impl Strategy<Value = Element> {
    let leaf = (prop::sample::select(NAMES), prop::sample::select(TEXTS))
        .prop_map(|(n, t)| Element::text(n, t));
    leaf.prop_recursive(6, 80, 6, |inner| {
        (
            prop::sample::select(NAMES),
            prop::collection::vec(inner, 0..6),
        )
            .prop_map(|(n, kids)| {
                let mut e = Element::new(n);
                e.children = kids.into_iter().map(Node::Element).collect();
                e
            })
    })
}

fn message() -> impl Strategy<Value = Message> {
    (
        element(),
        prop::collection::vec(element(), 0..8),
        any::<bool>(),
    )
        .prop_map(|(hdr, body, fin)| {
            let mut b = Element::new("SyncBody");
            b.children = body.into_iter().map(Node::Element).collect();
            if fin {
                b.push(Element::new("Final"));
            }
            let mut h = hdr;
            h.name = "SyncHdr".into();
            let root = Element::new("SyncML").with_child(h).with_child(b);
            Message::from_element(&root).0
        })
}

fn faults() -> impl Strategy<Value = Faults> {
    prop::collection::vec(prop::sample::select(Fault::ALL.to_vec()), 0..3)
        .prop_map(|v| v.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_messages_never_panic(msgs in prop::collection::vec(message(), 1..5), faults in faults(), verify in any::<bool>()) {
        let config = ClientConfig {
            max_msg_size: Some(700),
            server_auth: verify.then(|| ServerAuth {
                server_id: "s".into(),
                password: "p".into(),
                nonce: b"n".to_vec(),
            }),
            ..ClientConfig::default()
        };
        let synchdr_first = !faults.has(Fault::SyncHdrStatusLast);
        let mut client = Client::new(config, faults);
        client.open_session();
        for m in &msgs {
            if let Some(reply) = client.handle(m) {
                let first = reply.commands().next();
                prop_assert!(first.is_some());
                if synchdr_first {
                    let first = first.unwrap();
                    prop_assert_eq!(first.kind, CommandKind::Status);
                    prop_assert_eq!(first.cmd_ref.as_deref(), Some("0"));
                }
            }
        }
    }
}
