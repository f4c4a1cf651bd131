//! One server command against the tree: Add, Replace, Delete and Get, and a
//! plain 406 for every command this client does not implement.

use crate::status;
use crate::tree::{Content, Tree};
use crate::uri::{self, UriLimits};
use syncml::{Command, CommandKind, Item, Meta};

/// The leaf formats of OMA DM TND this client stores.
const LEAF_FORMATS: &[&str] = &[
    "chr", "int", "bool", "bin", "b64", "float", "date", "time", "xml", "null",
];

/// How a command went: its status code and, for a Get, the items of its Results.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub code: u16,
    pub results: Vec<Item>,
}

impl Answer {
    fn code(code: u16) -> Answer {
        Answer {
            code,
            results: Vec::new(),
        }
    }
}

/// Runs one command. A command with several items runs them in order and
/// stops at the first that fails, whose code answers the command.
pub fn execute(command: &Command, tree: &mut Tree, limits: &UriLimits) -> Answer {
    if command.kind == CommandKind::Alert {
        return Answer::code(alert(command));
    }
    if !matches!(
        command.kind,
        CommandKind::Add | CommandKind::Replace | CommandKind::Delete | CommandKind::Get
    ) {
        return Answer::code(status::OPTIONAL_FEATURE_NOT_SUPPORTED);
    }
    if command.items.is_empty() {
        return Answer::code(status::BAD_REQUEST);
    }
    if command.items.iter().any(|i| i.more_data) {
        // Large objects are not implemented.
        return Answer::code(status::OPTIONAL_FEATURE_NOT_SUPPORTED);
    }
    let mut results = Vec::new();
    for item in &command.items {
        let outcome = uri::resolve(item.target_uri().unwrap_or(""), limits).and_then(|path| {
            match command.kind {
                CommandKind::Add => tree.add(&path, content(command, item)?),
                CommandKind::Replace => {
                    let (format, value) = leaf_value(command, item)?;
                    tree.replace(&path, value, format)
                }
                CommandKind::Delete => tree.delete(&path),
                _ => tree.get(&path).map(|reading| {
                    let source = item.target_uri().unwrap_or("").trim();
                    results.push(
                        Item::source(source)
                            .with_meta(Meta::format(reading.format))
                            .with_data(reading.data),
                    );
                }),
            }
        });
        if let Err(code) = outcome {
            return Answer::code(code);
        }
    }
    Answer {
        code: status::OK,
        results,
    }
}

/// A server Alert: 1222 (next message) is taken; user interaction and every
/// other alert is not implemented. Alert 1223 (session abort) never gets here:
/// the session ends without an answer.
fn alert(command: &Command) -> u16 {
    match command.code() {
        Some(1222) => status::OK,
        _ => status::OPTIONAL_FEATURE_NOT_SUPPORTED,
    }
}

/// The Meta that applies to an item: its own, else the command's.
fn meta<'a>(command: &'a Command, item: &'a Item) -> Option<&'a Meta> {
    item.meta.as_ref().or(command.meta.as_ref())
}

/// What an Add creates: an interior node for Format `node`, else a leaf.
fn content(command: &Command, item: &Item) -> Result<Content, u16> {
    let format = meta(command, item).and_then(|m| m.format.as_deref());
    if format.map(str::trim) == Some("node") {
        return Ok(Content::Interior);
    }
    let (format, value) = leaf_value(command, item)?;
    Ok(Content::Leaf {
        format: format.unwrap_or_else(|| "chr".into()),
        value,
    })
}

/// The format (when given) and value of a leaf write. Interior formats and
/// tree descriptions (DMTNDS) are refused.
fn leaf_value(command: &Command, item: &Item) -> Result<(Option<String>, String), u16> {
    let meta = meta(command, item);
    let media_type = meta.and_then(|m| m.type_.as_deref()).unwrap_or("");
    if media_type.contains("dmtnds") {
        return Err(status::UNSUPPORTED_FORMAT);
    }
    let format = meta.and_then(|m| m.format.as_deref()).map(str::trim);
    match format {
        Some("node") => return Err(status::NOT_ALLOWED),
        Some(f) if !LEAF_FORMATS.contains(&f) => return Err(status::UNSUPPORTED_FORMAT),
        _ => {}
    }
    let value = item.data.as_ref().map(|d| d.as_text()).unwrap_or_default();
    Ok((format.map(str::to_string), value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::Access;

    const LIMITS: UriLimits = UriLimits {
        max_depth: 8,
        max_tot_len: 100,
        max_seg_len: 16,
    };

    fn tree() -> Tree {
        let mut t = Tree::new();
        t.install("S", Content::Interior, Access::Permanent);
        t
    }

    fn add(uri: &str, format: &str, data: &str) -> Command {
        Command::new(CommandKind::Add, "2").with_item(
            Item::target(uri)
                .with_meta(Meta::format(format))
                .with_data(data),
        )
    }

    fn get(uri: &str) -> Command {
        Command::new(CommandKind::Get, "3").with_item(Item::target(uri))
    }

    #[test]
    fn a_leaf_added_reads_back_with_its_format() {
        let mut t = tree();
        assert_eq!(
            execute(&add("./S/n", "int", "42"), &mut t, &LIMITS).code,
            200
        );
        let answer = execute(&get("./S/n"), &mut t, &LIMITS);
        assert_eq!(answer.code, 200);
        let item = &answer.results[0];
        assert_eq!(item.source_uri(), Some("./S/n"));
        assert_eq!(item.meta.as_ref().unwrap().format.as_deref(), Some("int"));
        assert_eq!(item.data.as_ref().unwrap().as_text(), "42");
    }

    #[test]
    fn refusals_carry_their_codes() {
        let mut t = tree();
        assert_eq!(
            execute(&add("./S/n", "frob", "1"), &mut t, &LIMITS).code,
            415
        );
        assert_eq!(execute(&get("./S/n"), &mut t, &LIMITS).code, 404);
        assert_eq!(execute(&get("/S"), &mut t, &LIMITS).code, 400);
        let exec = Command::new(CommandKind::Exec, "4").with_item(Item::target("./S"));
        assert_eq!(execute(&exec, &mut t, &LIMITS).code, 406);
        let empty = Command::new(CommandKind::Get, "5");
        assert_eq!(execute(&empty, &mut t, &LIMITS).code, 400);
        let mut chunk = add("./S/big", "chr", "part");
        chunk.items[0].more_data = true;
        assert_eq!(execute(&chunk, &mut t, &LIMITS).code, 406);
    }

    #[test]
    fn command_meta_applies_to_every_item() {
        let mut t = tree();
        let mut two = Command::new(CommandKind::Add, "2")
            .with_item(Item::target("./S/a").with_data("1"))
            .with_item(Item::target("./S/b").with_data("2"));
        two.meta = Some(Meta::format("bool"));
        assert_eq!(execute(&two, &mut t, &LIMITS).code, 200);
        let answer = execute(&get("./S/b"), &mut t, &LIMITS);
        assert_eq!(
            answer.results[0].meta.as_ref().unwrap().format.as_deref(),
            Some("bool")
        );
    }
}
