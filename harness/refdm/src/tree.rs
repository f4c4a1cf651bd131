//! The management tree: interior and leaf nodes with Format, Type, value and access rules,
//! preloaded with DevInfo, DevDetail, DMClient and the scratch and Exec nodes of [`crate::paths`].
//!
//! Two trees are held: the device's and the enrolled user's (see [`crate::paths`] for the
//! `./User` mapping). The tree only stores; the command rules live in the `commands` module.

use crate::config::ClientConfig;
use crate::faults::Faults;
use crate::paths;
use crate::uri::{self, NodePath, Scope, UriLimits};
use std::collections::BTreeMap;

/// What a node permits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Access {
    /// Its value can't be replaced and nothing can be added below it or deleted from it.
    pub read_only: bool,
    /// It can't be deleted.
    pub permanent: bool,
    /// Exec runs it.
    pub executable: bool,
}

/// A node: interior (named children) or leaf (a value).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub(crate) content: Content,
    pub(crate) format: String,
    pub(crate) type_: Option<String>,
    pub(crate) access: Access,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Content {
    Interior(BTreeMap<String, Node>),
    Leaf(Vec<u8>),
}

impl Node {
    /// An empty interior node (Format `node`).
    pub(crate) fn interior(access: Access) -> Node {
        Node {
            content: Content::Interior(BTreeMap::new()),
            format: "node".into(),
            type_: None,
            access,
        }
    }

    /// A leaf with a value.
    pub(crate) fn leaf(value: impl Into<Vec<u8>>, format: &str, access: Access) -> Node {
        Node {
            content: Content::Leaf(value.into()),
            format: format.into(),
            type_: None,
            access,
        }
    }

    pub fn is_interior(&self) -> bool {
        matches!(self.content, Content::Interior(_))
    }

    /// The value of a leaf.
    pub fn value(&self) -> Option<&[u8]> {
        match &self.content {
            Content::Leaf(v) => Some(v),
            Content::Interior(_) => None,
        }
    }

    /// The value of a leaf as text (lossy UTF-8).
    pub fn text(&self) -> Option<String> {
        self.value()
            .map(|v| String::from_utf8_lossy(v).into_owned())
    }

    /// Meta Format: `node` for interior nodes, `chr` unless set for leaves.
    pub fn format(&self) -> &str {
        &self.format
    }

    /// Meta Type, if one was set.
    pub fn type_(&self) -> Option<&str> {
        self.type_.as_deref()
    }

    pub fn access(&self) -> Access {
        self.access
    }

    /// Child names and nodes of an interior node, in name order.
    pub fn children(&self) -> impl Iterator<Item = (&str, &Node)> {
        let map = match &self.content {
            Content::Interior(m) => Some(m),
            Content::Leaf(_) => None,
        };
        map.into_iter()
            .flat_map(|m| m.iter().map(|(k, v)| (k.as_str(), v)))
    }

    pub(crate) fn children_mut(&mut self) -> Option<&mut BTreeMap<String, Node>> {
        match &mut self.content {
            Content::Interior(m) => Some(m),
            Content::Leaf(_) => None,
        }
    }

    /// How many nodes this subtree holds, itself included.
    pub fn count(&self) -> usize {
        1 + self.children().map(|(_, c)| c.count()).sum::<usize>()
    }

    /// Whether this node or a node below it is permanent.
    pub(crate) fn holds_permanent(&self) -> bool {
        self.access.permanent || self.children().any(|(_, c)| c.holds_permanent())
    }
}

/// The device tree and the user tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tree {
    device: Node,
    user: Node,
    /// How many nodes both trees hold, kept up to date by insert and remove.
    nodes: usize,
}

const FIXED: Access = Access {
    read_only: true,
    permanent: true,
    executable: false,
};
const PERMANENT: Access = Access {
    read_only: false,
    permanent: true,
    executable: false,
};
const WRITABLE: Access = Access {
    read_only: false,
    permanent: false,
    executable: false,
};

impl Tree {
    /// The tree of a freshly set-up client.
    pub fn preloaded(config: &ClientConfig) -> Tree {
        let mut t = Tree {
            device: Node::interior(FIXED),
            user: Node::interior(FIXED),
            nodes: 2,
        };
        let leaf = |v: &str| Node::leaf(v.as_bytes(), "chr", FIXED);
        let int = |v: u16| Node::leaf(v.to_string().into_bytes(), "int", FIXED);
        let fixed: [(&str, Node); 20] = [
            ("./DevInfo", Node::interior(FIXED)),
            ("./DevInfo/DevId", leaf(&config.device_id)),
            ("./DevInfo/Man", leaf(&config.man)),
            ("./DevInfo/Mod", leaf(&config.model)),
            ("./DevInfo/DmV", leaf(&config.dm_v)),
            ("./DevInfo/Lang", leaf(&config.lang)),
            ("./DevDetail", Node::interior(FIXED)),
            ("./DevDetail/SwV", leaf(&config.sw_v)),
            ("./DevDetail/HwV", leaf(&config.hw_v)),
            ("./DevDetail/OEM", leaf(&config.oem)),
            ("./DevDetail/DevTyp", leaf(&config.dev_typ)),
            (
                "./DevDetail/LrgObj",
                Node::leaf(&b"true"[..], "bool", FIXED),
            ),
            ("./DevDetail/URI", Node::interior(FIXED)),
            (paths::URI_MAX_DEPTH, int(config.uri_max_depth)),
            (paths::URI_MAX_TOT_LEN, int(config.uri_max_tot_len)),
            (paths::URI_MAX_SEG_LEN, int(config.uri_max_seg_len)),
            ("./Vendor", Node::interior(FIXED)),
            ("./Vendor/MSFT", Node::interior(FIXED)),
            ("./Vendor/MSFT/DMClient", Node::interior(FIXED)),
            (paths::DMCLIENT_PROVIDER, Node::interior(FIXED)),
        ];
        for (uri, node) in fixed {
            t.preload(uri, node);
        }
        let provider = format!("{}/{}", paths::DMCLIENT_PROVIDER, config.provider_id);
        t.preload(&provider, Node::interior(PERMANENT));
        t.preload(
            &paths::sync_application_version(&config.provider_id),
            Node::leaf(config.sync_application_version.as_bytes(), "chr", WRITABLE),
        );
        t.preload("./Vendor/MSFT/Reference", Node::interior(FIXED));
        let echo = Access {
            executable: true,
            ..FIXED
        };
        t.preload(paths::EXEC_ECHO, Node::leaf(Vec::new(), "null", echo));
        t.preload(paths::EXEC_ASYNC, Node::leaf(Vec::new(), "null", echo));
        t.preload(paths::LAST_ECHO, Node::leaf(Vec::new(), "chr", FIXED));
        t.preload(paths::ECHO_COUNT, Node::leaf(&b"0"[..], "int", FIXED));
        t.preload(paths::SCRATCH, Node::interior(PERMANENT));
        t.preload("./User/Vendor", Node::interior(FIXED));
        t.preload("./User/Vendor/MSFT", Node::interior(FIXED));
        t.preload(paths::USER_SCRATCH, Node::interior(PERMANENT));
        t
    }

    fn preload(&mut self, uri: &str, node: Node) {
        let path = uri::parse(uri, &UriLimits::default(), &Faults::none())
            .expect("preloaded paths are valid");
        assert!(self.insert(&path, node), "preloaded parents come first");
    }

    fn root(&self, scope: Scope) -> &Node {
        match scope {
            Scope::Device => &self.device,
            Scope::User => &self.user,
        }
    }

    /// The node at a path.
    pub fn node(&self, path: &NodePath) -> Option<&Node> {
        let mut n = self.root(path.scope);
        for name in &path.names {
            n = match &n.content {
                Content::Interior(m) => m.get(name)?,
                Content::Leaf(_) => return None,
            };
        }
        Some(n)
    }

    pub(crate) fn node_mut(&mut self, path: &NodePath) -> Option<&mut Node> {
        let mut n = match path.scope {
            Scope::Device => &mut self.device,
            Scope::User => &mut self.user,
        };
        for name in &path.names {
            n = n.children_mut()?.get_mut(name)?;
        }
        Some(n)
    }

    /// The node at a URI written as a server would (`./Vendor/MSFT/Scratch/a`), for tests and tools.
    pub fn lookup(&self, uri: &str) -> Option<&Node> {
        let path = uri::parse(uri, &UriLimits::default(), &Faults::none()).ok()?;
        self.node(&path)
    }

    /// The current URI limits, read from `./DevDetail/URI`; unreadable values mean unlimited.
    pub fn uri_limits(&self) -> UriLimits {
        let read = |uri: &str| {
            self.lookup(uri)
                .and_then(Node::text)
                .and_then(|t| t.trim().parse::<u16>().ok())
                .map_or(0, usize::from)
        };
        UriLimits {
            max_depth: read(paths::URI_MAX_DEPTH),
            max_tot_len: read(paths::URI_MAX_TOT_LEN),
            max_seg_len: read(paths::URI_MAX_SEG_LEN),
        }
    }

    /// How many nodes both trees hold.
    pub fn count(&self) -> usize {
        self.nodes
    }

    /// Inserts a node under an existing interior parent; false when the parent is missing or a leaf.
    pub(crate) fn insert(&mut self, path: &NodePath, node: Node) -> bool {
        let Some((parent, name)) = split(path) else {
            return false;
        };
        let added = node.count();
        let Some(children) = self.node_mut(&parent).and_then(Node::children_mut) else {
            return false;
        };
        let replaced = children.insert(name.to_string(), node);
        self.nodes = self.nodes + added - replaced.map_or(0, |n| n.count());
        true
    }

    /// Removes a node and its subtree.
    pub(crate) fn remove(&mut self, path: &NodePath) -> Option<Node> {
        let (parent, name) = split(path)?;
        let removed = self.node_mut(&parent)?.children_mut()?.remove(name)?;
        self.nodes -= removed.count();
        Some(removed)
    }
}

/// The parent path and the last name, or `None` for a root.
fn split(path: &NodePath) -> Option<(NodePath, &str)> {
    let name = path.names.last()?;
    Some((path.parent()?, name.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preloaded_nodes_and_access() {
        let t = Tree::preloaded(&ClientConfig::default());
        let devid = t.lookup(paths::READ_ONLY_LEAF).unwrap();
        assert_eq!(devid.text().unwrap(), ClientConfig::default().device_id);
        assert!(devid.access().read_only && devid.access().permanent);
        assert_eq!(
            t.lookup("./DevDetail/LrgObj").unwrap().text().unwrap(),
            "true"
        );
        let scratch = t.lookup(paths::SCRATCH).unwrap();
        assert!(scratch.is_interior() && !scratch.access().read_only);
        assert!(t.lookup(paths::USER_SCRATCH).unwrap().is_interior());
        assert!(t.lookup("./User/DevInfo").is_none());
        assert!(t.lookup(paths::EXEC_ECHO).unwrap().access().executable);
        assert_eq!(t.count(), t.device.count() + t.user.count());
        let l = t.uri_limits();
        assert!(l.max_depth > 0 && l.max_tot_len > 0 && l.max_seg_len > 0);
    }
}
