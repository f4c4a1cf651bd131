//! The management tree: a sorted map from path to node, with the rules for
//! adding, replacing, deleting and reading nodes.
//!
//! Paths are tree paths as [`crate::uri::resolve`] gives them (`DevInfo/Man`;
//! the root is `""`). Because the map is sorted, a node's descendants are the
//! contiguous run of keys starting with `path/`.

use crate::status;
use std::collections::BTreeMap;

/// The most nodes the tree holds, so that a server cannot fill the device's
/// memory one Add at a time.
pub const MAX_NODES: usize = 4096;

/// What the server may do with a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Neither changed, deleted, nor given new children (./DevInfo, ./DevDetail).
    ReadOnly,
    /// Not deleted, but open for new children (the scratch node).
    Permanent,
    /// Created by the server: anything goes.
    Dynamic,
}

/// An interior node or a leaf with its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Content {
    Interior,
    Leaf { format: String, value: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Node {
    content: Content,
    access: Access,
}

/// What a Get reads: the Meta Format and the Data of a node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reading {
    pub format: String,
    pub data: String,
}

/// The whole tree.
#[derive(Clone, Debug)]
pub struct Tree {
    nodes: BTreeMap<String, Node>,
}

impl Tree {
    /// A tree holding only the read-only root.
    pub fn new() -> Tree {
        let mut nodes = BTreeMap::new();
        nodes.insert(
            String::new(),
            Node {
                content: Content::Interior,
                access: Access::ReadOnly,
            },
        );
        Tree { nodes }
    }

    /// Puts a node of the device's own into the tree; missing parents become
    /// read-only interior nodes.
    pub fn install(&mut self, path: &str, content: Content, access: Access) {
        for parent in ancestors(path) {
            self.nodes.entry(parent.to_string()).or_insert(Node {
                content: Content::Interior,
                access: Access::ReadOnly,
            });
        }
        self.nodes
            .insert(path.to_string(), Node { content, access });
    }

    /// Add: the node must not exist; missing interior parents are created, as
    /// long as the nearest existing ancestor is an interior node open for
    /// children and the tree has room for them all.
    pub fn add(&mut self, path: &str, content: Content) -> Result<(), u16> {
        if self.nodes.contains_key(path) {
            return Err(status::ALREADY_EXISTS);
        }
        let missing: Vec<&str> = ancestors(path)
            .rev()
            .take_while(|p| !self.nodes.contains_key(*p))
            .collect();
        let nearest = ancestors(path)
            .rev()
            .find_map(|p| self.nodes.get(p))
            .expect("the root is always in the tree");
        if nearest.content != Content::Interior || nearest.access == Access::ReadOnly {
            return Err(status::NOT_ALLOWED);
        }
        if self.nodes.len() + missing.len() + 1 > MAX_NODES {
            return Err(status::DEVICE_FULL);
        }
        for parent in missing {
            self.nodes.insert(
                parent.to_string(),
                Node {
                    content: Content::Interior,
                    access: Access::Dynamic,
                },
            );
        }
        self.nodes.insert(
            path.to_string(),
            Node {
                content,
                access: Access::Dynamic,
            },
        );
        Ok(())
    }

    /// Replace: a new value (and, when given, format) for an existing writable leaf.
    pub fn replace(
        &mut self,
        path: &str,
        value: String,
        format: Option<String>,
    ) -> Result<(), u16> {
        let node = self.nodes.get_mut(path).ok_or(status::NOT_FOUND)?;
        if node.access == Access::ReadOnly {
            return Err(status::NOT_ALLOWED);
        }
        match &mut node.content {
            Content::Interior => Err(status::NOT_ALLOWED),
            Content::Leaf {
                format: f,
                value: v,
            } => {
                *v = value;
                if let Some(format) = format {
                    *f = format;
                }
                Ok(())
            }
        }
    }

    /// Delete: removes a server-created node and everything beneath it.
    pub fn delete(&mut self, path: &str) -> Result<(), u16> {
        let node = self.nodes.get(path).ok_or(status::NOT_FOUND)?;
        if node.access != Access::Dynamic {
            return Err(status::NOT_ALLOWED);
        }
        let doomed: Vec<String> = self.descendants(path).map(str::to_string).collect();
        for p in doomed {
            self.nodes.remove(&p);
        }
        self.nodes.remove(path);
        Ok(())
    }

    /// Get: a leaf's value, or an interior node's child names joined by `/`.
    pub fn get(&self, path: &str) -> Result<Reading, u16> {
        match &self.nodes.get(path).ok_or(status::NOT_FOUND)?.content {
            Content::Leaf { format, value } => Ok(Reading {
                format: format.clone(),
                data: value.clone(),
            }),
            Content::Interior => {
                let children: Vec<&str> = self
                    .descendants(path)
                    .filter(|p| parent_of(p) == path)
                    .map(|p| p.rsplit('/').next().unwrap_or(p))
                    .collect();
                Ok(Reading {
                    format: "node".into(),
                    data: children.join("/"),
                })
            }
        }
    }

    /// Every path strictly beneath `path`, in order.
    fn descendants<'a>(&'a self, path: &str) -> impl Iterator<Item = &'a str> + 'a {
        let prefix = if path.is_empty() {
            String::new()
        } else {
            format!("{path}/")
        };
        self.nodes
            .range(prefix.clone()..)
            .map(|(p, _)| p.as_str())
            .take_while(move |p| p.starts_with(&prefix))
            .filter(|p| !p.is_empty())
    }
}

impl Default for Tree {
    fn default() -> Self {
        Tree::new()
    }
}

/// The path of a node's parent (`""` for a top-level node).
fn parent_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(parent, _)| parent)
}

/// The proper ancestors of a path, from the root down: `""`, `a`, `a/b` for `a/b/c`.
fn ancestors(path: &str) -> impl DoubleEndedIterator<Item = &str> {
    let cuts = path.match_indices('/').map(|(i, _)| i);
    std::iter::once("").chain(cuts.map(move |i| &path[..i]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(value: &str) -> Content {
        Content::Leaf {
            format: "chr".into(),
            value: value.into(),
        }
    }

    fn tree() -> Tree {
        let mut t = Tree::new();
        t.install("DevInfo/Man", leaf("Example"), Access::ReadOnly);
        t.install("Scratch", Content::Interior, Access::Permanent);
        t
    }

    #[test]
    fn add_creates_missing_parents_and_refuses_duplicates() {
        let mut t = tree();
        assert_eq!(t.add("Scratch/a/b", leaf("x")), Ok(()));
        assert_eq!(t.get("Scratch/a").unwrap().data, "b");
        assert_eq!(t.get("Scratch").unwrap().data, "a");
        assert_eq!(t.add("Scratch/a/b", leaf("y")), Err(418));
        assert_eq!(t.get("Scratch/a/b").unwrap().data, "x");
    }

    #[test]
    fn nothing_grows_under_leaves_or_read_only_nodes() {
        let mut t = tree();
        assert_eq!(t.add("DevInfo/Man/x/y", leaf("x")), Err(405));
        assert_eq!(t.add("DevInfo/New", leaf("x")), Err(405));
        assert_eq!(t.add("Elsewhere", leaf("x")), Err(405));
        assert_eq!(t.get("DevInfo/New"), Err(404));
    }

    #[test]
    fn replace_and_delete_respect_access() {
        let mut t = tree();
        assert_eq!(t.replace("DevInfo/Man", "v".into(), None), Err(405));
        assert_eq!(t.replace("Scratch/none", "v".into(), None), Err(404));
        assert_eq!(t.delete("DevInfo/Man"), Err(405));
        assert_eq!(t.delete("Scratch"), Err(405));
        t.add("Scratch/s/leaf", leaf("v")).unwrap();
        t.add("Scratch/sibling", leaf("w")).unwrap();
        assert_eq!(t.delete("Scratch/s"), Ok(()));
        assert_eq!(t.get("Scratch/s/leaf"), Err(404));
        assert_eq!(t.get("Scratch").unwrap().data, "sibling");
    }

    #[test]
    fn a_full_tree_refuses_more_nodes() {
        let mut t = tree();
        let mut i = 0;
        while t.add(&format!("Scratch/n{i}"), leaf("v")).is_ok() {
            i += 1;
        }
        assert_eq!(t.add("Scratch/one-more", leaf("v")), Err(420));
        assert_eq!(t.nodes.len(), MAX_NODES);
        t.delete("Scratch/n0").unwrap();
        assert_eq!(t.add("Scratch/one-more", leaf("v")), Ok(()));
    }

    #[test]
    fn child_lists_hold_only_direct_children() {
        let mut t = tree();
        t.add("Scratch/n/a", leaf("1")).unwrap();
        t.add("Scratch/n/b/c", leaf("2")).unwrap();
        t.add("Scratch/n-other", leaf("3")).unwrap();
        assert_eq!(t.get("Scratch/n").unwrap().data, "a/b");
        assert_eq!(t.get("").unwrap().data, "DevInfo/Scratch");
    }
}
