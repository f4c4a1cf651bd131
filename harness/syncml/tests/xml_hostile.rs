//! The XML reader against hostile and broken input: every case ends in a
//! value (an error with its offset and path, or a bounded tree), never a panic,
//! a hang or an expansion.

use syncml::xml::{self, XmlDefectKind};
use syncml::{DecodeErrorKind, Limits, Node};

const MESSAGE: &str = r#"<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><VerDTD>1.2</VerDTD><MsgID>1</MsgID></SyncHdr><SyncBody><Get><CmdID>2</CmdID><Item><Target><LocURI>./DevDetail/SwV</LocURI></Target></Item></Get><Final/></SyncBody></SyncML>"#;

fn limits() -> Limits {
    Limits::default()
}

fn err(input: &[u8]) -> syncml::DecodeError {
    xml::read(input, &limits()).expect_err("must be refused")
}

#[test]
fn billion_laughs_is_refused_before_any_expansion() {
    let mut doc =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
    for i in 1..10 {
        let prev = if i == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", i - 1)
        };
        doc.push_str(&format!(
            " <!ENTITY lol{i} \"{}\">\n",
            format!("&{prev};").repeat(10)
        ));
    }
    doc.push_str("]>\n<lolz>&lol9;</lolz>");
    let e = err(doc.as_bytes());
    assert_eq!(e.kind, DecodeErrorKind::EntityDeclaration);
    assert_eq!(e.offset, 22, "offset of the DOCTYPE");
}

#[test]
fn doctype_without_entities_is_kept_as_text() {
    let input = b"<!DOCTYPE SyncML PUBLIC \"-//SYNCML//DTD SyncML 1.1//EN\" \"x.dtd\"><SyncML/>";
    let doc = xml::read(input, &limits()).unwrap();
    assert_eq!(
        doc.prolog.doctype.as_deref(),
        Some("SyncML PUBLIC \"-//SYNCML//DTD SyncML 1.1//EN\" \"x.dtd\"")
    );
}

#[test]
fn unknown_entity_reference_is_an_error_with_its_path() {
    let e = err(b"<SyncML><SyncBody><Add>&bogus;</Add></SyncBody></SyncML>");
    assert!(
        matches!(&e.kind, DecodeErrorKind::Malformed(m) if m.contains("&bogus;")),
        "{e}"
    );
    assert_eq!(e.path, "SyncML/SyncBody/Add");
    assert_eq!(e.offset, 23);
}

#[test]
fn depth_bomb_is_refused_at_the_limit() {
    let input = "<a>".repeat(1_000_000);
    let e = err(input.as_bytes());
    assert_eq!(e.kind, DecodeErrorKind::TooDeep { limit: 64 });
    assert_eq!(e.offset, 64 * 3, "offset of the 65th start tag");
    assert_eq!(e.path.split('/').count(), 64);
}

#[test]
fn depth_up_to_the_limit_is_accepted() {
    let depth = limits().max_depth;
    let input = format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth));
    assert!(xml::read(input.as_bytes(), &limits()).is_ok());
}

#[test]
fn element_count_is_bounded() {
    let tight = Limits {
        max_elements: 10,
        ..Limits::default()
    };
    let input = format!("<r>{}</r>", "<x/>".repeat(10));
    let e = xml::read(input.as_bytes(), &tight).unwrap_err();
    assert_eq!(e.kind, DecodeErrorKind::TooManyElements { limit: 10 });
    assert_eq!(e.path, "r");
}

#[test]
fn text_comment_cdata_and_attribute_lengths_are_bounded() {
    let tight = Limits {
        max_text: 8,
        ..Limits::default()
    };
    for input in [
        "<r>123456789</r>",
        "<r>1234&amp;6789</r>",
        "<r><![CDATA[12345]]><![CDATA[6789]]></r>",
        "<r><!--123456789--></r>",
        "<r a=\"123456789\"/>",
    ] {
        let e = xml::read(input.as_bytes(), &tight).unwrap_err();
        assert!(
            matches!(e.kind, DecodeErrorKind::TextTooLong { limit: 8, .. }),
            "{input}: {e}"
        );
    }
    assert!(xml::read(b"<r>12345678</r>", &tight).is_ok());
}

#[test]
fn input_over_max_input_is_refused_before_parsing() {
    let tight = Limits {
        max_input: 16,
        ..Limits::default()
    };
    // Malformed from its first byte, yet the size is what is reported.
    let input = b"<<<<<<<<<<<<<<<<<<<<";
    let e = xml::read(input, &tight).unwrap_err();
    assert_eq!(
        e.kind,
        DecodeErrorKind::TooLarge {
            size: 20,
            limit: 16
        }
    );
    assert_eq!(e.offset, 0);
    let e = xml::read_fragment(input, &tight).unwrap_err();
    assert_eq!(
        e.kind,
        DecodeErrorKind::TooLarge {
            size: 20,
            limit: 16
        }
    );
}

#[test]
fn empty_input() {
    assert_eq!(err(b"").kind, DecodeErrorKind::Empty);
    assert_eq!(err(b" \r\n\t").kind, DecodeErrorKind::Empty);
    assert_eq!(err(b"\xEF\xBB\xBF").kind, DecodeErrorKind::Empty);
    assert_eq!(
        xml::read_fragment(b"", &limits()).unwrap(),
        Vec::<Node>::new()
    );
    let e = err(b"<!-- only a comment -->");
    assert!(matches!(e.kind, DecodeErrorKind::Malformed(_)), "{e}");
}

#[test]
fn truncation_anywhere_is_an_error_with_an_offset_inside_the_input() {
    let bytes = MESSAGE.as_bytes();
    for cut in 1..bytes.len() {
        let e = xml::read(&bytes[..cut], &limits()).unwrap_err();
        assert!(
            matches!(
                e.kind,
                DecodeErrorKind::Truncated(_) | DecodeErrorKind::Malformed(_)
            ),
            "cut at {cut}: {e}"
        );
        assert!(e.offset <= cut, "cut at {cut}: {e}");
    }
}

#[test]
fn truncation_inside_content_names_the_open_elements() {
    let cut = MESSAGE.find("<Final/>").unwrap();
    let e = xml::read(&MESSAGE.as_bytes()[..cut], &limits()).unwrap_err();
    assert!(matches!(e.kind, DecodeErrorKind::Truncated(_)), "{e}");
    assert_eq!(e.offset, cut);
    assert_eq!(e.path, "SyncML/SyncBody");
    let cut = MESSAGE.find("VerDTD").unwrap() + 2;
    let e = xml::read(&MESSAGE.as_bytes()[..cut], &limits()).unwrap_err();
    assert!(matches!(e.kind, DecodeErrorKind::Truncated(_)), "{e}");
    assert_eq!(e.path, "SyncML/SyncHdr");
}

#[test]
fn encodings() {
    let bom = [b"\xEF\xBB\xBF".as_slice(), MESSAGE.as_bytes()].concat();
    assert!(xml::read(&bom, &limits()).is_ok(), "UTF-8 BOM accepted");

    for utf16 in [
        b"\xFF\xFE<\0S\0".as_slice(),
        b"\xFE\xFF\0<\0S".as_slice(),
        b"<\0S\0".as_slice(),
    ] {
        assert!(matches!(err(utf16).kind, DecodeErrorKind::Encoding(_)));
    }

    let e = err(b"<SyncML><Data>caf\xE9</Data></SyncML>");
    assert!(matches!(e.kind, DecodeErrorKind::Encoding(_)), "{e}");

    // A Latin-1 declaration over ASCII bytes is still recorded: the reader
    // read UTF-8 whatever was declared.
    let doc = xml::read(
        b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><SyncML/>",
        &limits(),
    )
    .unwrap();
    assert_eq!(
        doc.defects[0].kind,
        XmlDefectKind::DeclaredEncodingIgnored {
            declared: "ISO-8859-1".into()
        }
    );
    let doc = xml::read(
        b"<?xml version='1.0' encoding='UTF-8'?><SyncML/>",
        &limits(),
    )
    .unwrap();
    assert!(doc.defects.is_empty());
    let decl = doc.prolog.declaration.unwrap();
    assert_eq!(decl.version, "1.0");
    assert_eq!(decl.encoding.as_deref(), Some("UTF-8"));
}

#[test]
fn characters_xml_forbids_are_refused() {
    for input in [
        b"<r>\x01</r>".as_slice(),
        b"<r>&#0;</r>",
        b"<r>&#x1;</r>",
        b"<r>&#xFFFE;</r>",
        b"<r>\xEF\xBF\xBF</r>",
        b"<r a='&#2;'/>",
        b"<r>&#xD800;</r>",
        b"<r>&#X41;</r>",
    ] {
        let e = err(input);
        assert!(
            matches!(e.kind, DecodeErrorKind::Malformed(_)),
            "{}: {e}",
            String::from_utf8_lossy(input)
        );
    }
}

#[test]
fn a_forbidden_character_is_reported_where_it_stands() {
    let e = err(b"<SyncML><Data>ab\x01</Data></SyncML>");
    assert_eq!(e.offset, 16);
    assert_eq!(e.path, "SyncML/Data");
    assert!(e.to_string().contains("U+0001"), "{e}");
    let e = err(b"<SyncML a='\xEF\xBF\xBE'/>");
    assert_eq!(e.offset, 11);
    assert!(e.to_string().contains("U+FFFE"), "{e}");
    // U+F000, the Windows list separator, shares the lead byte and is allowed.
    assert!(xml::read("<r>\u{F000}</r>".as_bytes(), &limits()).is_ok());
}

#[test]
fn structure_outside_the_root_is_refused() {
    for input in [
        "<a/><b/>",
        "<a/>text",
        "text<a/>",
        "<a/><![CDATA[x]]>",
        "</a>",
        "<a></b>",
        "<a/><?xml version=\"1.0\"?>",
        "<a/><!DOCTYPE a>",
        "<a b='1' b='2'/>",
        "<a b/>",
        "<a b='<'/>",
        "<a>&amp</a>",
        "<a><!-- a -- b --></a>",
    ] {
        let e = err(input.as_bytes());
        assert!(
            matches!(e.kind, DecodeErrorKind::Malformed(_)),
            "{input}: {e}"
        );
    }
}

#[test]
fn content_is_kept_as_written() {
    let input = concat!(
        "<?xml version=\"1.0\"?>\n<!-- before -->\n",
        "<SyncML xmlns='SYNCML:SYNCML1.2'><SyncBody xmlns:msft=\"http://schemas.microsoft.com/MobileDevice/MDM\">",
        "<Data msft:originalerror=\"0x86000002\">&lt;a&gt;&amp;&#xF000;&#65;&quot;&apos;</Data>",
        "<Data><![CDATA[<x>&#xF000;</x>]]><![CDATA[]]]]><![CDATA[>]]></Data>",
        "<?pi x?><!-- c --></SyncBody></SyncML>\n<!-- after -->\n"
    );
    let doc = xml::read(input.as_bytes(), &limits()).unwrap();
    assert_eq!(doc.prolog.comments, [" before ", " after "]);
    assert_eq!(doc.root.attr("xmlns"), Some("SYNCML:SYNCML1.2"));
    let body = doc.root.child("SyncBody").unwrap();
    assert_eq!(body.attrs[0].name, "xmlns:msft");
    let mut data = body.children_named("Data");
    let escaped = data.next().unwrap();
    assert_eq!(escaped.attr("msft:originalerror"), Some("0x86000002"));
    assert_eq!(escaped.children, [Node::Text("<a>&\u{F000}A\"'".into())]);
    let cdata = data.next().unwrap();
    assert_eq!(cdata.children, [Node::CData("<x>&#xF000;</x>]]>".into())]);
    assert_eq!(body.children[2], Node::Comment(" c ".into()));
    assert_eq!(
        doc.defects[0].kind,
        XmlDefectKind::ProcessingInstructionDropped {
            target: "pi".into()
        }
    );
    assert_eq!(doc.defects[0].path, "SyncML/SyncBody");
}

#[test]
fn declared_prefixes_are_not_defects() {
    let input = "<a xmlns:m='urn:x'><m:b m:c='1'/></a><m:d/>";
    let f = xml::read_fragment_with_defects(input.as_bytes(), &limits()).unwrap();
    assert_eq!(f.defects.len(), 1, "{:?}", f.defects);
    assert_eq!(
        f.defects[0].kind,
        XmlDefectKind::UndeclaredPrefix {
            prefix: "m".into(),
            name: "m:d".into()
        }
    );
}
