//! Snapshots of the typed view of real messages, as read by the XML codec.
//!
//! The rendering lists only what is present, one element per line, so that a
//! change in how a message is read shows up as a small, readable diff.

use std::fmt::Write as _;
use std::path::Path;
use syncml::xml;
use syncml::{
    BodyNode, Command, Data, Element, Item, Limits, Location, Message, Meta, MetaValue, Node,
};

fn render(out: &mut String, depth: usize, line: impl AsRef<str>) {
    let _ = writeln!(out, "{}{}", "  ".repeat(depth), line.as_ref());
}

fn field(label: &str, value: &Option<String>) -> Option<String> {
    value.as_ref().map(|v| format!("{label}={v:?}"))
}

fn location(label: &str, l: &Option<Location>) -> Option<String> {
    let l = l.as_ref()?;
    let mut parts = vec![];
    parts.extend(field("LocURI", &l.loc_uri));
    parts.extend(field("LocName", &l.loc_name));
    Some(format!("{label}({})", parts.join(" ")))
}

fn meta(m: &Option<Meta>) -> Option<String> {
    let m = m.as_ref()?;
    let mut parts = vec![];
    parts.extend(field("Format", &m.format));
    parts.extend(field("Type", &m.type_));
    parts.extend(field("Mark", &m.mark));
    parts.extend(field("Size", &m.size));
    parts.extend(field("Version", &m.version));
    parts.extend(field("MaxMsgSize", &m.max_msg_size));
    parts.extend(field("MaxObjSize", &m.max_obj_size));
    match &m.next_nonce {
        Some(MetaValue::Text(t)) => parts.push(format!("NextNonce={t:?}")),
        Some(MetaValue::Bytes(b)) => parts.push(format!("NextNonce=<{} bytes>", b.len())),
        None => {}
    }
    parts.extend(m.extra.iter().map(|e| format!("+<{}>", e.name)));
    Some(format!("Meta({})", parts.join(" ")))
}

fn data(d: &Option<Data>) -> Option<String> {
    let d = d.as_ref()?;
    let kinds: Vec<String> = d
        .content
        .iter()
        .map(|n| match n {
            Node::Element(e) => format!("<{}>", e.name),
            Node::Text(t) => format!("{t:?}"),
            Node::CData(c) => format!("CDATA({} chars)", c.chars().count()),
            Node::Comment(_) => "comment".into(),
            Node::Opaque(b) => format!("opaque({} bytes)", b.len()),
        })
        .collect();
    let attrs: Vec<String> = d
        .attrs
        .iter()
        .map(|a| format!("{}={:?} ", a.name, a.value))
        .collect();
    Some(format!("Data({}{})", attrs.concat(), kinds.join(" + ")))
}

fn extra(out: &mut String, depth: usize, elements: &[Element]) {
    for e in elements {
        render(out, depth, format!("extra <{}>", e.name));
    }
}

fn item(out: &mut String, depth: usize, it: &Item) {
    let mut parts = vec!["Item".to_string()];
    parts.extend(location("Target", &it.target));
    parts.extend(location("Source", &it.source));
    parts.extend(meta(&it.meta));
    parts.extend(data(&it.data));
    if it.more_data {
        parts.push("MoreData".into());
    }
    render(out, depth, parts.join(" "));
    extra(out, depth + 1, &it.extra);
}

fn command(out: &mut String, depth: usize, c: &Command) {
    let mut parts = vec![c.kind.name().to_string()];
    parts.extend(field("CmdID", &c.cmd_id));
    if c.no_resp {
        parts.push("NoResp".into());
    }
    parts.extend(field("MsgRef", &c.msg_ref));
    parts.extend(field("CmdRef", &c.cmd_ref));
    parts.extend(field("Cmd", &c.cmd));
    parts.extend(c.target_refs.iter().map(|t| format!("TargetRef={t:?}")));
    parts.extend(c.source_refs.iter().map(|s| format!("SourceRef={s:?}")));
    if c.cred.is_some() {
        parts.push("Cred(present)".into());
    }
    if c.chal.is_some() {
        parts.push("Chal".into());
    }
    parts.extend(meta(&c.meta));
    parts.extend(data(&c.data));
    parts.extend(field("Correlator", &c.correlator));
    render(out, depth, parts.join(" "));
    for it in &c.items {
        item(out, depth + 1, it);
    }
    body_nodes(out, depth + 1, &c.children);
    extra(out, depth + 1, &c.extra);
}

fn body_nodes(out: &mut String, depth: usize, nodes: &[BodyNode]) {
    for n in nodes {
        match n {
            BodyNode::Command(c) => command(out, depth, c),
            BodyNode::Unknown(e) => render(out, depth, format!("unknown <{}>", e.name)),
        }
    }
}

/// A one-line-per-element rendering of the typed view, credentials left out.
fn typed_view(m: &Message) -> String {
    let mut out = String::new();
    let attrs: Vec<String> = m
        .attrs
        .iter()
        .map(|a| format!(" {}={:?}", a.name, a.value))
        .collect();
    render(&mut out, 0, format!("SyncML{}", attrs.concat()));
    if let Some(h) = &m.hdr {
        let mut parts = vec!["SyncHdr".to_string()];
        parts.extend(field("VerDTD", &h.ver_dtd));
        parts.extend(field("VerProto", &h.ver_proto));
        parts.extend(field("SessionID", &h.session_id));
        parts.extend(field("MsgID", &h.msg_id));
        render(&mut out, 1, parts.join(" "));
        let mut parts = vec![];
        parts.extend(location("Target", &h.target));
        parts.extend(location("Source", &h.source));
        parts.extend(field("RespURI", &h.resp_uri));
        if h.no_resp {
            parts.push("NoResp".into());
        }
        if h.cred.is_some() {
            parts.push("Cred(present)".into());
        }
        parts.extend(meta(&h.meta));
        render(&mut out, 2, parts.join(" "));
        extra(&mut out, 2, &h.extra);
    }
    if let Some(b) = &m.body {
        let attrs: Vec<String> = b
            .attrs
            .iter()
            .map(|a| format!(" {}={:?}", a.name, a.value))
            .collect();
        let fin = if b.final_ { " Final" } else { "" };
        render(&mut out, 1, format!("SyncBody{}{fin}", attrs.concat()));
        body_nodes(&mut out, 2, &b.nodes);
    }
    extra(&mut out, 1, &m.extra);
    out
}

fn snapshot_of(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../corpus/real")
        .join(rel);
    let bytes = std::fs::read(path).expect("corpus file");
    let (message, defects, doc) = xml::read_message(&bytes, &Limits::default()).expect("reads");
    let mut out = typed_view(&message);
    if let Some(d) = &doc.prolog.declaration {
        let _ = writeln!(
            out,
            "declaration: version={:?} encoding={:?}",
            d.version, d.encoding
        );
    }
    if let Some(d) = &doc.prolog.doctype {
        let _ = writeln!(out, "doctype: {d:?}");
    }
    for d in &doc.defects {
        let _ = writeln!(out, "xml defect: {d}");
    }
    for d in &defects {
        let _ = writeln!(out, "model defect: {d}");
    }
    out
}

#[test]
fn windows_client_first_package() {
    insta::assert_snapshot!(snapshot_of(
        "fleet/messages/001-capture-client-s1m1-alert1201-1224-devinfo.xml"
    ));
}

#[test]
fn server_status_and_replace() {
    insta::assert_snapshot!(snapshot_of(
        "fleet/messages/006-readme-server-s1m1-status-replace-personalization-chr.xml"
    ));
}

#[test]
fn client_status_and_results() {
    insta::assert_snapshot!(snapshot_of(
        "ms-mdm-spec/messages/003-sec4-client-status-results-swv-hwv.xml"
    ));
}

#[test]
fn dm11_bootstrap_with_doctype() {
    insta::assert_snapshot!(snapshot_of(
        "libwbxml/messages/001-syncml-012-dm11-bootstrap-add-dmacc.xml"
    ));
}
