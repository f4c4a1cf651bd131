//! Named deviations from the rules, one realistic bug each.
//!
//! Modelled on BoringSSL's `ProtocolBugs`: every switch makes the reference
//! client break exactly one rule, so that a conformance check can be shown to
//! fail. With no switch set the client follows the rules.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

/// Declares a fault enum: its variants with their switch names and the rule each breaks,
/// `ALL`, `name`, `breaks`, `Display` and `FromStr`.
macro_rules! fault_switches {
    ($(#[$edoc:meta])* $enum:ident { $( $(#[$doc:meta])* $variant:ident = $name:literal, $breaks:literal; )+ }) => {
        $(#[$edoc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $enum {
            $( $(#[$doc])* $variant, )+
        }

        impl $enum {
            /// Every switch, in declaration order.
            pub const ALL: &'static [$enum] = &[ $( $enum::$variant, )+ ];

            /// The switch name, e.g. `nested-atomic-ok`.
            pub fn name(self) -> &'static str {
                match self { $( $enum::$variant => $name, )+ }
            }

            /// One line: the deviation, and the rule it breaks.
            pub fn breaks(self) -> &'static str {
                match self { $( $enum::$variant => $breaks, )+ }
            }
        }

        impl std::fmt::Display for $enum {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl std::str::FromStr for $enum {
            type Err = $crate::faults::UnknownFault;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $enum::ALL
                    .iter()
                    .copied()
                    .find(|f| f.name() == s.trim())
                    .ok_or_else(|| $crate::faults::UnknownFault(s.to_string()))
            }
        }
    };
}
pub(crate) use fault_switches;

fault_switches! {
    /// One deviation of the reference client. [`Fault::name`] is the stable switch name
    /// (`builtin:reference?fault=NAME`), [`Fault::breaks`] says what it does.
    Fault {
    NestedAtomicOk = "nested-atomic-ok",
        "runs an Atomic nested in an Atomic as part of it; Windows answers the nested Atomic 500 and its parent 507";
    GetInAtomicOk = "get-in-atomic-ok",
        "runs a Get inside an Atomic and returns Results; Windows and RepPro: a Get in an Atomic fails with 500 (parent 507)";
    NoRollback = "no-rollback",
        "keeps the changes of an Atomic whose child failed and reports them 200; RepPro: an Atomic runs all or nothing (others 216, Atomic 507)";
    LeadingSlashOk = "leading-slash-ok",
        "accepts a LocURI starting with '/'; Windows: a LocURI can't start with '/'";
    EmptySegmentOk = "empty-segment-ok",
        "skips empty segments such as 'a//b'; Windows: a node name can't be empty";
    StarNodeOk = "star-node-ok",
        "accepts '*' as a node name; Windows: a node name can't be only the asterisk";
    DotSegmentOk = "dot-segment-ok",
        "skips '.' segments after the first; Windows: '.' as a whole segment is valid only as the first segment";
    DotDotOk = "dotdot-ok",
        "resolves '..' segments; DM TND: '../' MUST NOT be used in a URI";
    UriLimitIgnored = "uri-limit-ignored",
        "ignores ./DevDetail/URI/MaxDepth, MaxTotLen and MaxSegLen; RepPro: a URI over a limit gets 414";
    MissingCmdIdZero = "missing-cmdid-zero",
        "answers a command without CmdID with CmdRef 0; Windows returns a blank CmdRef and 400";
    UnknownElementIgnored = "unknown-element-ignored",
        "sends no Status for an element that is not a DM command; Windows returns 400 for that element";
    SyncHdrStatusLast = "synchdr-status-last",
        "puts the Status for SyncHdr after the other Statuses; MS-MDM: it MUST be the first Status of the response";
    WrongMsgRef = "wrong-msgref",
        "fills MsgRef with the client's own MsgID; MS-MDM: MsgRef MUST reference the MsgID of the message answered";
    WrongCmdRef = "wrong-cmdref",
        "answers each command with CmdRef one past its CmdID; CmdRef MUST hold the CmdID of the command answered";
    StatusCmdLowercase = "status-cmd-lowercase",
        "names the command of each Status in lower case ('add'); MS-MDM: Cmd is one of Add, Atomic, Delete, Exec, Get, Replace, Results, Status, or SyncHdr";
    StatusOrderReversed = "status-order-reversed",
        "sends the command Statuses of a message in reverse order; MS-MDM: Status order MUST match the command order";
    ResultsMissing = "results-missing",
        "answers a successful Get with 200 but no Results; Results MUST be sent for each successful Get";
    AddExistingOk = "add-existing-ok",
        "Add on an existing node overwrites it with 200; RepPro: Add fails with 418 when the node exists";
    ReplaceMissingCreates = "replace-missing-creates",
        "Replace of a missing node creates it; RepPro: Replace needs an existing node, else 404";
    ReadonlyWritable = "readonly-writable",
        "lets Add, Replace and Delete change read-only nodes such as ./DevInfo; Windows: writing a read-only node gives 405";
    NoImplicitAdd = "no-implicit-add",
        "Add under a missing interior node fails with 404; Windows supports implicit Add of missing parents";
    DeleteLeavesChildren = "delete-leaves-children",
        "Delete of an interior node with children answers 200 but keeps the subtree; Delete removes the node and its whole subtree";
    PermanentDeletable = "permanent-deletable",
        "Delete removes permanent and read-only nodes; DM TND: Delete of a permanent node gives 405";
    GetInteriorRaw = "get-interior-raw",
        "answers Get on an interior node with Meta Format chr; DM TND: a child list carries Meta Format node";
    InteriorNotEncoded = "interior-not-encoded",
        "lists child names without URI-encoding; Windows returns child names URI-encoded (UTF-8, then percent-encoding)";
    AddThenReplaceOk = "add-then-replace-ok",
        "runs Add then Replace of one node inside one Atomic; Windows documents this as unsupported";
    LobSizeUnchecked = "lob-size-unchecked",
        "commits a chunked object whose size differs from its Meta Size; DM Protocol: a size mismatch gives 424 and nothing is committed";
    LobNo213 = "lob-no-213",
        "answers non-final chunks of a large object with 200; DM Protocol: each non-final chunk is answered 213";
    LobBareChunks = "lob-bare-chunks",
        "sends the later chunks of a large Results without their Meta; DM Protocol: Meta and Item information SHOULD be repeated on each chunk";
    LobNo1225 = "lob-no-1225",
        "drops an interrupted large object silently; DM Protocol: the recipient MUST send Alert 1225";
    MsgIdStuck = "msgid-stuck",
        "uses MsgID 1 for every message; MsgID starts at 1 and grows by one per message of the session";
    SessionIdChanged = "sessionid-changed",
        "changes the SessionID from message to message; the SessionID stays the same for the whole session";
    NoFinal = "no-final",
        "never sends Final; the last message of a package MUST carry Final";
    StatusForResults = "status-for-results",
        "answers a Results with Status 200; RepPro: Status MUST NOT be sent for Results when the code would be 200";
    AbortAnswered = "abort-answered",
        "answers a session abort (Alert 1223); a client receiving 1223 SHOULD NOT respond";
    Md5Wrong = "md5-wrong",
        "computes the MD5 credential as H(user:password:nonce); DM Security: Digest = H(B64(H(user:password)):nonce)";
    BasicWrong = "basic-wrong",
        "sends Basic credentials as plain user:password; DM Security: Basic Data is B64(user:password)";
    NonceNotDecoded = "nonce-not-decoded",
        "hashes the server's NextNonce as its Base64 text; Windows: the nonce is Base64 on the wire but binary when hashed";
    ServerCredUnchecked = "server-cred-unchecked",
        "answers 212 to any server credentials; the client authenticates the server's MD5 credentials (401 when wrong)";
    CredOnlyFirstMessage = "cred-only-first-message",
        "sends Cred only with package 1, not in the next message after a 200; DM Protocol: credentials answered 200 MUST be sent again in the next request";
    HmacOnlyFirstMessage = "hmac-only-first-message",
        "sends the x-syncml-hmac header with package 1 only; DM Security: once HMAC is in use it MUST be used in every message until the session ends";
    NoGenericAlert = "no-generic-alert",
        "answers an asynchronous Exec 202 but never reports its result; Windows sends Generic Alert 1226 when a CSP finishes an asynchronous action";
    MaxMsgSizeIgnored = "maxmsgsize-ignored",
        "sends replies larger than the MaxMsgSize in force; a message MUST NOT exceed the recipient's MaxMsgSize";
    IgnoreRespUri = "ignore-respuri",
        "keeps posting to the URL it opened the session on; Windows: RespURI is the URI the recipient must use when sending a response";
}}

/// A name that is not a fault switch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownFault(pub String);

impl fmt::Display for UnknownFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown fault switch `{}`", self.0)
    }
}

impl std::error::Error for UnknownFault {}

/// A set of switches an implementation runs with; empty means it follows the rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FaultSet<F: Ord>(BTreeSet<F>);

/// The switches of the reference client.
pub type Faults = FaultSet<Fault>;

impl<F: Ord> Default for FaultSet<F> {
    fn default() -> Self {
        FaultSet(BTreeSet::new())
    }
}

impl<F: Ord + Copy> FaultSet<F> {
    /// No switch: the implementation follows the rules.
    pub fn none() -> Self {
        FaultSet::default()
    }

    /// Builder: turns one switch on.
    pub fn with(mut self, fault: F) -> Self {
        self.0.insert(fault);
        self
    }

    /// Whether a switch is on.
    pub fn has(&self, fault: F) -> bool {
        self.0.contains(&fault)
    }

    /// The switches that are on.
    pub fn iter(&self) -> impl Iterator<Item = F> + '_ {
        self.0.iter().copied()
    }
}

impl<F: Ord + Copy> From<F> for FaultSet<F> {
    fn from(fault: F) -> Self {
        FaultSet::none().with(fault)
    }
}

impl<F: Ord> FromIterator<F> for FaultSet<F> {
    fn from_iter<I: IntoIterator<Item = F>>(iter: I) -> Self {
        FaultSet(iter.into_iter().collect())
    }
}

impl<F: Ord + FromStr<Err = UnknownFault>> FromStr for FaultSet<F> {
    type Err = UnknownFault;

    /// A comma-separated list of switch names; the empty string is no switch.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.split(',')
            .filter(|n| !n.trim().is_empty())
            .map(F::from_str)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut seen = BTreeSet::new();
        for f in Fault::ALL {
            assert_eq!(f.name().parse::<Fault>(), Ok(*f));
            assert!(seen.insert(f.name()), "duplicate {}", f.name());
            assert!(f.breaks().contains(';'), "{} names no rule", f.name());
        }
    }

    #[test]
    fn lists_parse_and_unknown_names_are_errors() {
        let fs: Faults = "no-final, msgid-stuck".parse().unwrap();
        assert!(fs.has(Fault::NoFinal) && fs.has(Fault::MsgIdStuck));
        assert!(!fs.has(Fault::Md5Wrong));
        assert_eq!("".parse::<Faults>(), Ok(Faults::none()));
        assert_eq!(
            "no-such".parse::<Fault>(),
            Err(UnknownFault("no-such".into()))
        );
    }
}
