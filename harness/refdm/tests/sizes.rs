//! Property: under any MaxMsgSize the client can meet (a message must hold the header, the
//! SyncHdr Status and a Results shell: about 700 bytes), every reply fits, the Statuses of a
//! package arrive complete and in order across messages, and chunked Results reassemble.

mod common;

use common::*;
use proptest::prelude::*;
use refdm::wire_size::message_len;
use refdm::{ClientConfig, Faults, paths};
use syncml::{BodyNode, Command, CommandKind, Message, Meta};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn replies_fit_and_keep_their_order(
        limit in 1000usize..4000,
        values in prop::collection::vec("[a-z<&]{0,2500}", 1..6),
        via_server_meta in any::<bool>(),
    ) {
        let config = ClientConfig {
            max_msg_size: (!via_server_meta).then_some(limit),
            ..ClientConfig::default()
        };
        let mut r = Run::with(config, Faults::none());
        // Store the values first (no limit on what the server sends).
        let adds: Vec<Command> = values
            .iter()
            .enumerate()
            .map(|(i, v)| add(&(i + 2).to_string(), &format!("{}/v{i}", paths::SCRATCH), v))
            .collect();
        let mut m = r.message(adds.into_iter().map(BodyNode::Command).collect(), true);
        if via_server_meta {
            m.hdr.as_mut().unwrap().meta = Some(Meta { max_msg_size: Some(limit.to_string()), ..Meta::default() });
        }
        let mut replies: Vec<Message> = vec![r.deliver(&m).unwrap()];
        while !replies.last().unwrap().is_final() {
            prop_assert!(replies.len() < 200);
            let next = r.message(vec![BodyNode::Command(Command::alert("2", 1222))], false);
            replies.push(r.deliver(&next).unwrap());
        }
        let gets: Vec<Command> = (0..values.len())
            .map(|i| get(&(i + 2).to_string(), &format!("{}/v{i}", paths::SCRATCH)))
            .collect();
        let m = r.message(gets.into_iter().map(BodyNode::Command).collect(), true);
        let first_get_reply = replies.len();
        replies.push(r.deliver(&m).unwrap());
        while !replies.last().unwrap().is_final() {
            prop_assert!(replies.len() < 400);
            let next = r.message(vec![BodyNode::Command(Command::alert("2", 1222))], false);
            replies.push(r.deliver(&next).unwrap());
        }
        for reply in &replies {
            prop_assert!(message_len(reply) <= limit, "{} > {}", message_len(reply), limit);
            let first = statuses(reply)[0].1.clone();
            prop_assert_eq!(first.as_str(), "SyncHdr");
        }
        let add_refs: Vec<String> = replies[..first_get_reply]
            .iter()
            .flat_map(statuses)
            .filter(|s| s.1 == "Add")
            .map(|s| s.0)
            .collect();
        let expected: Vec<String> = (0..values.len()).map(|i| (i + 2).to_string()).collect();
        prop_assert_eq!(&add_refs, &expected);
        let mut got: Vec<String> = Vec::new();
        let mut open = false;
        for c in replies[first_get_reply..].iter().flat_map(|m| m.commands()) {
            if c.kind != CommandKind::Results {
                continue;
            }
            for item in &c.items {
                let text = item.data.as_ref().map(|d| d.as_text()).unwrap_or_default();
                if open {
                    got.last_mut().unwrap().push_str(&text);
                } else {
                    got.push(text);
                }
                open = item.more_data;
            }
        }
        prop_assert_eq!(got, values);
    }
}
