//! The DTD order of the children of each element the typed view knows (OMA DM
//! RepPro 1.2). The reader checks a tree against these tables; the writer writes
//! each command in the order of [`command_order`].

use super::CommandKind;

/// `<SyncML>`.
pub(super) const SYNCML_ORDER: &[&str] = &["SyncHdr", "SyncBody"];

/// `<SyncHdr>`.
pub(super) const HDR_ORDER: &[&str] = &[
    "VerDTD",
    "VerProto",
    "SessionID",
    "MsgID",
    "Target",
    "Source",
    "RespURI",
    "NoResp",
    "Cred",
    "Meta",
];

/// `<Item>`.
pub(super) const ITEM_ORDER: &[&str] = &["Target", "Source", "Meta", "Data", "MoreData"];

/// `<Target>` and `<Source>`.
pub(super) const LOCATION_ORDER: &[&str] = &["LocURI", "LocName"];

/// The DTD order of the non-command children of each command (OMA DM RepPro 1.2).
pub(super) fn command_order(kind: CommandKind) -> &'static [&'static str] {
    match kind {
        CommandKind::Status => &[
            "CmdID",
            "MsgRef",
            "CmdRef",
            "Cmd",
            "TargetRef",
            "SourceRef",
            "Cred",
            "Chal",
            "Meta",
            "Data",
            "Item",
        ],
        CommandKind::Results => &[
            "CmdID",
            "MsgRef",
            "CmdRef",
            "Cmd",
            "Meta",
            "TargetRef",
            "SourceRef",
            "Item",
        ],
        CommandKind::Alert => &[
            "CmdID",
            "NoResp",
            "Cred",
            "Meta",
            "Data",
            "Correlator",
            "Item",
        ],
        _ => &[
            "CmdID",
            "NoResp",
            "Cred",
            "Meta",
            "Correlator",
            "Data",
            "Item",
        ],
    }
}
