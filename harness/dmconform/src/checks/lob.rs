//! Large objects a client sends in chunks, followed from message to message: each later
//! chunk of a Results value repeats the Item's Source and the Meta Type and Format of the
//! first chunk (OMA DM Protocol 1.2, 8.2 "Large object handling": Meta and Item
//! information SHOULD be repeated on each subsequent message). A SHOULD, so a chunk that
//! leaves them out is a non-strict finding.

use crate::verdict::{Finding, FindingKind, Severity};
use std::collections::BTreeMap;
use syncml::{Command, CommandKind, Item, Message};

/// The requirement the chunk checks enforce, by id in the registry.
pub const REPEAT_META: &str = "oma.lob.repeat-meta";

/// Every requirement the chunk checks enforce, for lint and coverage.
pub const REQUIREMENTS: &[&str] = &[REPEAT_META];

/// What the first chunk of an object said about it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Described {
    source: Option<String>,
    type_: Option<String>,
    format: Option<String>,
}

impl Described {
    fn of(c: &Command, item: &Item) -> Described {
        let meta = |pick: fn(&syncml::Meta) -> Option<&str>| {
            item.meta
                .as_ref()
                .and_then(pick)
                .or_else(|| c.meta.as_ref().and_then(pick))
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        Described {
            source: item.source_uri().map(|u| u.trim().to_string()),
            type_: meta(|m| m.type_.as_deref()),
            format: meta(|m| m.format.as_deref()),
        }
    }

    /// What the first chunk named and this one leaves out or changes. A Source left out
    /// is not counted: every Item of a Results MUST name its Source, which the
    /// invariants check on their own.
    fn missing_in(&self, later: &Described) -> Vec<String> {
        let source = match (&self.source, &later.source) {
            (Some(f), Some(n)) if f != n => Some(format!("Source {n:?} instead of {f:?}")),
            _ => None,
        };
        let meta = [
            ("Meta Type", &self.type_, &later.type_),
            ("Meta Format", &self.format, &later.format),
        ];
        source
            .into_iter()
            .chain(
                meta.into_iter()
                    .filter_map(|(name, first, now)| match (first, now) {
                        (Some(f), n) if n.as_ref() != Some(f) => Some(match n {
                            Some(n) => format!("{name} {n:?} instead of {f:?}"),
                            None => format!("no {name} (the first chunk had {f:?})"),
                        }),
                        _ => None,
                    }),
            )
            .collect()
    }
}

/// The Results values of a session still coming in chunks, by the CmdRef of their
/// Results. A later chunk may carry the MsgRef of the message that asked for it rather
/// than that of the Get, so MsgRef is not part of the key; one object is in transit at
/// a time (DM Protocol 8.2), so CmdRef alone does not mix two up.
#[derive(Clone, Debug, Default)]
pub struct OpenObjects {
    open: BTreeMap<String, Described>,
}

impl OpenObjects {
    /// Checks the chunks in one message of the target, reply number `exchange`, and
    /// notes the objects it leaves open.
    pub fn check(&mut self, m: &Message, exchange: usize) -> Vec<Finding> {
        let mut out = Vec::new();
        for c in m.commands().filter(|c| c.kind == CommandKind::Results) {
            let key = c.cmd_ref.as_deref().unwrap_or("").trim().to_string();
            let mut items = c.items.iter();
            // A Results answering a Get whose value is open continues it with its first Item.
            if let Some(first) = self.open.remove(&key)
                && let Some(item) = items.next()
            {
                let missing = first.missing_in(&Described::of(c, item));
                if !missing.is_empty() {
                    out.push(Finding {
                        severity: Severity::NonStrict,
                        kind: FindingKind::Invariant,
                        requirement: Some(REPEAT_META.into()),
                        check: "invariant: each chunk of a large object repeats its Meta and Item information".into(),
                        expected: format!(
                            "the Source, Meta Type and Format of the first chunk in the later chunk of the Results for CmdRef {key}"
                        ),
                        actual: missing.join("; "),
                        exchange: Some(exchange),
                    });
                }
                if item.more_data {
                    self.open.insert(key.clone(), first);
                }
            }
            if let Some(item) = items.last().filter(|i| i.more_data) {
                self.open.insert(key, Described::of(c, item));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(body: &str) -> Message {
        let xml = format!(
            "<SyncML xmlns='SYNCML:SYNCML1.2'><SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto>\
<SessionID>1</SessionID><MsgID>2</MsgID><Target><LocURI>srv</LocURI></Target><Source><LocURI>dev</LocURI></Source></SyncHdr>\
<SyncBody>{body}<Final/></SyncBody></SyncML>"
        );
        let root = syncml::xml::read(xml.as_bytes(), &syncml::Limits::default())
            .unwrap()
            .root;
        Message::from_element(&root).0
    }

    const META: &str = "<Meta><Format xmlns='syncml:metinf'>chr</Format><Type xmlns='syncml:metinf'>text/plain</Type></Meta>";

    fn chunk(id: u32, meta: &str, source: &str, more: bool) -> Message {
        chunk_answering("3", id, meta, source, more)
    }

    fn chunk_answering(msg_ref: &str, id: u32, meta: &str, source: &str, more: bool) -> Message {
        let source = if source.is_empty() {
            String::new()
        } else {
            format!("<Source><LocURI>{source}</LocURI></Source>")
        };
        let more = if more { "<MoreData/>" } else { "" };
        message(&format!(
            "<Results><CmdID>{id}</CmdID><MsgRef>{msg_ref}</MsgRef><CmdRef>12</CmdRef>\
<Item>{source}{meta}<Data>0123</Data>{more}</Item></Results>"
        ))
    }

    fn findings(chunks: &[Message]) -> Vec<Finding> {
        let mut open = OpenObjects::default();
        chunks
            .iter()
            .enumerate()
            .flat_map(|(x, m)| open.check(m, x))
            .collect()
    }

    #[test]
    fn chunks_that_repeat_meta_and_source_break_nothing() {
        let f = findings(&[
            chunk(2, META, "./a/big", true),
            chunk(2, META, "./a/big", true),
            chunk(2, META, "./a/big", false),
        ]);
        assert!(f.is_empty(), "{f:#?}");
    }

    #[test]
    fn a_later_chunk_without_meta_is_non_strict() {
        let f = findings(&[
            chunk(2, META, "./a/big", true),
            chunk(2, "", "./a/big", false),
        ]);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].severity, Severity::NonStrict);
        assert_eq!(f[0].requirement.as_deref(), Some(REPEAT_META));
        assert_eq!(f[0].exchange, Some(1));
        assert!(f[0].actual.contains("no Meta Type"), "{}", f[0].actual);
        assert!(f[0].actual.contains("no Meta Format"), "{}", f[0].actual);
    }

    #[test]
    fn a_later_chunk_with_another_source_is_reported() {
        let f = findings(&[
            chunk(2, META, "./a/big", true),
            chunk(2, META, "./a/other", false),
        ]);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert!(f[0].actual.contains("\"./a/other\""), "{}", f[0].actual);
    }

    #[test]
    fn the_third_chunk_is_checked_against_the_first() {
        let f = findings(&[
            chunk(2, META, "./a/big", true),
            chunk(2, META, "./a/big", true),
            chunk(2, "", "./a/big", false),
        ]);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].exchange, Some(2));
    }

    #[test]
    fn a_later_chunk_answering_another_message_is_still_followed() {
        let f = findings(&[
            chunk_answering("3", 2, META, "./a/big", true),
            chunk_answering("4", 2, "", "./a/big", false),
        ]);
        assert_eq!(f.len(), 1, "{f:#?}");
    }

    #[test]
    fn a_later_chunk_without_source_is_left_to_the_results_source_invariant() {
        let f = findings(&[chunk(2, META, "./a/big", true), chunk(2, META, "", false)]);
        assert!(f.is_empty(), "{f:#?}");
    }

    #[test]
    fn a_value_that_fits_opens_nothing() {
        let f = findings(&[chunk(2, META, "./a/big", false), chunk(2, "", "", false)]);
        assert!(f.is_empty(), "{f:#?}");
    }
}
