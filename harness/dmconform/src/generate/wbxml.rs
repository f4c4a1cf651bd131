//! The WBXML families: a server message encoded wrong on purpose by the WBXML
//! encoder's fault switch (`syncml::wbxml::Fault`), and the answer the
//! sources leave a client: it cannot take the bytes as a DM message, so no
//! command in them may be reported as done. Ending the session, an error
//! Status, or no answer at all are all allowed.
//!
//! The case format sends every message through the harness's own encoder, so
//! these families have no case-file form; they are exercised with
//! [`crate::client::session::Session::send_encoded`].

use syncml::tree::Element;
use syncml::wbxml::{EncodeOptions, Fault};
use syncml::{CommandKind, Message};

/// One way to break the WBXML of a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WbxmlMutation {
    /// The header names another document (0x1203, DevInf 1.2).
    WrongPublicId,
    /// A `STR_T` reference past the end of the string table.
    StringPastTable,
    /// A tag token no SyncML code page assigns.
    UnknownTagToken,
    /// The document ends early.
    Truncated,
}

impl WbxmlMutation {
    pub const ALL: [WbxmlMutation; 4] = [
        WbxmlMutation::WrongPublicId,
        WbxmlMutation::StringPastTable,
        WbxmlMutation::UnknownTagToken,
        WbxmlMutation::Truncated,
    ];

    /// A stable name, e.g. `wbxml-truncated`.
    pub fn name(self) -> &'static str {
        match self {
            WbxmlMutation::WrongPublicId => "wbxml-wrong-public-id",
            WbxmlMutation::StringPastTable => "wbxml-string-past-table",
            WbxmlMutation::UnknownTagToken => "wbxml-unknown-tag",
            WbxmlMutation::Truncated => "wbxml-truncated",
        }
    }

    /// The requirements the message violates. The registry states no rule on
    /// WBXML well-formedness of its own; the client is held to the encodings
    /// it claims and to the content type the message travels under.
    pub fn requirements(self) -> &'static [&'static str] {
        &["win.encoding.xml-and-wbxml", "oma.syncml.mime"]
    }

    /// The encoder's fault switch for this family.
    pub fn fault(self) -> Fault {
        match self {
            WbxmlMutation::WrongPublicId => Fault::WrongPublicId(0x1203),
            WbxmlMutation::StringPastTable => Fault::DanglingStringReference,
            WbxmlMutation::UnknownTagToken => Fault::UnknownTagToken,
            WbxmlMutation::Truncated => Fault::Truncate { drop_last: 3 },
        }
    }

    /// The message as WBXML with this defect.
    pub fn encode(self, root: &Element) -> Result<Vec<u8>, String> {
        let opts = EncodeOptions {
            fault: Some(self.fault()),
            ..EncodeOptions::default()
        };
        syncml::wbxml::encode(root, &opts).map_err(|e| e.to_string())
    }
}

/// Whether a reply (or its absence) refuses the commands of `sent`: no Status
/// answering one of them carries a 2xx code. Returns what broke the rule.
pub fn refused(sent: &Message, reply: Option<&Message>) -> Result<(), String> {
    let Some(reply) = reply else {
        return Ok(());
    };
    let msg_id = sent.msg_id().unwrap_or("").trim();
    let ids: Vec<&str> = sent
        .commands()
        .filter(|c| !matches!(c.kind, CommandKind::Status | CommandKind::Results))
        .filter_map(|c| c.cmd_id.as_deref().map(str::trim))
        .collect();
    for status in reply.commands().filter(|c| c.kind == CommandKind::Status) {
        let answers_sent = status.msg_ref.as_deref().map(str::trim) == Some(msg_id);
        let cmd_ref = status.cmd_ref.as_deref().unwrap_or("").trim();
        let code = status.code().unwrap_or(0);
        if answers_sent && ids.contains(&cmd_ref) && code / 100 == 2 {
            return Err(format!(
                "CmdRef {cmd_ref} of a message the client could not read was answered {code}"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::package::{Op, leaf};

    fn message() -> Element {
        let mut body = Element::new("SyncBody");
        body.push(leaf(Op::Get, 10, "./DevDetail/SwV", None));
        body.push(Element::new("Final"));
        let hdr = syncml::SyncHdr::new("1", 2, "dev", "https://server.invalid").to_element();
        let mut root = Message::new(Default::default(), Default::default()).to_element();
        root.children.clear();
        root.push(hdr);
        root.push(body);
        root
    }

    #[test]
    fn each_family_makes_bytes_the_decoder_cannot_take_as_the_message() {
        let root = message();
        let good = syncml::wbxml::encode(&root, &EncodeOptions::default()).unwrap();
        let limits = crate::codec::reply_limits();
        let (good_message, _, _) = syncml::wbxml::decode_message(&good, &limits).unwrap();
        for m in WbxmlMutation::ALL {
            let bad = m.encode(&root).unwrap();
            assert_ne!(bad, good, "{}", m.name());
            if let Ok((read, _, doc)) = syncml::wbxml::decode_message(&bad, &limits) {
                assert!(
                    read != good_message || doc.public_id.kind().is_none(),
                    "{}: decodes to the same message",
                    m.name()
                );
            }
        }
    }

    #[test]
    fn a_2xx_for_a_command_of_the_refused_message_is_caught() {
        let (sent, _) = Message::from_element(&message());
        assert!(refused(&sent, None).is_ok());
        let reply = |code: u16| {
            let mut m = Message::new(Default::default(), Default::default());
            let status = syncml::Command::status("1", "2", "10", "Get", code);
            m.body
                .get_or_insert_default()
                .nodes
                .push(syncml::BodyNode::Command(status));
            m
        };
        assert!(refused(&sent, Some(&reply(400))).is_ok());
        assert!(refused(&sent, Some(&reply(200))).is_err());
    }
}
