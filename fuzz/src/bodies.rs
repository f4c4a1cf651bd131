//! One function per fuzz target, each taking the raw input. A panic is a finding.

use syncml::xml::WriteOptions;
use syncml::{Limits, Message};

/// Bounds that keep one execution fast; the default limits would accept
/// inputs far larger than the fuzzer ever builds anyway.
pub fn limits() -> Limits {
    Limits {
        max_input: 1 << 20,
        max_depth: 64,
        max_elements: 100_000,
        max_text: 1 << 20,
    }
}

/// `xml_decode`: the XML reader on arbitrary bytes, then the typed view over
/// the tree and the writer over what the view gives back.
pub fn xml_decode(data: &[u8]) {
    if let Ok(doc) = syncml::xml::read(data, &limits()) {
        exercise_model(&doc.root);
    }
}

/// `wbxml_decode`: the WBXML decoder on arbitrary bytes, then the typed view.
pub fn wbxml_decode(data: &[u8]) {
    if let Ok(doc) = syncml::wbxml::decode(data, &limits()) {
        exercise_model(&doc.root);
    }
}

/// `roundtrip`: see [`super::roundtrip`].
pub fn roundtrip(data: &[u8]) {
    if let Err(why) = super::roundtrip::check(data) {
        panic!("{why}");
    }
}

/// `refdm_client`: see [`super::client`].
pub fn refdm_client(data: &[u8]) {
    if let Err(why) = super::client::check(data) {
        panic!("{why}");
    }
}

/// Builds the typed view of a tree and writes it back: neither may panic,
/// whatever the tree holds.
fn exercise_model(root: &syncml::Element) {
    let (message, _defects) = Message::from_element(root);
    let back = message.to_element();
    let _ = syncml::xml::write(&back, &WriteOptions::default());
}
