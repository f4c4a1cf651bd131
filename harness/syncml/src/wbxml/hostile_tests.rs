//! Hostile WBXML: each way a document can be broken gives a `DecodeError` of
//! the right kind at the right byte offset.

use super::*;
use crate::error::DecodeErrorKind;

/// A SyncML 1.2 header without a string table, then `body`.
fn doc(body: &[u8]) -> Vec<u8> {
    let mut d = vec![0x02, 0xA4, 0x01, 0x6A, 0x00];
    d.extend_from_slice(body);
    d
}

fn err(bytes: &[u8]) -> DecodeError {
    err_with(bytes, &Limits::default())
}

fn err_with(bytes: &[u8], limits: &Limits) -> DecodeError {
    match decode(bytes, limits) {
        Ok(d) => panic!("decoded {:?}", d.root),
        Err(e) => e,
    }
}

fn is_malformed(e: &DecodeError, needle: &str) -> bool {
    matches!(&e.kind, DecodeErrorKind::Malformed(m) if m.contains(needle))
}

#[test]
fn empty_input() {
    assert_eq!(err(&[]).kind, DecodeErrorKind::Empty);
}

#[test]
fn too_large_input() {
    let limits = Limits {
        max_input: 7,
        ..Limits::default()
    };
    let e = err_with(&doc(&[0x6D, 0x12, 0x01]), &limits);
    assert_eq!(e.kind, DecodeErrorKind::TooLarge { size: 8, limit: 7 });
    assert_eq!(e.offset, 0);
}

#[test]
fn every_truncation_of_a_valid_document_is_an_error() {
    let full = doc(&[
        0x6D, 0x6C, 0x71, 0x03, b'1', b'.', b'2', 0x00, 0x01, 0x5A, 0x00, 0x01, 0x50, 0xC3, 0x02,
        0xAB, 0xCD, 0x01, 0x01, 0x01, 0x00, 0x00, 0x6B, 0x12, 0x01, 0x01,
    ]);
    assert!(decode(&full, &Limits::default()).is_ok());
    for cut in 1..full.len() {
        let e = err(&full[..cut]);
        assert!(
            matches!(e.kind, DecodeErrorKind::Truncated(_)),
            "cut at {cut}: {e}"
        );
        assert!(e.offset <= cut, "cut at {cut}: offset {}", e.offset);
    }
}

#[test]
fn truncated_inline_string_names_the_end() {
    let bytes = doc(&[0x6D, 0x71, 0x03, b'1', b'.']);
    let e = err(&bytes);
    assert!(matches!(e.kind, DecodeErrorKind::Truncated(ref m) if m.contains("STR_I")));
    assert_eq!(e.offset, bytes.len());
    assert_eq!(e.path, "SyncML/VerDTD");
}

#[test]
fn string_table_reference_past_the_end() {
    // A 4-byte table "abc\0"; STR_T 4 is one past it, STR_T 200 far past it.
    for offset in [0x04u8, 0x7F] {
        let bytes = vec![
            0x02, 0xA4, 0x01, 0x6A, 0x04, b'a', b'b', b'c', 0x00, 0x6D, 0x83, offset, 0x01,
        ];
        let e = err(&bytes);
        assert_eq!(e.offset, 10);
        assert!(is_malformed(&e, "past the end"), "{e}");
    }
}

#[test]
fn string_table_reference_into_the_middle_of_an_entry() {
    let bytes = vec![
        0x02, 0xA4, 0x01, 0x6A, 0x04, b'a', b'b', b'c', 0x00, 0x6D, 0x83, 0x01, 0x01,
    ];
    let root = decode(&bytes, &Limits::default()).unwrap().root;
    assert_eq!(root.text_content(), "bc");
}

#[test]
fn string_table_entry_without_nul() {
    let bytes = vec![
        0x02, 0xA4, 0x01, 0x6A, 0x03, b'a', b'b', b'c', 0x6D, 0x83, 0x00, 0x01,
    ];
    let e = err(&bytes);
    assert_eq!(e.offset, 9);
    assert!(is_malformed(&e, "without a NUL"), "{e}");
}

#[test]
fn string_table_longer_than_the_input() {
    let bytes = vec![0x02, 0xA4, 0x01, 0x6A, 0x8F, 0xFF, 0xFF, 0xFF, 0x7F, 0x00];
    let e = err(&bytes);
    assert_eq!(e.offset, 4);
    assert!(matches!(e.kind, DecodeErrorKind::Truncated(ref m) if m.contains("string table")));
}

#[test]
fn public_id_index_outside_the_string_table() {
    let bytes = vec![0x02, 0x00, 0x05, 0x6A, 0x02, b'a', 0x00, 0x6D, 0x01];
    let e = err(&bytes);
    assert_eq!(e.offset, 1);
    assert!(is_malformed(&e, "outside the string table"), "{e}");
}

#[test]
fn public_id_of_another_document() {
    let bytes = vec![0x02, 0xA4, 0x03, 0x6A, 0x00, 0x6D, 0x01];
    let e = err(&bytes);
    assert_eq!(e.offset, 1);
    assert!(is_malformed(&e, "DevInf12"), "{e}");
    let unregistered = vec![0x02, 0x81, 0x7F, 0x6A, 0x00, 0x6D, 0x01];
    assert!(is_malformed(&err(&unregistered), "unregistered"));
}

#[test]
fn unknown_public_id_reads_as_syncml_12() {
    let bytes = vec![0x03, 0x01, 0x6A, 0x00, 0x6D, 0x01];
    let doc = decode(&bytes, &Limits::default()).unwrap();
    assert_eq!(doc.root.attr("xmlns"), Some(crate::tree::NS_SYNCML12));
}

#[test]
fn unsupported_versions_and_charsets() {
    let e = err(&[0x00, 0xA4, 0x01, 0x6A, 0x00, 0x6D, 0x01]);
    assert_eq!(e.offset, 0);
    assert!(is_malformed(&e, "version"));
    assert_eq!(err(&[0x04, 0xA4, 0x01, 0x6A, 0x00, 0x6D, 0x01]).offset, 0);
    let e = err(&[0x02, 0xA4, 0x01, 0x04, 0x00, 0x6D, 0x01]);
    assert_eq!(e.offset, 3);
    assert!(matches!(e.kind, DecodeErrorKind::Encoding(ref m) if m.contains("MIBenum 4")));
}

#[test]
fn unknown_tag_tokens() {
    // 0x30 is reserved on page 0, 0x3D is past the table; 0x17 is past the MetInf table.
    for (body, offset) in [
        (vec![0x6D, 0x30, 0x01], 6),
        (vec![0x6D, 0x7D, 0x01, 0x01], 6),
        (vec![0x6D, 0x00, 0x01, 0x57, 0x01], 8),
    ] {
        let e = err(&doc(&body));
        assert_eq!(e.offset, offset, "{e}");
        assert!(is_malformed(&e, "unknown tag token"), "{e}");
        assert_eq!(e.path, "SyncML");
    }
}

#[test]
fn switch_to_an_unknown_code_page() {
    let e = err(&doc(&[0x6D, 0x00, 0x02, 0x45, 0x01, 0x01]));
    assert_eq!(e.offset, 7);
    assert!(is_malformed(&e, "code page 2"), "{e}");
}

#[test]
fn absurd_lengths() {
    // OPAQUE of 4 GiB - 1 with three bytes left.
    let e = err(&doc(&[
        0x6D, 0xC3, 0x8F, 0xFF, 0xFF, 0xFF, 0x7F, 0x01, 0x01, 0x01,
    ]));
    assert_eq!(e.offset, 7);
    assert!(matches!(e.kind, DecodeErrorKind::Truncated(ref m) if m.contains("opaque")));
    // An mb_u_int32 of six bytes.
    let e = err(&doc(&[
        0x6D, 0xC3, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0x01,
    ]));
    assert_eq!(e.offset, 7);
    assert!(is_malformed(&e, "32 bits"), "{e}");
    // A value that overflows 32 bits in five bytes.
    let e = err(&doc(&[0x6D, 0x83, 0x90, 0x80, 0x80, 0x80, 0x00, 0x01]));
    assert!(is_malformed(&e, "32 bits"), "{e}");
}

#[test]
fn opaque_longer_than_the_text_limit() {
    let limits = Limits {
        max_text: 2,
        ..Limits::default()
    };
    let e = err_with(&doc(&[0x6D, 0xC3, 0x03, 1, 2, 3, 0x01]), &limits);
    assert_eq!(e.offset, 6);
    assert_eq!(
        e.kind,
        DecodeErrorKind::TextTooLong {
            length: 3,
            limit: 2
        }
    );
    let e = err_with(&doc(&[0x6D, 0x03, b'a', b'b', b'c', 0x00, 0x01]), &limits);
    assert_eq!(
        e.kind,
        DecodeErrorKind::TextTooLong {
            length: 3,
            limit: 2
        }
    );
}

#[test]
fn deep_nesting() {
    let limits = Limits::default();
    let mut body = vec![0x6D];
    body.extend(std::iter::repeat_n(0x54, 200));
    let e = err(&doc(&body));
    assert_eq!(
        e.kind,
        DecodeErrorKind::TooDeep {
            limit: limits.max_depth
        }
    );
    assert_eq!(e.offset, 5 + limits.max_depth);
    // A million levels neither overflow the stack nor pass the limit.
    let mut body = vec![0x6D];
    body.extend(std::iter::repeat_n(0x54, 1_000_000));
    assert!(matches!(
        err(&doc(&body)).kind,
        DecodeErrorKind::TooDeep { .. }
    ));
}

#[test]
fn too_many_elements() {
    let limits = Limits {
        max_elements: 3,
        ..Limits::default()
    };
    let e = err_with(&doc(&[0x6D, 0x12, 0x12, 0x12, 0x01]), &limits);
    assert_eq!(e.kind, DecodeErrorKind::TooManyElements { limit: 3 });
    assert_eq!(e.offset, 8);
}

#[test]
fn attribute_tokens_ext_and_pi() {
    // SyncML with attributes whose start is a code-page token (none are defined).
    let e = err(&doc(&[0xED, 0x05, 0x03, b'x', 0x00, 0x01, 0x01]));
    assert_eq!(e.offset, 6);
    assert!(is_malformed(&e, "no attribute tokens"), "{e}");
    // A value before any name.
    let e = err(&doc(&[0xED, 0x03, b'x', 0x00, 0x01, 0x01]));
    assert_eq!(e.offset, 6);
    // OPAQUE as an attribute value.
    let e = err(&doc(&[0xED, 0xC3, 0x00, 0x01, 0x01]));
    assert_eq!(e.offset, 6);
    for ext in [0x40, 0x41, 0x42, 0x80, 0x81, 0x82, 0xC0, 0xC1, 0xC2] {
        let e = err(&doc(&[0x6D, ext, 0x01]));
        assert_eq!(e.offset, 6);
        assert!(is_malformed(&e, "extension"), "{e}");
    }
    let e = err(&doc(&[0x43, 0x05, 0x01, 0x6D, 0x01]));
    assert_eq!(e.offset, 5);
    assert!(is_malformed(&e, "PI"), "{e}");
}

#[test]
fn literal_tag_outside_the_string_table() {
    let e = err(&doc(&[0x6D, 0x44, 0x03, 0x01, 0x01]));
    assert_eq!(e.offset, 6);
    assert!(is_malformed(&e, "past the end"), "{e}");
    // The Nokia form (an attribute named by string-table index 0 with no table).
    let e = err(&doc(&[0xED, 0x04, 0x00, 0x03, b'S', 0x00, 0x01, 0x01]));
    assert_eq!(e.offset, 6);
}

#[test]
fn structure_errors() {
    let e = err(&doc(&[0x03, b'x', 0x00, 0x6D, 0x01]));
    assert_eq!(e.offset, 5);
    assert!(is_malformed(&e, "outside the root"), "{e}");
    let e = err(&doc(&[0x01]));
    assert!(is_malformed(&e, "END with no open element"), "{e}");
    let e = err(&doc(&[0x6D, 0x01, 0x12]));
    assert_eq!(e.offset, 7);
    assert!(is_malformed(&e, "after the end of the root"), "{e}");
    let e = err(&doc(&[]));
    assert!(matches!(e.kind, DecodeErrorKind::Truncated(ref m) if m.contains("no root")));
}

#[test]
fn bad_text_encodings() {
    let e = err(&doc(&[0x6D, 0x03, 0xC3, 0x28, 0x00, 0x01]));
    assert_eq!(e.offset, 6);
    assert!(matches!(e.kind, DecodeErrorKind::Encoding(_)));
    let e = err(&doc(&[0x6D, 0x02, 0x83, 0xB0, 0x00, 0x01]));
    assert_eq!(e.offset, 6);
    assert!(matches!(e.kind, DecodeErrorKind::Encoding(ref m) if m.contains("D800")));
    let ok = decode(&doc(&[0x6D, 0x02, 0x81, 0x69, 0x01]), &Limits::default()).unwrap();
    assert_eq!(ok.root.text_content(), "\u{E9}");
}

#[test]
fn string_table_references_cannot_amplify_the_input() {
    // One 1000-byte entry referenced 3000 times would be 3 MB of text from 7 kB.
    let limits = Limits {
        max_input: 100_000,
        ..Limits::default()
    };
    let mut bytes = vec![0x02, 0xA4, 0x01, 0x6A, 0x87, 0x69];
    bytes.extend(std::iter::repeat_n(b'x', 1000));
    bytes.push(0);
    bytes.push(0x6D);
    for _ in 0..3000 {
        bytes.extend([0x4F, 0x83, 0x00, 0x01]);
    }
    bytes.push(0x01);
    let e = err_with(&bytes, &limits);
    assert!(
        matches!(
            e.kind,
            DecodeErrorKind::TooLarge {
                size: 100_001..=101_000,
                limit: 100_000
            }
        ),
        "{e}"
    );
    // The STR_T of the 101st reference (after 6 header bytes, the table, the root tag).
    assert_eq!(e.offset, 1008 + 100 * 4 + 1);
}

#[test]
fn merged_text_is_bounded_too() {
    let limits = Limits {
        max_text: 4,
        ..Limits::default()
    };
    let e = err_with(
        &doc(&[
            0x6D, 0x03, b'a', b'b', 0x00, 0x03, b'c', b'd', b'e', 0x00, 0x01,
        ]),
        &limits,
    );
    assert_eq!(
        e.kind,
        DecodeErrorKind::TextTooLong {
            length: 5,
            limit: 4
        }
    );
    assert_eq!(e.offset, 10);
}

#[test]
fn attributes_count_toward_the_element_limit() {
    // A string table holding "a", then SyncML with five attributes named by it.
    let mut bytes = vec![0x02, 0xA4, 0x01, 0x6A, 0x02, b'a', 0x00, 0xED];
    for _ in 0..5 {
        bytes.extend_from_slice(&[0x04, 0x00]);
    }
    bytes.extend_from_slice(&[0x01, 0x01]);
    let limits = Limits {
        max_elements: 4,
        ..Limits::default()
    };
    let e = err_with(&bytes, &limits);
    assert_eq!(e.kind, DecodeErrorKind::TooManyElements { limit: 4 });
    let roomy = Limits {
        max_elements: 6,
        ..Limits::default()
    };
    let d = decode(&bytes, &roomy).unwrap();
    assert_eq!(d.root.attrs.iter().filter(|a| a.name == "a").count(), 5);
}
