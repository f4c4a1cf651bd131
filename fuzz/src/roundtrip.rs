//! The differential between the two codecs: a tree read from one encoding,
//! written in the other and read back, must mean the same
//! ([`Element::normalized`] compares equal).
//!
//! Each input is tried both ways: as XML (XML → tree → WBXML → tree) and as
//! WBXML (WBXML → tree → XML → tree). WBXML is written with
//! [`EncodeOptions::literals`] on, so that attributes and elements without a
//! token travel too.
//!
//! What is left out, because one encoding cannot carry it:
//! - WBXML → XML, a tree holding binary opaque data (bytes that are not UTF-8,
//!   or UTF-8 with characters XML 1.0 forbids): XML writes it as base64 text,
//!   which a reader cannot tell from text;
//! - WBXML → XML, a tree holding a character XML 1.0 forbids in a text or an
//!   attribute value: XML has no way to write it (not even as a reference);
//! - WBXML → XML, a tree with an element or attribute name that is not an XML
//!   name: WBXML literals are any string.
//!
//! Everything else that differs is a finding.

use super::bodies::limits;
use syncml::wbxml::EncodeOptions;
use syncml::xml::WriteOptions;
use syncml::{Element, Node};

/// Checks every way `data` can be read; the first difference found, if any.
pub fn check(data: &[u8]) -> Result<(), String> {
    if let Ok(doc) = syncml::xml::read(data, &limits()) {
        xml_through_wbxml(&doc.root)?;
    }
    if let Ok(doc) = syncml::wbxml::decode(data, &limits()) {
        wbxml_through_xml(&doc.root)?;
    }
    Ok(())
}

fn xml_through_wbxml(root: &Element) -> Result<(), String> {
    let opts = EncodeOptions {
        literals: true,
        ..EncodeOptions::default()
    };
    let bytes = syncml::wbxml::encode(root, &opts)
        .map_err(|e| format!("a tree read from XML cannot be written as WBXML: {e}"))?;
    let back = syncml::wbxml::decode(&bytes, &limits())
        .map_err(|e| format!("WBXML written from an XML tree does not decode: {e}"))?;
    same("XML → WBXML", root, &back.root)
}

fn wbxml_through_xml(root: &Element) -> Result<(), String> {
    if !xml_can_carry(root) {
        return Ok(());
    }
    let bytes = syncml::xml::write(root, &WriteOptions::default());
    let back = syncml::xml::read(&bytes, &limits()).map_err(|e| {
        format!(
            "XML written from a WBXML tree does not read back: {e}\n{}",
            String::from_utf8_lossy(&bytes)
        )
    })?;
    same("WBXML → XML", root, &back.root)
}

fn same(way: &str, before: &Element, after: &Element) -> Result<(), String> {
    let (a, b) = (before.normalized(), after.normalized());
    if a == b {
        Ok(())
    } else {
        Err(format!(
            "{way} changed the tree:\nbefore: {a:?}\nafter:  {b:?}"
        ))
    }
}

/// Whether XML can write this tree so that it reads back (the exclusions of the module doc).
fn xml_can_carry(e: &Element) -> bool {
    is_xml_name(&e.name)
        && e.attrs
            .iter()
            .all(|a| is_xml_name(&a.name) && a.value.chars().all(is_xml_char))
        && e.children.iter().all(|n| match n {
            Node::Element(child) => xml_can_carry(child),
            Node::Text(t) | Node::CData(t) => t.chars().all(is_xml_char),
            Node::Comment(t) => t.chars().all(is_xml_char),
            Node::Opaque(bytes) => {
                std::str::from_utf8(bytes).is_ok_and(|s| s.chars().all(is_xml_char))
            }
        })
}

/// The `Char` production of XML 1.0.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// A conservative XML name: a letter or `_` first, then letters, digits,
/// `_`, `-`, `.`, with at most one `:` between two non-empty parts.
fn is_xml_name(name: &str) -> bool {
    let part_ok = |p: &str| {
        let mut chars = p.chars();
        chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
            && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
    };
    match name.split_once(':') {
        Some((prefix, local)) => part_ok(prefix) && part_ok(local),
        None => part_ok(name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_with_attributes_comments_and_cdata_goes_both_ways() {
        let xml = br#"<SyncML xmlns="SYNCML:SYNCML1.2"><SyncBody xmlns:msft="urn:x"><!-- c --><Get><CmdID>1</CmdID><Item><Data msft:originalerror="0x1"><![CDATA[<a/>]]></Data></Item></Get><Final/></SyncBody></SyncML>"#;
        assert_eq!(check(xml), Ok(()));
        let root = syncml::xml::read(xml, &limits()).unwrap().root;
        let wbxml = syncml::wbxml::encode(
            &root,
            &EncodeOptions {
                literals: true,
                ..EncodeOptions::default()
            },
        )
        .unwrap();
        assert_eq!(check(&wbxml), Ok(()));
    }

    #[test]
    fn a_changed_tree_is_a_difference() {
        let a = Element::text("Data", "1");
        let b = Element::text("Data", "2");
        assert!(same("test", &a, &b).is_err());
        assert!(same("test", &a, &a.clone()).is_ok());
    }

    #[test]
    fn what_xml_cannot_write_is_left_out() {
        let with = |node: Node| {
            let mut e = Element::new("Data");
            e.children.push(node);
            e
        };
        assert!(xml_can_carry(&with(Node::Text("ok".into()))));
        assert!(!xml_can_carry(&with(Node::Opaque(vec![0xFF, 0x00]))));
        assert!(!xml_can_carry(&with(Node::Text("\u{1}".into()))));
        assert!(!xml_can_carry(&Element::new("a b")));
        assert!(!xml_can_carry(
            &Element::new("Data").with_attr("x", "\u{FFFF}")
        ));
    }
}
