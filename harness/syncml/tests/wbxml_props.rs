//! Properties of the WBXML codec: any tree it can write reads back as the same
//! tree (up to the documented normalisation), and no input, random or a
//! mutated valid document, makes the decoder panic.
//!
//! The normalisation: comments are dropped (WBXML has none), CDATA comes back
//! as opaque bytes, adjacent texts merge, empty texts vanish, and the `xmlns`
//! attributes are those the code pages imply. The generated trees already
//! carry the implied `xmlns`, so the comparison only has to apply the rest.

use proptest::prelude::*;
use syncml::Limits;
use syncml::tree::{Element, NS_METINF, NS_SYNCML12, Node};
use syncml::wbxml::tokens::{METINF_PAGE, SYNCML_PAGE};
use syncml::wbxml::{EncodeOptions, PublicIdForm, WbxmlVersion, decode, encode};

/// Where a generated element's name comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Origin {
    SyncMl,
    MetInf,
    Literal,
}

fn names(origin: Origin) -> Vec<&'static str> {
    match origin {
        Origin::SyncMl => SYNCML_PAGE.tags().map(|(_, n)| n).collect(),
        Origin::MetInf => METINF_PAGE.tags().map(|(_, n)| n).collect(),
        Origin::Literal => vec!["xFoo", "xbar", "x-Baz", "x.q"],
    }
}

/// Leaf content: text without NUL, CDATA, opaque bytes or a comment.
fn leaf() -> impl Strategy<Value = Node> {
    prop_oneof![
        4 => "[^\u{0}]{0,12}".prop_map(|t| Node::Text(t.into())),
        1 => "[^\u{0}]{0,8}".prop_map(|t| Node::CData(t.into())),
        1 => proptest::collection::vec(any::<u8>(), 0..8).prop_map(Node::Opaque),
        1 => "[a-z ]{0,6}".prop_map(Node::Comment),
    ]
}

/// An element whose name comes from `origin`, with attributes when literals are allowed.
#[derive(Clone, Debug)]
struct Shape {
    origin: Origin,
    name_index: usize,
    attrs: Vec<(String, String)>,
    children: Vec<ShapeNode>,
}

#[derive(Clone, Debug)]
enum ShapeNode {
    Element(Shape),
    Leaf(Node),
}

fn shape(literals: bool) -> impl Strategy<Value = Shape> {
    let origin = if literals {
        prop_oneof![
            3 => Just(Origin::SyncMl),
            2 => Just(Origin::MetInf),
            1 => Just(Origin::Literal)
        ]
        .boxed()
    } else {
        prop_oneof![3 => Just(Origin::SyncMl), 2 => Just(Origin::MetInf)].boxed()
    };
    let attrs = if literals {
        proptest::collection::vec(("a[a-z]{0,4}", "[^\u{0}]{0,6}"), 0..2).boxed()
    } else {
        Just(Vec::new()).boxed()
    };
    let leaf_shape =
        (origin.clone(), any::<usize>(), attrs.clone()).prop_map(|(origin, name_index, attrs)| {
            Shape {
                origin,
                name_index,
                attrs,
                children: Vec::new(),
            }
        });
    leaf_shape.prop_recursive(4, 40, 5, move |inner| {
        (
            origin.clone(),
            any::<usize>(),
            attrs.clone(),
            proptest::collection::vec(
                prop_oneof![
                    2 => inner.prop_map(ShapeNode::Element),
                    1 => leaf().prop_map(ShapeNode::Leaf)
                ],
                0..5,
            ),
        )
            .prop_map(|(origin, name_index, attrs, children)| Shape {
                origin,
                name_index,
                attrs,
                children,
            })
    })
}

/// Builds the element of a shape with the `xmlns` the decoder will imply:
/// SyncML on the root, MetInf on page-1 elements, SyncML on a page-0 element
/// inside a page-1 element; literal elements carry none.
fn build(s: &Shape, parent: Option<Origin>) -> Element {
    let pool = names(s.origin);
    let mut e = Element::new(pool[s.name_index % pool.len()]);
    let xmlns = match (s.origin, parent) {
        (Origin::SyncMl, None) => Some(NS_SYNCML12),
        (Origin::SyncMl, Some(Origin::MetInf)) => Some(NS_SYNCML12),
        (Origin::MetInf, _) => Some(NS_METINF),
        _ => None,
    };
    if let Some(ns) = xmlns {
        e = e.with_attr("xmlns", ns);
    }
    for (name, value) in &s.attrs {
        e = e.with_attr(name.as_str(), value.as_str());
    }
    for c in &s.children {
        match c {
            ShapeNode::Element(child) => e.push(build(child, Some(s.origin))),
            ShapeNode::Leaf(n) => e.children.push(n.clone()),
        }
    }
    e
}

/// What a tree reads back as after a WBXML round trip.
fn expected(e: &Element) -> Element {
    let mut out = Element {
        name: e.name.clone(),
        attrs: e.attrs.clone(),
        children: Vec::new(),
    };
    for n in &e.children {
        match n {
            Node::Element(c) => out.children.push(Node::Element(expected(c))),
            Node::Text(t) if t.is_empty() => {}
            Node::Text(t) => match out.children.last_mut() {
                Some(Node::Text(prev)) => prev.push_str(t),
                _ => out.children.push(Node::Text(t.clone())),
            },
            Node::CData(t) => out.children.push(Node::Opaque(t.as_bytes().to_vec())),
            Node::Opaque(b) => out.children.push(Node::Opaque(b.clone())),
            Node::Comment(_) => {}
        }
    }
    out
}

fn options() -> impl Strategy<Value = EncodeOptions> {
    (
        prop_oneof![
            Just(WbxmlVersion::V1_1),
            Just(WbxmlVersion::V1_2),
            Just(WbxmlVersion::V1_3)
        ],
        prop_oneof![
            Just(PublicIdForm::Numeric),
            Just(PublicIdForm::StringWithNul),
            Just(PublicIdForm::StringWithoutNul)
        ],
        any::<bool>(),
    )
        .prop_map(|(version, public_id, string_table)| EncodeOptions {
            version,
            public_id,
            string_table,
            ..EncodeOptions::default()
        })
}

fn syncml_root(s: Shape) -> Shape {
    Shape {
        origin: Origin::SyncMl,
        name_index: SYNCML_PAGE.tags().position(|(_, n)| n == "SyncML").unwrap(),
        ..s
    }
}

proptest! {
    #[test]
    fn trees_round_trip(s in shape(false).prop_map(syncml_root), opts in options()) {
        let tree = build(&s, None);
        let bytes = encode(&tree, &opts).expect("tokens exist for every generated name");
        let doc = decode(&bytes, &Limits::default()).expect("our own output decodes");
        prop_assert_eq!(doc.root, expected(&tree));
        prop_assert_eq!(doc.version, opts.version.byte());
    }

    #[test]
    fn trees_with_literals_round_trip(s in shape(true).prop_map(syncml_root), opts in options()) {
        let tree = build(&s, None);
        let opts = EncodeOptions { literals: true, ..opts };
        let bytes = encode(&tree, &opts).expect("literals cover every name");
        let doc = decode(&bytes, &Limits::default()).expect("our own output decodes");
        prop_assert_eq!(doc.root, expected(&tree));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = decode(&bytes, &Limits::default());
    }

    #[test]
    fn arbitrary_bodies_never_panic(body in proptest::collection::vec(any::<u8>(), 0..600)) {
        // A valid header makes the random bytes reach the token reader.
        let mut bytes = vec![0x02, 0xA4, 0x01, 0x6A, 0x00];
        bytes.extend(body);
        let _ = decode(&bytes, &Limits::default());
    }

    #[test]
    fn mutated_documents_never_panic(
        s in shape(true).prop_map(syncml_root),
        opts in options(),
        edits in proptest::collection::vec((any::<usize>(), any::<u8>(), 0..3u8), 1..6),
    ) {
        let tree = build(&s, None);
        let opts = EncodeOptions { literals: true, ..opts };
        let mut bytes = encode(&tree, &opts).expect("literals cover every name");
        for (at, byte, how) in edits {
            let at = at % (bytes.len() + 1);
            match how {
                0 if at < bytes.len() => bytes[at] = byte,
                1 => bytes.insert(at, byte),
                _ if at < bytes.len() => { bytes.remove(at); }
                _ => bytes.push(byte),
            }
        }
        let _ = decode(&bytes, &Limits::default());
    }
}
