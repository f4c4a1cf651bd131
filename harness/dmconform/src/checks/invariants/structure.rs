//! Invariants of the structure of a target's message: the SyncML namespace on
//! the root, the element order of the DTD (what the reader had to bend, its
//! [`syncml::Defect`]s), Data last in an Item, and Cred only in the SyncHdr.

use super::facts::SessionFacts;
use super::finding::{describe_command, finding};
use super::req;
use crate::transcript::{Received, flatten};
use crate::verdict::Finding;
use syncml::{Defect, DefectKind};

/// The root carries the SyncML namespace: `SYNCML:SYNCML1.2`, or `SYNCML:SYNCML1.1` in
/// answer to a DM 1.1.2 message (WIN-STRUCT lists both versions).
pub(super) fn syncml_namespace(r: &Received, facts: &SessionFacts) -> Option<Finding> {
    let ns = r.decoded.root.attr("xmlns").map(str::trim);
    let mut allowed = vec![syncml::tree::NS_SYNCML12];
    if facts.answering_dm_112 {
        allowed.push(syncml::tree::NS_SYNCML11);
    }
    (!ns.is_some_and(|ns| allowed.contains(&ns))).then(|| {
        finding(
            req::NAMESPACE,
            "the SyncML namespace on the root",
            allowed.join(" or "),
            ns.map_or("no xmlns".into(), |n| format!("xmlns {n:?}")),
            r.exchange,
        )
    })
}

/// Every bend the reader had to make is a break of the DTD's order or content,
/// reported with the rule it breaks: Data not last in an Item breaks the Item
/// rule, everything else the element order of the DTD.
pub(super) fn dtd_order(r: &Received) -> Vec<Finding> {
    r.decoded
        .defects
        .iter()
        .filter(|d| !status_order_ms_mdm(d))
        .map(|d| {
            let rule = if data_not_last(d) {
                req::DATA_LAST
            } else {
                req::ELEMENT_ORDER
            };
            finding(
                rule,
                "elements in the order and number the DTD gives",
                "the content model of the DTD",
                d.to_string(),
                r.exchange,
            )
        })
        .collect()
}

/// An element after the Data of an Item (MoreData comes after Data in the DTD, and
/// marks a chunk, so it is no break).
fn data_not_last(d: &Defect) -> bool {
    d.path.ends_with("/Item")
        && matches!(&d.kind, DefectKind::OutOfOrder { after, element }
            if after == "Data" && element != "MoreData")
}

/// TargetRef or SourceRef after the Data or Item of a Status: the order MS-MDM gives
/// (`CmdID, MsgRef, CmdRef, Cmd, Data, Item*, TargetRef?, SourceRef?`, 2.2.6.1),
/// which the OMA DTD orders the other way. The sources leave the choice.
fn status_order_ms_mdm(d: &Defect) -> bool {
    d.path.ends_with("/Status")
        && matches!(&d.kind, DefectKind::OutOfOrder { element, after }
            if matches!(element.as_str(), "TargetRef" | "SourceRef")
                && matches!(after.as_str(), "Data" | "Item"))
}

/// No command carries Cred: OMA DM allows it only in the SyncHdr.
pub(super) fn cred_only_in_synchdr(r: &Received) -> Vec<Finding> {
    let m = &r.decoded.message;
    flatten(m.body.as_ref().map_or(&[][..], |b| &b.nodes))
        .into_iter()
        .filter(|c| c.cred.is_some())
        .map(|c| {
            finding(
                req::CRED_SYNCHDR_ONLY,
                "Cred only in the SyncHdr",
                "no Cred inside a command",
                format!("{} with Cred", describe_command(c)),
                r.exchange,
            )
        })
        .collect()
}
