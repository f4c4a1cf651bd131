//! The test vectors W1–W4 of dm-facts §1.10 (made with libwbxml's `xml2wbxml
//! -v 1.2 -n`), and the encoder's options and faults checked byte by byte.

use super::*;
use crate::model::{Chal, Command, Meta, MetaValue, SyncBody, SyncHdr};
use crate::tree::{NS_METINF, NS_SYNCML11, NS_SYNCML12, Node};

fn hex(s: &str) -> Vec<u8> {
    let clean: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    (0..clean.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&clean[i..i + 2], 16).expect("hex digit"))
        .collect()
}

fn loc(name: &str, uri: &str) -> Element {
    Element::new(name).with_child(Element::text("LocURI", uri))
}

fn metinf(name: &str, text: &str) -> Element {
    Element::text(name, text).with_attr("xmlns", NS_METINF)
}

const W1_HEX: &str = "02a4016a006d6c7103312e3200017203444d2f312e32000165033100015b033100016e570368747470733a2f2f6d646d2e6578616d706c652f6f6d61646d000101675703646576310001015a00014c0336353533360001010100006b464b033100014f0331323031000101120101";

fn w1_tree() -> Element {
    let hdr = Element::new("SyncHdr")
        .with_child(Element::text("VerDTD", "1.2"))
        .with_child(Element::text("VerProto", "DM/1.2"))
        .with_child(Element::text("SessionID", "1"))
        .with_child(Element::text("MsgID", "1"))
        .with_child(loc("Target", "https://mdm.example/omadm"))
        .with_child(loc("Source", "dev1"))
        .with_child(Element::new("Meta").with_child(metinf("MaxMsgSize", "65536")));
    let body = Element::new("SyncBody")
        .with_child(
            Element::new("Alert")
                .with_child(Element::text("CmdID", "1"))
                .with_child(Element::text("Data", "1201")),
        )
        .with_child(Element::new("Final"));
    Element::new("SyncML")
        .with_attr("xmlns", NS_SYNCML12)
        .with_child(hdr)
        .with_child(body)
}

const W3_HEX: &str = "02 A4 01 6A 00 6D 6C 71 03 31 2E 32 00 01 01 6B 12 01 01";
const W3_BODY_HEX: &str = "6D 6C 71 03 31 2E 32 00 01 01 6B 12 01 01";

fn w3_tree() -> Element {
    Element::new("SyncML")
        .with_attr("xmlns", NS_SYNCML12)
        .with_child(Element::new("SyncHdr").with_child(Element::text("VerDTD", "1.2")))
        .with_child(Element::new("SyncBody").with_child(Element::new("Final")))
}

#[test]
fn w1_encodes_exactly_and_decodes_back() {
    let bytes = encode(&w1_tree(), &EncodeOptions::default()).unwrap();
    assert_eq!(bytes, hex(W1_HEX));
    let doc = decode(&bytes, &Limits::default()).unwrap();
    assert_eq!(doc.version, 0x02);
    assert_eq!(doc.public_id, PublicId::Numeric(0x1201));
    assert_eq!(doc.charset, 106);
    assert_eq!(doc.root, w1_tree());
}

#[test]
fn w1_with_a_string_table_references_each_text_once() {
    let opts = EncodeOptions {
        string_table: true,
        ..EncodeOptions::default()
    };
    let bytes = encode(&w1_tree(), &opts).unwrap();
    // Seven distinct texts, 55 bytes with their NULs: "1" (three uses) is stored once.
    assert_eq!(&bytes[..5], [0x02, 0xA4, 0x01, 0x6A, 55]);
    assert!(
        bytes
            .windows(3)
            .filter(|w| *w == [0x03, b'1', 0x00])
            .count()
            == 0
    );
    assert_eq!(decode(&bytes, &Limits::default()).unwrap().root, w1_tree());
}

#[test]
fn w2_decodes_to_the_documented_meaning() {
    let bytes = hex(
        "02a4016a006d6c7103312e3200017203444d2f312e32000165033100015b033100016e57036465763100010167570368747470733a2f2f6d646d2e6578616d706c652f6f6d61646d000101016b694b033100015c033100014c033000014a0353796e634864720001495a0001530373796e636d6c3a617574682d6d643500014703623634000150035a4739695a576868646d554e43673d3d0001010100004f03343031000101604b03320001546e57032e2f56656e646f722f4d5346542f580001015a0001470362696e00010100004fc3024142010101120101",
    );
    let doc = decode(&bytes, &Limits::default()).unwrap();
    let chal = Element::new("Chal").with_child(
        Element::new("Meta")
            .with_child(metinf("Type", "syncml:auth-md5"))
            .with_child(metinf("Format", "b64"))
            .with_child(metinf("NextNonce", "ZG9iZWhhdmUNCg==")),
    );
    let status = Element::new("Status")
        .with_child(Element::text("CmdID", "1"))
        .with_child(Element::text("MsgRef", "1"))
        .with_child(Element::text("CmdRef", "0"))
        .with_child(Element::text("Cmd", "SyncHdr"))
        .with_child(chal)
        .with_child(Element::text("Data", "401"));
    let mut data = Element::new("Data");
    data.children.push(Node::Opaque(b"AB".to_vec()));
    let replace = Element::new("Replace")
        .with_child(Element::text("CmdID", "2"))
        .with_child(
            Element::new("Item")
                .with_child(loc("Target", "./Vendor/MSFT/X"))
                .with_child(Element::new("Meta").with_child(metinf("Format", "bin")))
                .with_child(data),
        );
    let hdr = Element::new("SyncHdr")
        .with_child(Element::text("VerDTD", "1.2"))
        .with_child(Element::text("VerProto", "DM/1.2"))
        .with_child(Element::text("SessionID", "1"))
        .with_child(Element::text("MsgID", "1"))
        .with_child(loc("Target", "dev1"))
        .with_child(loc("Source", "https://mdm.example/omadm"));
    let expected = Element::new("SyncML")
        .with_attr("xmlns", NS_SYNCML12)
        .with_child(hdr)
        .with_child(
            Element::new("SyncBody")
                .with_child(status)
                .with_child(replace)
                .with_child(Element::new("Final")),
        );
    assert_eq!(doc.root, expected);
    // And our encoder writes the same bytes for it.
    assert_eq!(encode(&expected, &EncodeOptions::default()).unwrap(), bytes);
}

#[test]
fn w3_encodes_exactly_and_decodes_back() {
    assert_eq!(
        encode(&w3_tree(), &EncodeOptions::default()).unwrap(),
        hex(W3_HEX)
    );
    assert_eq!(
        decode(&hex(W3_HEX), &Limits::default()).unwrap().root,
        w3_tree()
    );
}

#[test]
fn w4_string_public_ids_with_and_without_nul() {
    let fpi = "-//SYNCML//DTD SyncML 1.2//EN";
    let mut with_nul = hex("02 00 00 6A 1E");
    with_nul.extend_from_slice(fpi.as_bytes());
    with_nul.push(0);
    with_nul.extend(hex(W3_BODY_HEX));
    let mut without_nul = hex("02 00 00 6A 1D");
    without_nul.extend_from_slice(fpi.as_bytes());
    without_nul.extend(hex(W3_BODY_HEX));

    for (bytes, nul) in [(&with_nul, true), (&without_nul, false)] {
        let doc = decode(bytes, &Limits::default()).unwrap();
        assert_eq!(
            doc.public_id,
            PublicId::String {
                fpi: fpi.into(),
                nul_terminated: nul
            }
        );
        assert_eq!(doc.root, w3_tree());
        let form = if nul {
            PublicIdForm::StringWithNul
        } else {
            PublicIdForm::StringWithoutNul
        };
        let opts = EncodeOptions {
            public_id: form,
            ..EncodeOptions::default()
        };
        assert_eq!(&encode(&w3_tree(), &opts).unwrap(), bytes);
    }
}

#[test]
fn alternate_fpi_spelling_and_syncml_11() {
    let fpi = "-//OMA//DTD SYNCML 1.2//EN";
    let mut bytes = vec![0x03, 0x00, 0x00, 0x6A, fpi.len() as u8 + 1];
    bytes.extend_from_slice(fpi.as_bytes());
    bytes.push(0);
    bytes.extend(hex(W3_BODY_HEX));
    assert_eq!(decode(&bytes, &Limits::default()).unwrap().root, w3_tree());

    let mut v11 = w3_tree();
    v11.attrs[0].value = NS_SYNCML11.into();
    let opts = EncodeOptions {
        version: WbxmlVersion::V1_1,
        ..EncodeOptions::default()
    };
    let bytes = encode(&v11, &opts).unwrap();
    assert_eq!(&bytes[..3], [0x01, 0x9F, 0x53]);
    let doc = decode(&bytes, &Limits::default()).unwrap();
    assert_eq!(doc.root, v11);
    assert_eq!(doc.public_id, PublicId::Numeric(0x0FD3));
}

#[test]
fn metinf_children_left_in_the_syncml_namespace_get_metinf_tokens() {
    // As in many Microsoft samples: <Meta><Format>int</Format></Meta> without xmlns.
    let root = Element::new("SyncML")
        .with_attr("xmlns", NS_SYNCML12)
        .with_child(
            Element::new("SyncBody")
                .with_child(Element::new("Meta").with_child(Element::text("Format", "int"))),
        );
    let bytes = encode(&root, &EncodeOptions::default()).unwrap();
    assert!(
        bytes.ends_with(&hex("6D 6B 5A 00 01 47 03 69 6E 74 00 01 01 01 01")),
        "{bytes:02X?}"
    );
    let back = decode(&bytes, &Limits::default()).unwrap().root;
    assert_eq!(back.normalized(), root.normalized());
    let format = back
        .child("SyncBody")
        .unwrap()
        .child("Meta")
        .unwrap()
        .child("Format");
    assert_eq!(format.unwrap().attr("xmlns"), Some(NS_METINF));
}

#[test]
fn page_zero_inside_page_one_gets_the_syncml_namespace_back() {
    let root = w3_tree().with_child(
        Element::new("Anchor")
            .with_attr("xmlns", NS_METINF)
            .with_child(Element::text("LocURI", "x").with_attr("xmlns", NS_SYNCML12)),
    );
    let bytes = encode(&root, &EncodeOptions::default()).unwrap();
    assert_eq!(decode(&bytes, &Limits::default()).unwrap().root, root);
}

#[test]
fn cdata_and_opaque_become_opaque_and_comments_vanish() {
    let mut data = Element::new("Data");
    data.children.push(Node::CData("<a/>".into()));
    data.children.push(Node::Comment("gone".into()));
    data.children.push(Node::Opaque(vec![0, 0xFF]));
    let root = Element::new("SyncML").with_child(data);
    let bytes = encode(&root, &EncodeOptions::default()).unwrap();
    assert!(bytes.ends_with(&hex("6D 4F C3 04 3C 61 2F 3E C3 02 00 FF 01 01")));
    let back = decode(&bytes, &Limits::default()).unwrap().root;
    assert_eq!(
        back.child("Data").unwrap().children,
        [Node::Opaque(b"<a/>".to_vec()), Node::Opaque(vec![0, 0xFF])]
    );
}

#[test]
fn unknown_elements_and_attributes_are_refused_without_literals() {
    let root = w3_tree().with_child(Element::text("Bogus", "x"));
    let err = encode(&root, &EncodeOptions::default()).unwrap_err();
    assert_eq!(err.path, "SyncML/Bogus");
    assert!(matches!(err.kind, EncodeErrorKind::NoToken { ref name, .. } if name == "Bogus"));

    let data = Element::text("Data", "500").with_attr("msft:originalerror", "0x86000002");
    let root = w3_tree().with_child(data);
    let err = encode(&root, &EncodeOptions::default()).unwrap_err();
    assert_eq!(err.path, "SyncML/Data");
    assert_eq!(
        err.kind,
        EncodeErrorKind::Attribute {
            name: "msft:originalerror".into()
        }
    );

    let foreign = Element::new("DevInf").with_attr("xmlns", "syncml:devinf");
    let err = encode(&w3_tree().with_child(foreign), &EncodeOptions::default()).unwrap_err();
    assert!(
        matches!(err.kind, EncodeErrorKind::NoToken { ref namespace, .. } if namespace == "syncml:devinf")
    );
}

#[test]
fn literals_write_what_has_no_token_and_read_back() {
    let body = Element::new("SyncBody")
        .with_attr("xmlns:msft", crate::tree::NS_MSFT)
        .with_child(Element::text("Bogus", "x"))
        .with_child(Element::text("Data", "500").with_attr("msft:originalerror", "0x86000002"))
        .with_child(Element::new("msft:Empty"));
    let root = w3_tree().with_child(body);
    for string_table in [false, true] {
        let opts = EncodeOptions {
            literals: true,
            string_table,
            ..EncodeOptions::default()
        };
        let bytes = encode(&root, &opts).unwrap();
        let back = decode(&bytes, &Limits::default()).unwrap().root;
        assert_eq!(back, root, "string table {string_table}");
    }
}

#[test]
fn text_with_nul_is_refused() {
    let root = w3_tree().with_child(Element::text("Data", "a\0b"));
    let err = encode(&root, &EncodeOptions::default()).unwrap_err();
    assert_eq!(err.kind, EncodeErrorKind::NulInText);
}

#[test]
fn switch_page_is_sticky() {
    let meta = Element::new("Meta")
        .with_child(metinf("Format", "int"))
        .with_child(metinf("Type", "text/plain"));
    let root = Element::new("SyncML").with_child(meta);
    let bytes = encode(&root, &EncodeOptions::default()).unwrap();
    let expected = "02 A4 01 6A 00 6D 5A 00 01 47 03 69 6E 74 00 01 53 03 74 65 78 74 2F 70 6C 61 69 6E 00 01 01 01";
    assert_eq!(bytes, hex(expected));
}

fn decode_err(bytes: &[u8]) -> crate::error::DecodeError {
    decode(bytes, &Limits::default()).unwrap_err()
}

#[test]
fn fault_wrong_public_id() {
    let opts = EncodeOptions {
        fault: Some(Fault::WrongPublicId(0x1203)),
        ..EncodeOptions::default()
    };
    let bytes = encode(&w3_tree(), &opts).unwrap();
    assert_eq!(&bytes[..3], [0x02, 0xA4, 0x03]);
    let err = decode_err(&bytes);
    assert_eq!(err.offset, 1);
    assert!(err.to_string().contains("DevInf12"), "{err}");
}

#[test]
fn fault_dangling_string_reference() {
    let opts = EncodeOptions {
        fault: Some(Fault::DanglingStringReference),
        string_table: true,
        ..EncodeOptions::default()
    };
    let bytes = encode(&w1_tree(), &opts).unwrap();
    let table_len = usize::from(bytes[4]);
    let err = decode_err(&bytes);
    // The first text is VerDTD's: SyncML, SyncHdr, VerDTD tags, then the STR_T.
    assert_eq!(err.offset, 5 + table_len + 3);
    assert_eq!(bytes[err.offset], 0x83);
    assert_eq!(usize::from(bytes[err.offset + 1]), table_len);
    assert!(err.to_string().contains("past the end"), "{err}");

    let empty = Element::new("SyncML").with_child(Element::new("Final"));
    let bytes = encode(&empty, &opts).unwrap();
    assert_eq!(bytes, hex("02 A4 01 6A 00 6D 83 00 12 01"));
}

#[test]
fn fault_unknown_tag_token() {
    let opts = EncodeOptions {
        fault: Some(Fault::UnknownTagToken),
        ..EncodeOptions::default()
    };
    let bytes = encode(&w3_tree(), &opts).unwrap();
    assert_eq!(
        bytes,
        hex("02 A4 01 6A 00 6D 6C 71 03 31 2E 32 00 01 01 6B 3F 12 01 01")
    );
    let err = decode_err(&bytes);
    assert_eq!(err.offset, 16);
    assert_eq!(err.path, "SyncML/SyncBody");
}

#[test]
fn fault_truncate() {
    let opts = EncodeOptions {
        fault: Some(Fault::Truncate { drop_last: 0 }),
        ..EncodeOptions::default()
    };
    let bytes = encode(&w3_tree(), &opts).unwrap();
    assert_eq!(bytes, hex(W3_HEX)[..hex(W3_HEX).len() - 1]);
    let err = decode_err(&bytes);
    assert!(matches!(
        err.kind,
        crate::error::DecodeErrorKind::Truncated(_)
    ));
    assert_eq!(err.offset, bytes.len());
}

#[test]
fn messages_round_trip_through_the_typed_view() {
    let (message, defects) = Message::from_element(&w1_tree());
    assert!(defects.is_empty(), "{defects:?}");
    let bytes = encode_message(&message, &EncodeOptions::default()).unwrap();
    assert_eq!(bytes, hex(W1_HEX));
    let (back, defects, doc) = decode_message(&bytes, &Limits::default()).unwrap();
    assert!(defects.is_empty());
    assert_eq!(back, message);
    assert_eq!(doc.root, w1_tree());
}

#[test]
fn binary_next_nonce_is_opaque_both_ways() {
    let nonce: Vec<u8> = (0..16u8).map(|i| i * 0x11).collect();
    let mut status = Command::status("1", "1", "0", "SyncHdr", 401);
    status.chal = Some(Chal {
        meta: Some(Meta {
            next_nonce: Some(MetaValue::Bytes(nonce.clone())),
            ..Meta::default()
        }),
    });
    let message = Message::new(
        SyncHdr::new("1", 1, "dev1", "https://mdm.example/omadm"),
        SyncBody::with_commands([status]),
    );
    let bytes = encode_message(&message, &EncodeOptions::default()).unwrap();
    // <Chal><Meta> SWITCH_PAGE 1 <NextNonce> OPAQUE 16 bytes </NextNonce></Meta></Chal>
    let mut expected = hex("49 5A 00 01 50 C3 10");
    expected.extend_from_slice(&nonce);
    expected.extend(hex("01 01 01"));
    assert!(
        bytes.windows(expected.len()).any(|w| w == expected),
        "{bytes:02X?}"
    );
    let (back, defects, _) = decode_message(&bytes, &Limits::default()).unwrap();
    assert!(defects.is_empty(), "{defects:?}");
    let chal = back.commands().next().unwrap().chal.as_ref().unwrap();
    assert_eq!(
        chal.meta.as_ref().unwrap().next_nonce,
        Some(MetaValue::Bytes(nonce))
    );
}
