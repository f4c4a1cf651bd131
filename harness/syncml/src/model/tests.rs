//! Round trips through the model: writing a message and reading it back gives
//! the same message, with no defects.

use super::*;

fn sample() -> Message {
    let hdr = SyncHdr::new("1", 1, "dev1", "https://mdm.example/omadm");
    let add = Command::new(CommandKind::Add, "2").with_item(
        Item::target("./Vendor/MSFT/Scratch/a")
            .with_meta(Meta::format("int"))
            .with_data("5"),
    );
    let atomic = Command::new(CommandKind::Atomic, "3")
        .with_child(Command::new(CommandKind::Get, "4").with_item(Item::target("./DevDetail/SwV")));
    Message::new(hdr, SyncBody::with_commands([add, atomic]))
}

#[test]
fn write_then_read_is_identity() {
    let m = sample();
    let (back, defects) = Message::from_element(&m.to_element());
    assert!(defects.is_empty(), "{defects:?}");
    assert_eq!(back, m);
}

#[test]
fn nested_atomic_is_held() {
    let inner = Command::new(CommandKind::Atomic, "3")
        .with_child(Command::new(CommandKind::Add, "4").with_item(Item::target("a")));
    let outer = Command::new(CommandKind::Atomic, "2").with_child(inner.clone());
    let m = Message::new(
        SyncHdr::new("1", 1, "d", "s"),
        SyncBody::with_commands([outer]),
    );
    let (back, defects) = Message::from_element(&m.to_element());
    assert!(defects.is_empty());
    let outer = back.commands().next().unwrap();
    assert_eq!(outer.child_commands().next().unwrap(), &inner);
}
