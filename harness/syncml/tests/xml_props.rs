//! Properties of the XML codec over generated input.
//!
//! - A generated [`Message`] written, read and typed again is the same message.
//! - A generated tree written and read is the same tree. Generated trees are in
//!   the form the reader produces: character data is never empty nor two text
//!   nodes (or two CDATA sections) in a row, since XML cannot tell those apart
//!   from one merged node; no opaque bytes (XML has none; the writer turns them
//!   into CDATA or base64 text); comments hold no `--` and do not end in `-`.
//! - Arbitrary bytes and mutated real messages never make the reader panic, and
//!   whatever it accepts it writes back to a document that reads the same.

use proptest::prelude::*;
use std::sync::OnceLock;
use syncml::xml::{self, WriteOptions};
use syncml::{
    Attribute, BodyNode, Chal, Command, CommandKind, Cred, Data, Element, Item, Limits, Location,
    Message, Meta, MetaValue, Node, SyncBody, SyncHdr,
};

// ---------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------

/// Text with the characters that test escaping, plus any printable Unicode.
fn odd_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9./ ]{0,12}",
        "[<>&'\"\\]\r\n\t ]{0,8}",
        "[\\PC\t\r\n]{0,12}",
        Just("]]>".to_string()),
        Just("&#xF000;&lt;".to_string()),
        Just("\u{F000}\u{FFFD}\u{1F600}é".to_string()),
    ]
}

fn some_text() -> impl Strategy<Value = Option<String>> {
    proptest::option::weighted(0.5, odd_text())
}

/// A comment body XML can hold as it is.
fn comment_text() -> impl Strategy<Value = String> {
    odd_text().prop_map(|t| {
        let t = t.replace('-', "_");
        format!("{t}-x")
    })
}

fn xml_name() -> impl Strategy<Value = String> {
    "[A-Za-z_][A-Za-z0-9._-]{0,8}(:[A-Za-z_][A-Za-z0-9._-]{0,6})?"
}

// ---------------------------------------------------------------------------
// Trees
// ---------------------------------------------------------------------------

fn attributes() -> impl Strategy<Value = Vec<Attribute>> {
    prop::collection::vec((xml_name(), odd_text()), 0..3).prop_map(|pairs| {
        let mut attrs: Vec<Attribute> = Vec::new();
        for (name, value) in pairs {
            if !attrs.iter().any(|a| a.name == name) {
                attrs.push(Attribute {
                    name: name.into(),
                    value: value.into(),
                });
            }
        }
        attrs
    })
}

fn leaf_node() -> impl Strategy<Value = Node> {
    prop_oneof![
        3 => odd_text().prop_map(|t| Node::Text(t.into())),
        1 => odd_text().prop_map(|t| Node::CData(t.into())),
        1 => comment_text().prop_map(Node::Comment),
    ]
}

/// Brings generated content into the form the reader produces.
fn canonical(children: Vec<Node>) -> Vec<Node> {
    let mut out: Vec<Node> = Vec::new();
    for n in children {
        match (out.last_mut(), n) {
            (_, Node::Text(t)) if t.is_empty() => {}
            (Some(Node::Text(a)), Node::Text(b)) => a.push_str(&b),
            (Some(Node::CData(a)), Node::CData(b)) => a.push_str(&b),
            (_, n) => out.push(n),
        }
    }
    out
}

fn tree() -> BoxedStrategy<Element> {
    let leaf = (
        xml_name(),
        attributes(),
        prop::collection::vec(leaf_node(), 0..3),
    )
        .prop_map(|(name, attrs, children)| Element {
            name: name.into(),
            attrs,
            children: canonical(children),
        });
    leaf.prop_recursive(5, 48, 6, |inner| {
        (
            xml_name(),
            attributes(),
            prop::collection::vec(
                prop_oneof![2 => inner.prop_map(Node::Element), 1 => leaf_node()],
                0..6,
            ),
        )
            .prop_map(|(name, attrs, children)| Element {
                name: name.into(),
                attrs,
                children: canonical(children),
            })
    })
    .boxed()
}

// ---------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------

/// Names the typed view keeps as unknown wherever they stand.
fn unknown_name() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["Map", "Put", "Sync", "X-Vendor", "msft:Extension"])
        .prop_map(str::to_string)
}

fn unknown_element() -> BoxedStrategy<Element> {
    (unknown_name(), tree())
        .prop_map(|(name, mut e)| {
            e.name = name.into();
            e
        })
        .boxed()
}

fn location() -> BoxedStrategy<Location> {
    (some_text(), some_text())
        .prop_map(|(loc_uri, loc_name)| Location { loc_uri, loc_name })
        .boxed()
}

fn data() -> BoxedStrategy<Data> {
    let content = prop::collection::vec(
        prop_oneof![3 => leaf_node(), 1 => tree().prop_map(Node::Element)],
        0..3,
    );
    let attrs = prop_oneof![
        3 => Just(Vec::new()),
        1 => Just(vec![Attribute {
            name: "msft:originalerror".into(),
            value: "0x86000002".into(),
        }]),
    ];
    (attrs, content)
        .prop_map(|(attrs, content)| Data {
            attrs,
            content: canonical(content),
        })
        .boxed()
}

fn meta() -> BoxedStrategy<Meta> {
    (
        (some_text(), some_text(), some_text(), some_text()),
        (some_text(), some_text(), some_text(), some_text()),
        prop::collection::vec(unknown_element(), 0..2),
    )
        .prop_map(
            |((format, type_, mark, size), (nonce, version, max_msg, max_obj), extra)| Meta {
                format,
                type_,
                mark,
                size,
                // Binary nonces are WBXML only: XML carries text.
                next_nonce: nonce.map(MetaValue::Text),
                version,
                max_msg_size: max_msg,
                max_obj_size: max_obj,
                extra,
            },
        )
        .boxed()
}

fn item() -> BoxedStrategy<Item> {
    (
        proptest::option::of(location()),
        proptest::option::of(location()),
        proptest::option::of(meta()),
        proptest::option::of(data()),
        any::<bool>(),
        prop::collection::vec(unknown_element(), 0..2),
    )
        .prop_map(|(target, source, meta, data, more_data, extra)| Item {
            target,
            source,
            meta,
            data,
            more_data,
            extra,
        })
        .boxed()
}

fn cred() -> BoxedStrategy<Cred> {
    (proptest::option::of(meta()), proptest::option::of(data()))
        .prop_map(|(meta, data)| Cred { meta, data })
        .boxed()
}

/// A command of any kind; containers hold further commands and unknown elements.
fn command() -> BoxedStrategy<Command> {
    let leaf_kind = prop::sample::select(
        CommandKind::ALL
            .into_iter()
            .filter(|k| !k.is_container())
            .collect::<Vec<_>>(),
    );
    let leaf = (
        leaf_kind,
        fields(),
        prop::collection::vec(unknown_element(), 0..2),
    )
        .prop_map(|(kind, mut c, extra)| {
            c.kind = kind;
            c.extra = extra;
            c
        });
    leaf.prop_recursive(3, 24, 4, |inner| {
        (
            prop::sample::select(vec![CommandKind::Atomic, CommandKind::Sequence]),
            fields(),
            prop::collection::vec(
                prop_oneof![
                    3 => inner.prop_map(BodyNode::Command),
                    1 => unknown_element().prop_map(BodyNode::Unknown),
                ],
                0..4,
            ),
        )
            .prop_map(|(kind, mut c, children)| {
                c.kind = kind;
                c.children = children;
                c
            })
    })
    .boxed()
}

/// The fields every command may carry (the kind is set by the caller).
fn fields() -> BoxedStrategy<Command> {
    (
        (
            some_text(),
            any::<bool>(),
            some_text(),
            some_text(),
            some_text(),
        ),
        (
            prop::collection::vec(odd_text(), 0..2),
            prop::collection::vec(odd_text(), 0..2),
            proptest::option::weighted(0.2, cred()),
            proptest::option::weighted(
                0.2,
                proptest::option::of(meta()).prop_map(|meta| Chal { meta }),
            ),
        ),
        (
            proptest::option::of(meta()),
            proptest::option::of(data()),
            some_text(),
            prop::collection::vec(item(), 0..3),
        ),
    )
        .prop_map(
            |(
                (cmd_id, no_resp, msg_ref, cmd_ref, cmd),
                (target_refs, source_refs, cred, chal),
                (meta, data, correlator, items),
            )| {
                let mut c = Command::new(CommandKind::Get, "");
                c.cmd_id = cmd_id;
                c.no_resp = no_resp;
                c.msg_ref = msg_ref;
                c.cmd_ref = cmd_ref;
                c.cmd = cmd;
                c.target_refs = target_refs;
                c.source_refs = source_refs;
                c.cred = cred;
                c.chal = chal;
                c.meta = meta;
                c.data = data;
                c.correlator = correlator;
                c.items = items;
                c
            },
        )
        .boxed()
}

fn sync_hdr() -> BoxedStrategy<SyncHdr> {
    (
        (some_text(), some_text(), some_text(), some_text()),
        (
            proptest::option::of(location()),
            proptest::option::of(location()),
            some_text(),
        ),
        (
            any::<bool>(),
            proptest::option::weighted(0.3, cred()),
            proptest::option::of(meta()),
            prop::collection::vec(unknown_element(), 0..2),
        ),
    )
        .prop_map(
            |(
                (ver_dtd, ver_proto, session_id, msg_id),
                (target, source, resp_uri),
                (no_resp, cred, meta, extra),
            )| {
                SyncHdr {
                    ver_dtd,
                    ver_proto,
                    session_id,
                    msg_id,
                    target,
                    source,
                    resp_uri,
                    no_resp,
                    cred,
                    meta,
                    extra,
                }
            },
        )
        .boxed()
}

fn sync_body() -> BoxedStrategy<SyncBody> {
    let attrs = prop_oneof![
        Just(Vec::new()),
        Just(vec![Attribute {
            name: "xmlns:msft".into(),
            value: syncml::tree::NS_MSFT.into(),
        }]),
    ];
    let node = prop_oneof![
        4 => command().prop_map(BodyNode::Command),
        1 => unknown_element().prop_map(BodyNode::Unknown),
    ];
    (attrs, prop::collection::vec(node, 0..5), any::<bool>())
        .prop_map(|(attrs, nodes, final_)| SyncBody {
            attrs,
            nodes,
            final_,
        })
        .boxed()
}

fn message() -> impl Strategy<Value = Message> {
    let attrs = prop::sample::select(vec![
        syncml::tree::NS_SYNCML12,
        syncml::tree::NS_SYNCML11,
        "",
    ])
    .prop_map(|ns| {
        if ns.is_empty() {
            Vec::new()
        } else {
            vec![Attribute {
                name: "xmlns".into(),
                value: ns.into(),
            }]
        }
    });
    (
        attrs,
        proptest::option::weighted(0.8, sync_hdr()),
        proptest::option::weighted(0.9, sync_body()),
        prop::collection::vec(unknown_element(), 0..2),
    )
        .prop_map(|(attrs, hdr, body, extra)| Message {
            attrs,
            hdr,
            body,
            extra,
        })
}

// ---------------------------------------------------------------------------
// Hostile bytes
// ---------------------------------------------------------------------------

/// The corpus's full messages, read once.
fn real_messages() -> &'static [Vec<u8>] {
    static MESSAGES: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    MESSAGES.get_or_init(|| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/real");
        let mut out = Vec::new();
        for source in std::fs::read_dir(root).expect("corpus") {
            let dir = source.expect("entry").path().join("messages");
            let Ok(files) = std::fs::read_dir(dir) else {
                continue;
            };
            for f in files {
                out.push(std::fs::read(f.expect("entry").path()).expect("file"));
            }
        }
        out.sort();
        out
    })
}

#[derive(Clone, Debug)]
enum Mutation {
    Set(usize, u8),
    Insert(usize, u8),
    Remove(usize),
    Truncate(usize),
    /// Copies a span of the message over another place (duplicates markup).
    Splice(usize, usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let interesting = prop::sample::select(b"<>&;/\"'=![]-?#x0\x00\xFF\xEF".to_vec());
    prop_oneof![
        (any::<usize>(), interesting.clone()).prop_map(|(i, b)| Mutation::Set(i, b)),
        (any::<usize>(), interesting).prop_map(|(i, b)| Mutation::Insert(i, b)),
        any::<usize>().prop_map(Mutation::Remove),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), any::<usize>(), 0usize..64)
            .prop_map(|(a, b, n)| Mutation::Splice(a, b, n)),
    ]
}

fn mutate(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        if bytes.is_empty() {
            break;
        }
        let len = bytes.len();
        match *m {
            Mutation::Set(i, b) => bytes[i % len] = b,
            Mutation::Insert(i, b) => bytes.insert(i % (len + 1), b),
            Mutation::Remove(i) => {
                bytes.remove(i % len);
            }
            Mutation::Truncate(i) => bytes.truncate(i % len),
            Mutation::Splice(from, to, n) => {
                let from = from % len;
                let span = bytes[from..(from + n).min(len)].to_vec();
                let to = to % (len + 1);
                bytes.splice(to..to, span);
            }
        }
    }
    bytes
}

/// Whatever the reader accepts, it writes back to bytes that read the same.
fn accepted_input_round_trips(input: &[u8]) {
    let limits = Limits::default();
    if let Ok(doc) = xml::read(input, &limits) {
        let written = xml::write(&doc.root, &WriteOptions::default());
        let again = xml::read(&written, &limits).expect("written form reads");
        assert_eq!(again.root, doc.root);
    }
    if let Ok(nodes) = xml::read_fragment(input, &limits) {
        let written = xml::write_nodes(&nodes, &WriteOptions::default());
        let again = xml::read_fragment(&written, &limits).expect("written fragment reads");
        assert_eq!(again, nodes);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn message_write_read_is_identity(m in message()) {
        let bytes = xml::write_message(&m, &WriteOptions::default());
        let (back, _, doc) = xml::read_message(&bytes, &Limits::default()).expect("reads");
        prop_assert_eq!(&back, &m);
        prop_assert_eq!(doc.root.normalized(), m.to_element().normalized());
    }

    #[test]
    fn tree_write_read_is_identity(root in tree()) {
        let limits = Limits::default();
        let bytes = xml::write(&root, &WriteOptions::default());
        let doc = xml::read(&bytes, &limits).expect("reads");
        prop_assert_eq!(&doc.root, &root);

        let indented = WriteOptions { declaration: false, indent: Some(1) };
        let doc = xml::read(&xml::write(&root, &indented), &limits).expect("indented reads");
        prop_assert_eq!(doc.root.normalized(), root.normalized());
    }

    #[test]
    fn fragment_write_read_is_identity(nodes in prop::collection::vec(
        prop_oneof![2 => tree().prop_map(Node::Element), 1 => leaf_node()], 0..5)
    ) {
        let nodes = canonical(nodes);
        let bytes = xml::write_nodes(&nodes, &WriteOptions::default());
        prop_assert_eq!(xml::read_fragment(&bytes, &Limits::default()).expect("reads"), nodes);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        accepted_input_round_trips(&bytes);
    }

    #[test]
    fn markup_soup_never_panics(parts in prop::collection::vec(prop::sample::select(vec![
        "<a>", "</a>", "<b x='1'>", "</b>", "<c/>", "<!--", "-->", "<![CDATA[", "]]>", "&amp;",
        "&#x41;", "&", ";", "<?xml version='1.0'?>", "<!DOCTYPE a>", "<?p?>", "text", " ", "\r\n",
        "<p:q xmlns:p='u'>", "</p:q>", "\u{FEFF}", "\"", "'", "=",
    ]), 0..40)) {
        accepted_input_round_trips(parts.concat().as_bytes());
    }

    #[test]
    fn mutated_real_messages_never_panic(
        pick in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation(), 1..6),
    ) {
        let messages = real_messages();
        let original = pick.get(messages).clone();
        accepted_input_round_trips(&mutate(original, &mutations));
    }
}

#[test]
fn a_leading_zero_width_no_break_space_survives_writing() {
    accepted_input_round_trips("<?xml version='1.0'?>\u{FEFF}".as_bytes());
    accepted_input_round_trips("<a>\u{FEFF}x</a>".as_bytes());
}
