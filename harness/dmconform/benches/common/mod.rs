//! The server package the exchange benchmarks send: ten commands (Adds,
//! Replaces, Gets, an Atomic and a Delete) that leave the tree as they found it,
//! after a Status 200 for the client's SyncHdr.

use syncml::{Command, CommandKind, Item, Message, Meta, SyncBody, SyncHdr};

/// The ten-command package, answering client message 1.
pub fn ten_commands(session_id: &str, msg_id: u32) -> Message {
    let base = "./Vendor/MSFT/Scratch/bench";
    let add = |id: &str, uri: String, data: &str| {
        Command::new(CommandKind::Add, id).with_item(
            Item::target(uri)
                .with_meta(Meta::format("chr"))
                .with_data(data),
        )
    };
    let get = |id: &str, uri: &str| Command::new(CommandKind::Get, id).with_item(Item::target(uri));
    let commands = vec![
        Command::status("1", "1", "0", "SyncHdr", 200),
        Command::new(CommandKind::Add, "2")
            .with_item(Item::target(base).with_meta(Meta::format("node"))),
        add("3", format!("{base}/a"), "1"),
        add("4", format!("{base}/b"), "2"),
        Command::new(CommandKind::Replace, "5")
            .with_item(Item::target(format!("{base}/a")).with_data("3")),
        Command::new(CommandKind::Replace, "6")
            .with_item(Item::target(format!("{base}/b")).with_data("4")),
        get("7", "./DevDetail/SwV"),
        get("8", base),
        Command::new(CommandKind::Atomic, "9").with_child(add("10", format!("{base}/c"), "5")),
        get("11", &format!("{base}/c")),
        Command::new(CommandKind::Delete, "12").with_item(Item::target(base)),
    ];
    server_message(session_id, msg_id, commands)
}

/// A server message of the benchmark session holding `commands`.
pub fn server_message(session_id: &str, msg_id: u32, commands: Vec<Command>) -> Message {
    Message::new(
        SyncHdr::new(
            session_id,
            msg_id,
            "REFDM0000000000000000000000000001",
            "https://bench.invalid",
        ),
        SyncBody::with_commands(commands),
    )
}
