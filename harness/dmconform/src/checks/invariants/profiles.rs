//! Which requirement an invariant's finding cites for the profiles a target
//! claims: a rule stated in Microsoft's sources is cited to a target claiming
//! Windows as it is; a target claiming only OMA DM 1.2 gets the OMA wording of
//! the same rule where the registry has one. Where it has none, the finding keeps
//! the rule it broke: no finding is dropped for want of a quotation, since these
//! rules (the SyncHdr Status first, Statuses in order, MsgRef, CmdRef) are the
//! OMA DM protocol's own, only quoted here from MS-MDM.

use super::req;
use crate::verdict::{Finding, FindingKind};

/// The profile whose sources state the Windows-only rules.
const WINDOWS: &str = "windows";

/// Each Windows-only rule the invariants check, with the OMA requirement stating
/// the same rule, if any.
const OMA_WORDING: &[(&str, Option<&str>)] = &[
    (req::SYNCHDR_STATUS_FIRST, None),
    (req::STATUS_PER_COMMAND, None),
    (req::STATUS_PER_CONTAINED_COMMAND, None),
    (req::CMDREF, None),
    (req::STATUS_CODE, None),
    (req::MSGREF, None),
    (req::MSGID, None),
    (req::MSGID_SERVER, None),
    (req::CMDID, Some("oma.cmdid.mandatory")),
    (
        req::NO_EMPTY_MESSAGE,
        Some("oma.session.status-only-not-sent"),
    ),
    (req::SESSIONID_LENGTH, None),
    (req::STATUS_CMD_VALUES, None),
    (req::STATUS_REFS, None),
    (req::NAMESPACE, None),
    (req::ELEMENT_ORDER, None),
    (req::DATA_LAST, None),
    (req::MAX_MSG_SIZE, None),
    (req::WIN_MSGREF, None),
    (req::WIN_FINAL, None),
    (req::WIN_STATUS, None),
];

/// The check of a CmdID rule that OMA does not state (oma.cmdid.mandatory asks for a
/// message-unique CmdID, not for one other than 0).
const CMDID_NOT_0: &str = "invariant: CmdID is not 0";

/// Rewrites the invariant findings for a target claiming `profiles`: under a
/// profile without Windows, a rule quoted from Microsoft's sources is cited by
/// its OMA wording where the registry has one; otherwise the finding stays as it is.
pub fn cite_for_profiles(findings: &mut [Finding], profiles: &[String]) {
    if profiles.iter().any(|p| p == WINDOWS) {
        return;
    }
    for f in findings.iter_mut() {
        if f.kind != FindingKind::Invariant || f.check == CMDID_NOT_0 {
            continue;
        }
        let oma = f.requirement.as_deref().and_then(|id| {
            OMA_WORDING
                .iter()
                .find(|(w, _)| *w == id)
                .and_then(|(_, oma)| *oma)
        });
        if let Some(oma) = oma {
            f.requirement = Some(oma.to_string());
        }
    }
}
