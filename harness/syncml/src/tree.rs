//! The lossless element layer: every codec reads into it and writes from it.
//!
//! A SyncML document is held here exactly as it was sent: elements in the order
//! they came, unknown elements, attributes (namespace declarations included),
//! comments, CDATA sections and WBXML opaque data. Nothing here knows what a
//! SyncML command is; the typed view in [`crate::model`] is built on top.
//! Malformed messages are therefore representable without special cases: the
//! harness can build them on purpose and read them faithfully.
//!
//! Names, attribute values and text are [`CompactString`]s: the SyncML element names and most
//! text nodes (the indentation between elements above all) fit in the string's
//! own 24 bytes, so reading a message costs one allocation per long text and
//! per child list rather than one per name and per text node. A
//! `CompactString` derefs to `str` and converts from `&str` and `String`.

pub use compact_str::CompactString;
use std::fmt;

/// The SyncML 1.2 namespace, the default namespace of `<SyncML>`.
pub const NS_SYNCML12: &str = "SYNCML:SYNCML1.2";
/// The SyncML 1.1 namespace (OMA DM 1.1.2), still accepted by Windows.
pub const NS_SYNCML11: &str = "SYNCML:SYNCML1.1";
/// The MetInf namespace, declared on the children of `<Meta>`.
pub const NS_METINF: &str = "syncml:metinf";
/// The Windows MDM namespace bound to the `msft` prefix (SyncApplicationVersion 3.0 and later).
pub const NS_MSFT: &str = "http://schemas.microsoft.com/MobileDevice/MDM";

/// One attribute as written, its name qualified as in the source (`xmlns`, `msft:originalerror`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Attribute {
    pub name: CompactString,
    pub value: CompactString,
}

/// A node of the tree.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Node {
    Element(Element),
    /// Character data, already unescaped.
    Text(CompactString),
    /// The content of a `<![CDATA[...]]>` section.
    CData(CompactString),
    /// The content of a comment.
    Comment(String),
    /// WBXML `OPAQUE` bytes; written to XML as CDATA when they are UTF-8.
    Opaque(Vec<u8>),
}

/// An element: its qualified name as written, its attributes in order, its children in order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Element {
    pub name: CompactString,
    pub attrs: Vec<Attribute>,
    pub children: Vec<Node>,
}

impl Element {
    /// An empty element.
    pub fn new(name: impl Into<CompactString>) -> Self {
        Element {
            name: name.into(),
            attrs: Vec::new(),
            children: Vec::new(),
        }
    }

    /// An element holding one text node.
    pub fn text(name: impl Into<CompactString>, text: impl Into<CompactString>) -> Self {
        let mut e = Element::new(name);
        e.children.push(Node::Text(text.into()));
        e
    }

    /// Builder: adds an attribute.
    pub fn with_attr(
        mut self,
        name: impl Into<CompactString>,
        value: impl Into<CompactString>,
    ) -> Self {
        self.attrs.push(Attribute {
            name: name.into(),
            value: value.into(),
        });
        self
    }

    /// Builder: appends a child element.
    pub fn with_child(mut self, child: Element) -> Self {
        self.children.push(Node::Element(child));
        self
    }

    /// Appends a child element.
    pub fn push(&mut self, child: Element) {
        self.children.push(Node::Element(child));
    }

    /// The local part of the name (`Type` for `mi:Type`).
    pub fn local_name(&self) -> &str {
        local_part(&self.name)
    }

    /// The value of an attribute, by qualified name.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.value.as_str())
    }

    /// The child elements, in order.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            _ => None,
        })
    }

    /// The child elements, mutable, in order.
    pub fn elements_mut(&mut self) -> impl Iterator<Item = &mut Element> {
        self.children.iter_mut().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            _ => None,
        })
    }

    /// The first child element with this local name.
    pub fn child(&self, local: &str) -> Option<&Element> {
        self.elements().find(|e| e.local_name() == local)
    }

    /// The first child element with this local name, mutable.
    pub fn child_mut(&mut self, local: &str) -> Option<&mut Element> {
        self.elements_mut().find(|e| e.local_name() == local)
    }

    /// All child elements with this local name.
    pub fn children_named<'a>(&'a self, local: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.elements().filter(move |e| e.local_name() == local)
    }

    /// The character content: text, CDATA and UTF-8 opaque data concatenated, comments skipped.
    /// Child elements are not included.
    pub fn text_content(&self) -> String {
        let mut out = String::new();
        for n in &self.children {
            match n {
                Node::Text(t) | Node::CData(t) => out.push_str(t),
                Node::Opaque(b) => out.push_str(&String::from_utf8_lossy(b)),
                Node::Element(_) | Node::Comment(_) => {}
            }
        }
        out
    }

    /// Whether the element holds any child element.
    pub fn has_element_children(&self) -> bool {
        self.elements().next().is_some()
    }

    /// Removes every child element with this local name, returning how many were removed.
    pub fn remove_children(&mut self, local: &str) -> usize {
        let before = self.children.len();
        self.children
            .retain(|n| !matches!(n, Node::Element(e) if e.local_name() == local));
        before - self.children.len()
    }

    /// A copy reduced to what the document means, so that two encodings of one
    /// message compare equal: comments dropped; text, CDATA and UTF-8 opaque data
    /// merged into one text node; text that is only white space between child
    /// elements dropped; namespace declarations dropped (the namespace is carried
    /// by the element itself in both encodings). Text inside leaf elements is
    /// trimmed, because real messages wrap LocURIs and values across lines and
    /// WBXML encoders differ in what they keep.
    pub fn normalized(&self) -> Element {
        let mut out = Element::new(self.local_name());
        out.attrs = self
            .attrs
            .iter()
            .filter(|a| a.name != "xmlns" && !a.name.starts_with("xmlns:"))
            .cloned()
            .collect();
        let mut text = String::new();
        let mut binary: Option<Vec<u8>> = None;
        for n in &self.children {
            match n {
                Node::Element(e) => {
                    flush_text(&mut out, &mut text);
                    out.children.push(Node::Element(e.normalized()));
                }
                Node::Text(t) | Node::CData(t) => text.push_str(t),
                Node::Opaque(b) => match std::str::from_utf8(b) {
                    Ok(s) => text.push_str(s),
                    Err(_) => binary.get_or_insert_with(Vec::new).extend_from_slice(b),
                },
                Node::Comment(_) => {}
            }
        }
        flush_text(&mut out, &mut text);
        if let Some(b) = binary {
            out.children.push(Node::Opaque(b));
        }
        out
    }

    /// Visits this element and every descendant element, depth first, with its path.
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&ElementPath, &'a Element)) {
        let mut path = ElementPath::default();
        self.walk_inner(&mut path, f);
    }

    fn walk_inner<'a>(
        &'a self,
        path: &mut ElementPath,
        f: &mut dyn FnMut(&ElementPath, &'a Element),
    ) {
        path.push(self.local_name());
        f(path, self);
        for e in self.elements() {
            e.walk_inner(path, f);
        }
        path.pop();
    }
}

fn flush_text(out: &mut Element, text: &mut String) {
    if text.is_empty() {
        return;
    }
    let t = text.trim();
    if !t.is_empty() {
        out.children.push(Node::Text(t.into()));
    }
    text.clear();
}

/// The local part of a qualified name.
pub fn local_part(name: &str) -> &str {
    name.rsplit_once(':').map_or(name, |(_, l)| l)
}

/// A path of element names from the root, used to say where a problem is
/// (`SyncML/SyncBody/Atomic[2]/Add`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ElementPath {
    segments: Vec<String>,
}

impl ElementPath {
    pub fn push(&mut self, name: &str) {
        self.segments.push(name.to_string());
    }
    pub fn pop(&mut self) {
        self.segments.pop();
    }
    pub fn depth(&self) -> usize {
        self.segments.len()
    }
    pub fn segments(&self) -> &[String] {
        &self.segments
    }
}

impl fmt::Display for ElementPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.segments.is_empty() {
            return f.write_str("(document)");
        }
        f.write_str(&self.segments.join("/"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalized_merges_text_and_drops_layout() {
        let mut a = Element::new("Item");
        a.children.push(Node::Text("\n  ".into()));
        a.push(Element::text("LocURI", "\n   ./DevDetail/SwV \n"));
        a.children.push(Node::Comment("x".into()));
        a.push(Element::new("Data").with_child(Element::new("x")));
        let mut data = Element::new("Data");
        data.children.push(Node::CData("a".into()));
        data.children.push(Node::Text("b".into()));
        a.push(data);

        let n = a.normalized();
        let names: Vec<_> = n.elements().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["LocURI", "Data", "Data"]);
        assert_eq!(n.child("LocURI").unwrap().text_content(), "./DevDetail/SwV");
        assert_eq!(
            n.children_named("Data").nth(1).unwrap().children,
            [Node::Text("ab".into())]
        );
    }

    #[test]
    fn normalized_drops_namespace_declarations_only() {
        let e = Element::text("Data", "1")
            .with_attr("xmlns", NS_METINF)
            .with_attr("msft:originalerror", "0x86000002");
        let n = e.normalized();
        assert_eq!(n.attrs.len(), 1);
        assert_eq!(n.attr("msft:originalerror"), Some("0x86000002"));
    }

    #[test]
    fn path_displays_from_root() {
        let root = Element::new("SyncML")
            .with_child(Element::new("SyncBody").with_child(Element::new("Add")));
        let mut seen = Vec::new();
        root.walk(&mut |p, _| seen.push(p.to_string()));
        assert_eq!(seen, ["SyncML", "SyncML/SyncBody", "SyncML/SyncBody/Add"]);
    }
}
