//! The client's outgoing commands, and how they are packed into messages under a size limit.
//!
//! Commands leave in the order they were queued. What does not fit waits for the next
//! message. A Results too large for the room left is split: whole items first, else the first
//! item's value in chunks (`<MoreData/>` on every chunk but the last, Meta Size with the total
//! on the first), as OMA DM Protocol 1.2 "Large object handling" describes. A limit too small
//! for even one command is exceeded by one command per message rather than stalling.

use crate::commands::data_bytes;
use crate::wire_size::{element_len, escaped_len};
use std::collections::VecDeque;
use syncml::{Command, CommandKind, Data, Node as XmlNode};

/// The smallest chunk of a large Results value worth sending beside other commands; a
/// message with nothing else takes any chunk, so that every message makes progress.
const MIN_CHUNK: usize = 32;

/// A command waiting to be sent.
#[derive(Clone, Debug)]
struct Outgoing {
    cmd: Command,
    /// A later chunk of a Results value: no Meta Size.
    continued: bool,
}

/// Commands waiting to be sent, oldest first.
#[derive(Clone, Debug, Default)]
pub(crate) struct Outbox {
    queue: VecDeque<Outgoing>,
}

impl Outbox {
    pub(crate) fn push(&mut self, cmd: Command) {
        self.queue.push_back(Outgoing {
            cmd,
            continued: false,
        });
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// Drops everything waiting and queues these commands instead.
    pub(crate) fn replace_all(&mut self, cmds: impl IntoIterator<Item = Command>) {
        self.queue.clear();
        cmds.into_iter().for_each(|c| self.push(c));
    }

    /// Moves commands into `body` while the message stays within `limit` bytes, keeping
    /// `reserve` bytes free; `used` is what the message takes already. CmdIDs are numbered
    /// on from the commands already in `body`. `repeat_meta`: later chunks of a value
    /// keep its Meta (without Size), as DM Protocol says they should.
    pub(crate) fn fill(
        &mut self,
        body: &mut Vec<Command>,
        mut used: usize,
        limit: Option<usize>,
        reserve: usize,
        repeat_meta: bool,
    ) {
        let starting = body.len();
        while let Some(front) = self.queue.pop_front() {
            let mut cmd = front.cmd.clone();
            cmd.cmd_id = Some((body.len() + 1).to_string());
            let size = element_len(&cmd.to_element());
            if limit.is_none_or(|l| used + size + reserve <= l) {
                used += size;
                body.push(cmd);
                continue;
            }
            let room = limit.unwrap_or(0).saturating_sub(used + reserve);
            let alone = body.len() == starting;
            let min_chunk = if alone { 1 } else { MIN_CHUNK };
            match split_results(&front, room, min_chunk, repeat_meta) {
                Some((mut first, rest)) => {
                    first.cmd_id = cmd.cmd_id;
                    body.push(first);
                    self.queue.push_front(rest);
                }
                None if alone => body.push(cmd),
                None => self.queue.push_front(front),
            }
            break;
        }
    }
}

/// Splits a Results that does not fit: whole items first, else a chunk of the first item's
/// value (MoreData, and Meta Size on the first chunk). `None` when nothing useful fits.
fn split_results(
    out: &Outgoing,
    room: usize,
    min_chunk: usize,
    repeat_meta: bool,
) -> Option<(Command, Outgoing)> {
    let cmd = &out.cmd;
    if cmd.kind != CommandKind::Results || cmd.items.is_empty() {
        return None;
    }
    let shell = Command {
        items: Vec::new(),
        ..cmd.clone()
    };
    let shell_len = element_len(&shell.to_element()) + 8; // the CmdID grows by a few digits
    let mut whole = 0;
    let mut used = shell_len;
    for item in &cmd.items {
        let l = element_len(&item.to_element());
        if used + l > room {
            break;
        }
        used += l;
        whole += 1;
    }
    if whole > 0 && whole < cmd.items.len() {
        let first = Command {
            items: cmd.items[..whole].to_vec(),
            ..cmd.clone()
        };
        let rest = Outgoing {
            cmd: Command {
                items: cmd.items[whole..].to_vec(),
                ..cmd.clone()
            },
            continued: false,
        };
        return Some((first, rest));
    }
    // Chunk the first item's value.
    let item = &cmd.items[0];
    let value = item.data.as_ref().map(data_bytes)?;
    let binary = item
        .data
        .as_ref()
        .is_some_and(|d| d.content.iter().any(|n| matches!(n, XmlNode::Opaque(_))));
    let mut head = item.clone();
    head.more_data = true;
    if !out.continued {
        let mut meta = head.meta.clone().unwrap_or_default();
        meta.size = Some(value.len().to_string());
        head.meta = Some(meta);
    }
    head.data = Some(Data::default());
    let head_len = shell_len + element_len(&head.to_element());
    let budget = room.checked_sub(head_len)?;
    let cut = chunk_cut(&value, budget, binary);
    if cut < min_chunk.min(value.len()) || cut == 0 || cut >= value.len() {
        return None;
    }
    let piece = |bytes: &[u8]| {
        if binary {
            Data::bytes(bytes.to_vec())
        } else {
            Data::text(String::from_utf8_lossy(bytes))
        }
    };
    head.data = Some(piece(&value[..cut]));
    let mut tail = item.clone();
    tail.data = Some(piece(&value[cut..]));
    if let Some(m) = tail.meta.as_mut() {
        m.size = None;
    }
    let mut rest_cmd = cmd.clone();
    if !repeat_meta {
        tail.meta = None;
        rest_cmd.meta = None;
    }
    let mut rest_items = vec![tail];
    rest_items.extend(cmd.items[1..].iter().cloned());
    let first = Command {
        items: vec![head],
        ..cmd.clone()
    };
    let rest = Outgoing {
        cmd: Command {
            items: rest_items,
            ..rest_cmd
        },
        continued: true,
    };
    Some((first, rest))
}

/// How many bytes of a value fit in `budget` bytes of XML, cut on a character boundary for text.
fn chunk_cut(value: &[u8], budget: usize, binary: bool) -> usize {
    let mut used = 0;
    let mut cut = 0;
    for (i, b) in value.iter().enumerate() {
        let cost = if binary {
            2
        } else {
            escaped_len(std::str::from_utf8(&[*b]).unwrap_or("x"))
        };
        if used + cost > budget {
            break;
        }
        used += cost;
        cut = i + 1;
    }
    if !binary {
        while cut > 0 && cut < value.len() && (value[cut] & 0xC0) == 0x80 {
            cut -= 1;
        }
    }
    cut
}
