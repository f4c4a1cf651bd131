//! The DM commands at the Message level, and the faults that bend them.

mod common;

use common::*;
use refdm::{Fault, paths};
use syncml::{BodyNode, Command, CommandKind, Item, Meta};

const S: &str = paths::SCRATCH;

fn at(name: &str) -> String {
    format!("{S}/{name}")
}

#[test]
fn add_creates_missing_parents_and_refuses_existing_nodes() {
    let mut r = Run::new();
    let reply = r.send(vec![
        add("2", &at("a/b/c"), "1"),
        add("3", &at("a/b/c"), "2"),
    ]);
    assert_eq!(codes(&reply), [200, 418]);
    assert_eq!(r.value(&at("a/b/c")).as_deref(), Some("1"));
    assert!(r.client.tree().lookup(&at("a/b")).unwrap().is_interior());
}

#[test]
fn add_under_a_leaf_or_a_read_only_node_is_405() {
    let mut r = Run::new();
    r.send(vec![add("2", &at("leaf"), "x")]);
    let reply = r.send(vec![
        add("2", &at("leaf/child"), "x"),
        add("3", "./DevInfo/Extra", "x"),
        add("4", "./NewRoot", "x"),
    ]);
    assert_eq!(codes(&reply), [405, 405, 405]);
    assert!(!r.exists("./DevInfo/Extra"));
}

#[test]
fn add_interior_node_and_unknown_format() {
    let mut r = Run::new();
    let mut bad = add("3", &at("f"), "1");
    bad.items[0].meta = Some(Meta::format("weird"));
    let reply = r.send(vec![add_interior("2", &at("dir")), bad]);
    assert_eq!(codes(&reply), [200, 415]);
    assert!(r.client.tree().lookup(&at("dir")).unwrap().is_interior());
}

#[test]
fn fault_add_existing_ok() {
    let mut r = Run::fault(Fault::AddExistingOk);
    let reply = r.send(vec![add("2", &at("a"), "1"), add("3", &at("a"), "2")]);
    assert_eq!(codes(&reply), [200, 200]);
    assert_eq!(r.value(&at("a")).as_deref(), Some("2"));
}

#[test]
fn fault_no_implicit_add() {
    let mut r = Run::fault(Fault::NoImplicitAdd);
    let reply = r.send(vec![add("2", &at("x/y"), "1"), add("3", &at("z"), "1")]);
    assert_eq!(codes(&reply), [404, 200]);
}

#[test]
fn replace_needs_an_existing_writable_leaf() {
    let mut r = Run::new();
    r.send(vec![add("2", &at("a"), "1")]);
    let reply = r.send(vec![
        replace("2", &at("a"), "2"),
        replace("3", &at("missing"), "2"),
        replace("4", paths::READ_ONLY_LEAF, "x"),
        replace("5", S, "x"),
    ]);
    assert_eq!(codes(&reply), [200, 404, 405, 405]);
    assert_eq!(r.value(&at("a")).as_deref(), Some("2"));
    assert!(!r.exists(&at("missing")));
}

#[test]
fn fault_replace_missing_creates() {
    let mut r = Run::fault(Fault::ReplaceMissingCreates);
    let reply = r.send(vec![replace("2", &at("m"), "v")]);
    assert_eq!(codes(&reply), [200]);
    assert_eq!(r.value(&at("m")).as_deref(), Some("v"));
}

#[test]
fn fault_readonly_writable() {
    let mut r = Run::fault(Fault::ReadonlyWritable);
    let reply = r.send(vec![
        replace("2", paths::READ_ONLY_LEAF, "hijacked"),
        add("3", "./DevInfo/Extra", "x"),
    ]);
    assert_eq!(codes(&reply), [200, 200]);
    assert_eq!(r.value(paths::READ_ONLY_LEAF).as_deref(), Some("hijacked"));
}

#[test]
fn delete_removes_the_subtree_and_protects_permanent_nodes() {
    let mut r = Run::new();
    r.send(vec![add("2", &at("d/e/f"), "1")]);
    let reply = r.send(vec![
        delete("2", &at("d")),
        delete("3", &at("d")),
        delete("4", S),
        delete("5", "./DevDetail"),
    ]);
    assert_eq!(codes(&reply), [200, 404, 405, 405]);
    assert!(!r.exists(&at("d/e/f")) && !r.exists(&at("d")));
    assert!(r.exists(S) && r.exists("./DevDetail/SwV"));
}

#[test]
fn fault_delete_leaves_children() {
    let mut r = Run::fault(Fault::DeleteLeavesChildren);
    r.send(vec![add("2", &at("d/e"), "1")]);
    let reply = r.send(vec![delete("2", &at("d"))]);
    assert_eq!(codes(&reply), [200]);
    assert!(r.exists(&at("d/e")));
}

#[test]
fn fault_permanent_deletable() {
    let mut r = Run::fault(Fault::PermanentDeletable);
    let reply = r.send(vec![delete("2", S)]);
    assert_eq!(codes(&reply), [200]);
    assert!(!r.exists(S));
}

#[test]
fn get_leaf_returns_results_after_the_status() {
    let mut r = Run::new();
    let reply = r.send(vec![get("2", "./DevDetail/SwV"), get("3", &at("none"))]);
    assert_eq!(codes(&reply), [200, 404]);
    let names: Vec<_> = reply.commands().map(|c| c.kind).collect();
    assert_eq!(
        names,
        [
            CommandKind::Status,
            CommandKind::Status,
            CommandKind::Results,
            CommandKind::Status
        ]
    );
    let res = results(&reply)[0];
    assert_eq!(res.cmd_ref.as_deref(), Some("2"));
    assert_eq!(res.msg_ref.as_deref(), Some("1"));
    let item = &res.items[0];
    assert_eq!(item.source_uri(), Some("./DevDetail/SwV"));
    assert_eq!(item.meta.as_ref().unwrap().format.as_deref(), Some("chr"));
    assert_eq!(
        item.data.as_ref().unwrap().as_text(),
        r.client.config().sw_v
    );
}

#[test]
fn get_keeps_format_and_type() {
    let mut r = Run::new();
    let mut a = add("2", &at("typed"), "5");
    a.items[0].meta = Some(Meta::format("int").with_type("text/plain"));
    r.send(vec![a]);
    let reply = r.send(vec![get("2", &at("typed"))]);
    let meta = results(&reply)[0].items[0].meta.clone().unwrap();
    assert_eq!(meta.format.as_deref(), Some("int"));
    assert_eq!(meta.type_.as_deref(), Some("text/plain"));
}

#[test]
fn get_interior_lists_encoded_children_with_format_node() {
    let mut r = Run::new();
    r.send(vec![
        add_interior("2", &at("dir")),
        add("3", &at("dir/b%20c"), "1"),
        add("4", &at("dir/Gr%C3%BC%C3%9Fe"), "1"),
        add("5", &at("dir/a.b"), "1"),
        add_interior("6", &at("empty")),
    ]);
    let reply = r.send(vec![get("2", &at("dir")), get("3", &at("empty"))]);
    assert_eq!(result_text(&reply), "Gr%C3%BC%C3%9Fe/a.b/b%20c");
    let res = results(&reply);
    assert_eq!(
        res[0].items[0].meta.as_ref().unwrap().format.as_deref(),
        Some("node")
    );
    assert!(res[1].items[0].data.as_ref().unwrap().content.is_empty());
}

#[test]
fn fault_get_interior_raw() {
    let mut r = Run::fault(Fault::GetInteriorRaw);
    let reply = r.send(vec![get("2", S)]);
    let meta = results(&reply)[0].items[0].meta.clone().unwrap();
    assert_eq!(meta.format.as_deref(), Some("chr"));
}

#[test]
fn fault_interior_not_encoded() {
    let mut r = Run::fault(Fault::InteriorNotEncoded);
    r.send(vec![add("2", &at("b%20c"), "1")]);
    let reply = r.send(vec![get("2", S)]);
    assert_eq!(result_text(&reply), "b c");
}

#[test]
fn fault_results_missing() {
    let mut r = Run::fault(Fault::ResultsMissing);
    let reply = r.send(vec![get("2", "./DevDetail/SwV")]);
    assert_eq!(codes(&reply), [200]);
    assert!(results(&reply).is_empty());
}

#[test]
fn user_and_device_scopes() {
    let mut r = Run::new();
    let reply = r.send(vec![
        add("2", "./User/Vendor/MSFT/Scratch/u", "user"),
        add("3", "./Device/Vendor/MSFT/Scratch/d", "device"),
        get("4", "./user/DevInfo/DevId"),
    ]);
    assert_eq!(codes(&reply), [200, 200, 404]);
    assert_eq!(r.value(&at("d")).as_deref(), Some("device"));
    assert!(!r.exists(&at("u")));
    assert_eq!(
        r.value("./User/Vendor/MSFT/Scratch/u").as_deref(),
        Some("user")
    );
}

#[test]
fn exec_runs_executable_nodes_only() {
    let mut r = Run::new();
    let reply = r.send(vec![
        exec("2", paths::EXEC_ECHO, "hello"),
        exec("3", paths::NOT_EXECUTABLE_LEAF, ""),
        exec("4", &at("none"), ""),
    ]);
    assert_eq!(codes(&reply), [200, 405, 404]);
    assert_eq!(r.value(paths::LAST_ECHO).as_deref(), Some("hello"));
    assert_eq!(r.value(paths::ECHO_COUNT).as_deref(), Some("1"));
}

#[test]
fn copy_is_not_supported() {
    let mut r = Run::new();
    let copy = Command::new(CommandKind::Copy, "2").with_item(Item::target(at("x")));
    assert_eq!(codes(&r.send(vec![copy])), [406]);
}

#[test]
fn items_with_different_codes_get_one_status_each() {
    let mut r = Run::new();
    let cmd = Command::new(CommandKind::Add, "2")
        .with_item(Item::target(at("p")).with_data("1"))
        .with_item(Item::target(paths::READ_ONLY_LEAF).with_data("1"));
    let reply = r.send(vec![cmd]);
    let s: Vec<_> = reply
        .commands()
        .filter(|c| c.cmd.as_deref() == Some("Add"))
        .map(|c| (c.code().unwrap(), c.target_refs.clone()))
        .collect();
    assert_eq!(
        s,
        [
            (200, vec![at("p")]),
            (418, vec![paths::READ_ONLY_LEAF.to_string()])
        ]
    );
}

#[test]
fn command_without_items_is_400() {
    let mut r = Run::new();
    let reply = r.send(vec![Command::new(CommandKind::Get, "2")]);
    assert_eq!(codes(&reply), [400]);
}

#[test]
fn uri_rules_give_400_and_limits_414() {
    let mut r = Run::new();
    let long = format!("{S}/{}", "x".repeat(300));
    let reply = r.send(vec![
        add("2", "/Vendor/MSFT/Scratch/a", "1"),
        add("3", &format!("{S}//a"), "1"),
        add("4", &format!("{S}/*"), "1"),
        add("5", &format!("{S}/./a"), "1"),
        add("6", &format!("{S}/../a"), "1"),
        add("7", &long, "1"),
        add("8", &format!("{S}/a.b"), "1"),
        get("9", &format!("{S}?list=Struct")),
    ]);
    assert_eq!(codes(&reply), [400, 400, 400, 400, 400, 414, 200, 406]);
}

fn accepted_with(fault: Fault, uri: &str) {
    let mut plain = Run::new();
    assert_ne!(codes(&plain.send(vec![add("2", uri, "1")])), [200], "{uri}");
    let mut r = Run::fault(fault);
    assert_eq!(codes(&r.send(vec![add("2", uri, "1")])), [200], "{uri}");
}

#[test]
fn fault_leading_slash_ok() {
    accepted_with(Fault::LeadingSlashOk, "/Vendor/MSFT/Scratch/a");
}

#[test]
fn fault_empty_segment_ok() {
    accepted_with(Fault::EmptySegmentOk, "./Vendor/MSFT/Scratch//a");
}

#[test]
fn fault_star_node_ok() {
    accepted_with(Fault::StarNodeOk, "./Vendor/MSFT/Scratch/*");
}

#[test]
fn fault_dot_segment_ok() {
    accepted_with(Fault::DotSegmentOk, "./Vendor/MSFT/Scratch/./a");
}

#[test]
fn fault_dotdot_ok() {
    accepted_with(Fault::DotDotOk, "./Vendor/MSFT/Scratch/x/../a");
}

#[test]
fn fault_uri_limit_ignored() {
    accepted_with(Fault::UriLimitIgnored, &format!("{S}/{}", "x".repeat(300)));
}

#[test]
fn atomic_commits_all_children() {
    let mut r = Run::new();
    let reply = r.send(vec![atomic(
        "2",
        vec![add("3", &at("a"), "1"), add("4", &at("b"), "2")],
    )]);
    assert_eq!(
        statuses(&reply)[1..],
        [
            ("2".into(), "Atomic".into(), 200),
            ("3".into(), "Add".into(), 200),
            ("4".into(), "Add".into(), 200)
        ]
    );
    assert!(r.exists(&at("a")) && r.exists(&at("b")));
}

#[test]
fn atomic_rolls_back_on_failure() {
    let mut r = Run::new();
    r.send(vec![add("2", &at("keep"), "old")]);
    let reply = r.send(vec![atomic(
        "2",
        vec![
            replace("3", &at("keep"), "new"),
            add("4", &at("a"), "1"),
            replace("5", &at("missing"), "x"),
            add("6", &at("b"), "1"),
        ],
    )]);
    assert_eq!(codes(&reply), [507, 216, 216, 404, 216]);
    assert_eq!(r.value(&at("keep")).as_deref(), Some("old"));
    assert!(!r.exists(&at("a")) && !r.exists(&at("b")));
}

#[test]
fn fault_no_rollback() {
    let mut r = Run::fault(Fault::NoRollback);
    let reply = r.send(vec![atomic(
        "2",
        vec![add("3", &at("a"), "1"), replace("4", &at("missing"), "x")],
    )]);
    assert_eq!(codes(&reply), [507, 200, 404]);
    assert!(r.exists(&at("a")));
}

#[test]
fn nested_atomic_is_500_and_parent_507() {
    let mut r = Run::new();
    let inner = atomic("4", vec![add("5", &at("inner"), "1")]);
    let reply = r.send(vec![atomic("2", vec![add("3", &at("outer"), "1"), inner])]);
    assert_eq!(codes(&reply), [507, 216, 500, 216]);
    assert!(!r.exists(&at("outer")) && !r.exists(&at("inner")));
}

#[test]
fn fault_nested_atomic_ok() {
    let mut r = Run::fault(Fault::NestedAtomicOk);
    let inner = atomic("4", vec![add("5", &at("inner"), "1")]);
    let reply = r.send(vec![atomic("2", vec![add("3", &at("outer"), "1"), inner])]);
    assert_eq!(codes(&reply), [200, 200, 200, 200]);
    assert!(r.exists(&at("inner")));
}

#[test]
fn get_in_atomic_is_500_and_parent_507() {
    let mut r = Run::new();
    let reply = r.send(vec![atomic(
        "2",
        vec![add("3", &at("a"), "1"), get("4", "./DevDetail/SwV")],
    )]);
    assert_eq!(codes(&reply), [507, 216, 500]);
    assert!(results(&reply).is_empty());
    assert!(!r.exists(&at("a")));
}

#[test]
fn fault_get_in_atomic_ok() {
    let mut r = Run::fault(Fault::GetInAtomicOk);
    let reply = r.send(vec![atomic("2", vec![get("3", "./DevDetail/SwV")])]);
    assert_eq!(codes(&reply), [200, 200]);
    assert_eq!(results(&reply).len(), 1);
}

#[test]
fn add_then_replace_in_one_atomic_fails_with_406() {
    let mut r = Run::new();
    let reply = r.send(vec![atomic(
        "2",
        vec![add("3", &at("n"), "1"), replace("4", &at("n"), "2")],
    )]);
    assert_eq!(codes(&reply), [507, 216, 406]);
    assert!(!r.exists(&at("n")));
}

#[test]
fn fault_add_then_replace_ok() {
    let mut r = Run::fault(Fault::AddThenReplaceOk);
    let reply = r.send(vec![atomic(
        "2",
        vec![add("3", &at("n"), "1"), replace("4", &at("n"), "2")],
    )]);
    assert_eq!(codes(&reply), [200, 200, 200]);
    assert_eq!(r.value(&at("n")).as_deref(), Some("2"));
}

#[test]
fn sequence_runs_in_order_and_answers_200() {
    let mut r = Run::new();
    let reply = r.send(vec![sequence(
        "2",
        vec![
            add("3", &at("s"), "1"),
            replace("4", &at("s"), "2"),
            delete("5", &at("missing")),
            get("6", &at("s")),
        ],
    )]);
    assert_eq!(codes(&reply), [200, 200, 200, 404, 200]);
    assert_eq!(result_text(&reply), "2");
}

#[test]
fn unknown_elements_get_400_with_their_name() {
    let mut r = Run::new();
    let mut seq = sequence("3", vec![add("4", &at("a"), "1")]);
    seq.children.push(unknown("Frob", "5"));
    let reply = r.send_nodes(vec![unknown("Bogus", "2"), BodyNode::Command(seq)]);
    assert_eq!(
        statuses(&reply)[1..],
        [
            ("2".into(), "Bogus".into(), 400),
            ("3".into(), "Sequence".into(), 200),
            ("4".into(), "Add".into(), 200),
            ("5".into(), "Frob".into(), 400)
        ]
    );
}

#[test]
fn unknown_element_in_atomic_fails_it() {
    let mut r = Run::new();
    let mut a = atomic("2", vec![add("3", &at("a"), "1")]);
    a.children.push(unknown("Frob", "4"));
    let reply = r.send(vec![a]);
    assert_eq!(codes(&reply), [507, 216, 400]);
    assert!(!r.exists(&at("a")));
}

#[test]
fn fault_unknown_element_ignored() {
    let mut plain = Run::new();
    let reply = plain.send_nodes(vec![unknown("Bogus", "2")]);
    assert_eq!(codes(&reply), [400]);
    // With the fault the message holds nothing to answer: the session just ends.
    let mut r = Run::fault(Fault::UnknownElementIgnored);
    let m = r.message(vec![unknown("Bogus", "2")], true);
    assert_eq!(r.deliver(&m), None);
}

#[test]
fn missing_cmdid_gets_empty_cmdref_and_400() {
    let mut r = Run::new();
    let mut a = add("x", &at("a"), "1");
    a.cmd_id = None;
    let reply = r.send(vec![a]);
    assert_eq!(statuses(&reply)[1], ("".into(), "Add".into(), 400));
    assert!(!r.exists(&at("a")));
}

#[test]
fn fault_missing_cmdid_zero() {
    let mut r = Run::fault(Fault::MissingCmdIdZero);
    let mut a = add("x", &at("a"), "1");
    a.cmd_id = None;
    let reply = r.send(vec![a]);
    assert_eq!(statuses(&reply)[1], ("0".into(), "Add".into(), 400));
}

#[test]
fn results_from_the_server_get_no_status() {
    let mut r = Run::new();
    let mut res = Command::new(CommandKind::Results, "2");
    res.cmd_ref = Some("1".into());
    let reply = r.send(vec![res.clone(), get("3", "./DevInfo/Lang")]);
    assert_eq!(codes(&reply), [200]);
    let mut f = Run::fault(Fault::StatusForResults);
    let reply = f.send(vec![res, get("3", "./DevInfo/Lang")]);
    assert_eq!(codes(&reply), [200, 200]);
}

#[test]
fn containers_nest_only_so_deep() {
    let mut r = Run::new();
    let mut cmd = add("100", &at("deep"), "1");
    for i in 0..40 {
        cmd = sequence(&(200 + i).to_string(), vec![cmd]);
    }
    let reply = r.send(vec![cmd]);
    let c = codes(&reply);
    assert_eq!(c.len(), 17, "16 levels run, the 17th answered 500: {c:?}");
    assert_eq!(*c.last().unwrap(), 500);
    assert!(!r.exists(&at("deep")));
}

#[test]
fn the_tree_has_a_node_budget() {
    let base = refdm::Client::new(refdm::ClientConfig::default(), refdm::Faults::none())
        .tree()
        .count();
    let mut r = Run::with(
        refdm::ClientConfig {
            max_nodes: base + 2,
            ..refdm::ClientConfig::default()
        },
        refdm::Faults::none(),
    );
    let reply = r.send(vec![
        add("2", &at("a"), "1"),
        add("3", &at("b/c"), "1"),
        add("4", &at("d"), "1"),
        add("5", &at("e"), "1"),
        delete("6", &at("a")),
        add("7", &at("e"), "1"),
    ]);
    assert_eq!(codes(&reply), [200, 420, 200, 420, 200, 200]);
}
