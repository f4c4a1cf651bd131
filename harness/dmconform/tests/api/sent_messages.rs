//! What the harness sends, as a DM server sends it: no text of only white space
//! between elements (the layout of the pretty-printed case files), in either
//! encoding. In WBXML such text becomes an inline string inside element-only
//! content, and a DM client may refuse the whole message. Text inside Data stays
//! exact.

use dmconform::client::reference::{Reference, client_config};
use dmconform::run::RunOptions;
use dmconform::{Encoding, Suite, Target, TargetError, TargetProfile, Wire, run_suite};
use syncml::tree::{Element, Node};

/// The reference, recording where a server message carries layout text.
struct Inspecting {
    inner: Reference,
    messages: usize,
    layout: Vec<String>,
}

fn is_layout(text: &str) -> bool {
    text.bytes()
        .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

/// The paths of white-space-only texts beside elements, outside Data.
fn layout_in(e: &Element, path: &str, out: &mut Vec<String>) {
    let path = format!("{path}/{}", e.local_name());
    if e.local_name() == "Data" {
        return;
    }
    let has_element = e.children.iter().any(|n| matches!(n, Node::Element(_)));
    for n in &e.children {
        match n {
            Node::Text(t) if has_element && is_layout(t) => out.push(format!("{path}: {t:?}")),
            Node::Element(c) => layout_in(c, &path, out),
            _ => {}
        }
    }
}

impl Target for Inspecting {
    fn describe(&self) -> String {
        self.inner.describe()
    }
    fn open_session(&mut self, encoding: Encoding) -> Result<Wire, TargetError> {
        self.inner.open_session(encoding)
    }
    fn deliver(&mut self, message: Wire) -> Result<Option<Wire>, TargetError> {
        let limits = syncml::Limits::default();
        let root = match Encoding::from_content_type(&message.content_type) {
            Some(Encoding::Wbxml) => syncml::wbxml::decode(&message.body, &limits).map(|d| d.root),
            _ => syncml::xml::read(&message.body, &limits).map(|d| d.root),
        };
        if let Ok(root) = root {
            self.messages += 1;
            layout_in(&root, "", &mut self.layout);
        }
        self.inner.deliver(message)
    }
}

#[test]
fn the_harness_sends_no_layout_white_space_in_either_encoding() {
    let (suite, problems) = Suite::embedded();
    assert!(problems.is_empty(), "{problems:?}");
    let profile = TargetProfile::reference();
    let mut target = Inspecting {
        inner: Reference::new(client_config(&profile), Vec::new()),
        messages: 0,
        layout: Vec::new(),
    };
    run_suite(&suite, &mut target, &profile, &RunOptions::default());
    assert!(target.messages > 200, "only {} messages", target.messages);
    assert!(
        target.layout.is_empty(),
        "{} layout texts, e.g. {:?}",
        target.layout.len(),
        &target.layout[..target.layout.len().min(5)]
    );
}

#[test]
fn layout_goes_but_data_and_real_text_stay() {
    let mut nodes = syncml::xml::read_fragment(
        b"<Add>\n  <CmdID>1</CmdID>\n  <Item><Data>  </Data></Item>\n</Add>\n<Exec><Item><Data>\n <x/>\n</Data></Item></Exec>",
        &syncml::Limits::default(),
    )
    .unwrap();
    dmconform::codec::strip_layout(&mut nodes);
    let mut found = Vec::new();
    for n in &nodes {
        match n {
            Node::Element(e) => layout_in(e, "", &mut found),
            Node::Text(t) => found.push(format!("top level: {t:?}")),
            _ => {}
        }
    }
    assert!(found.is_empty(), "{found:?}");
    let add = match &nodes[0] {
        Node::Element(e) => e,
        other => panic!("{other:?}"),
    };
    let data = add.child("Item").and_then(|i| i.child("Data")).unwrap();
    assert_eq!(data.text_content(), "  ", "white space inside Data is data");
    let exec_data = match &nodes[1] {
        Node::Element(e) => e.child("Item").and_then(|i| i.child("Data")).unwrap(),
        other => panic!("{other:?}"),
    };
    assert_eq!(exec_data.children.len(), 3, "Data keeps its layout too");
}
