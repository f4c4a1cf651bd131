//! Large objects arriving in chunks (OMA DM Protocol 1.2, "Large object handling").
//!
//! A chunk is a single-item Add or Replace at body level whose item carries `<MoreData/>`.
//! The first chunk gives the total size in Meta Size. Each non-final chunk is answered 213;
//! the last one commits the object, or fails with 424 when the size differs from the
//! announced one. Any other command before the last chunk abandons the object and the
//! client sends Alert 1225 (No End of Data). Nothing is written before the last chunk.

use crate::commands::{Executor, Write, data_bytes};
use crate::faults::Fault;
use syncml::protocol::alert;
use syncml::{Command, CommandKind, Item};

/// An object whose chunks are still arriving.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PendingObject {
    kind: CommandKind,
    /// The target LocURI as sent.
    uri: String,
    declared_size: Option<usize>,
    format: Option<String>,
    type_: Option<String>,
    data: Vec<u8>,
}

impl PendingObject {
    /// The LocURI of the object.
    pub(crate) fn uri(&self) -> &str {
        &self.uri
    }
}

fn declared_size(item: &Item, c: &Command) -> Option<usize> {
    item.meta
        .as_ref()
        .and_then(|m| m.size.as_ref())
        .or_else(|| c.meta.as_ref().and_then(|m| m.size.as_ref()))
        .and_then(|s| s.trim().parse().ok())
}

impl Executor<'_> {
    /// Whether a command is the next chunk of the pending object.
    pub(crate) fn continues_lob(&self, c: &Command) -> bool {
        let Some(p) = &self.lob else {
            return false;
        };
        c.kind == p.kind
            && c.items.len() == 1
            && c.items[0].target_uri().map(str::trim) == Some(p.uri.as_str())
    }

    /// Abandons the pending object, if any, with Alert 1225.
    pub(crate) fn interrupt_lob(&mut self) {
        let Some(p) = self.lob.take() else {
            return;
        };
        if !self.faults.has(Fault::LobNo1225) {
            let no_end = Command::alert("", alert::NO_END_OF_DATA).with_item(Item::source(p.uri()));
            self.answers
                .push(crate::commands::Answer::Alert(Box::new(no_end)));
        }
    }

    /// Starts a large object with its first chunk.
    pub(crate) fn start_lob(&mut self, id: &str, c: &Command) -> bool {
        let name = c.kind.name();
        let [item] = c.items.as_slice() else {
            self.status(Some(id), name, 412);
            return false;
        };
        if let Err(code) = self.resolve(item) {
            self.status(Some(id), name, code);
            return false;
        }
        let declared = declared_size(item, c);
        if declared.is_some_and(|s| s > self.max_obj_size) {
            self.status(Some(id), name, 413);
            return false;
        }
        let w = Write::of(item, c);
        self.lob = Some(PendingObject {
            kind: c.kind,
            uri: item.target_uri().unwrap_or_default().trim().to_string(),
            declared_size: declared,
            format: w.format,
            type_: w.type_,
            data: w.data,
        });
        self.chunk_accepted(id, name)
    }

    /// Takes the next chunk; the last one commits.
    pub(crate) fn run_chunk(&mut self, id: &str, c: &Command) -> bool {
        let name = c.kind.name();
        let item = &c.items[0];
        let mut p = self.lob.take().expect("caller checked continues_lob");
        if let Some(d) = &item.data {
            p.data.extend_from_slice(&data_bytes(d));
        }
        if p.data.len() > self.max_obj_size {
            self.status(Some(id), name, 413);
            return false;
        }
        if item.more_data {
            self.lob = Some(p);
            return self.chunk_accepted(id, name);
        }
        let size_ok = p.declared_size.is_none_or(|s| s == p.data.len());
        if !size_ok && !self.faults.has(Fault::LobSizeUnchecked) {
            self.status(Some(id), name, 424);
            return false;
        }
        let whole = Command {
            items: vec![Item::target(p.uri.clone())],
            ..Command::new(p.kind, id)
        };
        let w = Write {
            format: p.format,
            type_: p.type_,
            data: p.data,
        };
        self.commit(id, &whole, w)
    }

    fn chunk_accepted(&mut self, id: &str, name: &str) -> bool {
        let code = if self.faults.has(Fault::LobNo213) {
            200
        } else {
            213
        };
        self.status(Some(id), name, code);
        true
    }
}
