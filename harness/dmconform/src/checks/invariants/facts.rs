//! What a session has established so far ([`SessionFacts`]), which the checks
//! of its next message judge against, and the DM versions a reply may carry.

use crate::transcript::Sent;

/// What the session has established so far, for the checks of the next message.
#[derive(Clone, Debug, Default)]
pub struct SessionFacts {
    pub session_id: Option<String>,
    pub last_client_msg_id: Option<u64>,
    /// The server message being answered is a DM 1.1.2 message (namespace
    /// `SYNCML:SYNCML1.1`, VerDTD 1.1).
    pub answering_dm_112: bool,
    /// Large objects whose chunks are still coming.
    pub lob: crate::checks::lob::OpenObjects,
    /// The target is a DM server: its MsgIDs go up by exactly one (WIN-OMA says so
    /// of server messages); a client's need only increase (MS-MDM 2.2.3.6).
    pub target_is_server: bool,
}

/// The (VerDTD, VerProto) pairs of OMA DM 1.2 and of DM 1.1.2.
pub(super) const DM_12: (&str, &str) = ("1.2", "DM/1.2");
const DM_112: (&str, &str) = ("1.1", "DM/1.1");

impl SessionFacts {
    /// The version pairs a reply may carry. Always DM 1.2; DM 1.1.2 too in answer to
    /// a 1.1 message: Windows lists both as supported (WIN-STRUCT) and no source says
    /// in which version a client answers a 1.1 message.
    pub(super) fn versions(&self) -> Vec<(&'static str, &'static str)> {
        if self.answering_dm_112 {
            vec![DM_12, DM_112]
        } else {
            vec![DM_12]
        }
    }
}

/// Whether a server message is a DM 1.1.2 one: namespace `SYNCML:SYNCML1.1` and VerDTD 1.1.
pub fn is_dm_112(sent: &Sent) -> bool {
    sent.root.attr("xmlns").map(str::trim) == Some(syncml::tree::NS_SYNCML11)
        && sent
            .message
            .hdr
            .as_ref()
            .and_then(|h| h.ver_dtd.as_deref())
            .map(str::trim)
            == Some(DM_112.0)
}
