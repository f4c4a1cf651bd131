//! Named deviations of the reference server, one realistic bug each, so that
//! every server-role check can be shown to fail.

use crate::faults::{FaultSet, fault_switches};

fault_switches! {
    /// One deviation of the reference server. [`ServerFault::name`] is the stable switch
    /// name (`builtin:reference-server?fault=NAME`), [`ServerFault::breaks`] says what it does.
    ServerFault {
        WrongCmdRef = "wrong-cmdref",
            "answers each client command with CmdRef one past its CmdID; CmdRef MUST hold the CmdID of the command answered";
        SyncHdrStatusMissing = "synchdr-status-missing",
            "sends no Status for the client's SyncHdr; MS-MDM: it MUST be returned as the first Status";
        MsgIdStuck = "msgid-stuck",
            "uses MsgID 1 for every message; MsgID starts at 1 and grows by one per message of the session";
        NoFinal = "no-final",
            "never sends Final; the server MUST send Final in every message when possible";
        WrongMsgRef = "wrong-msgref",
            "fills MsgRef with 1, the MsgID of the client's first message; MsgRef MUST reference the MsgID of the message answered";
        StatusOrderSwapped = "status-order-swapped",
            "sends the Statuses for the client's commands in reverse order; Status order MUST match the command order";
        NoChallenge = "no-challenge",
            "answers 212 to missing or wrong credentials; a refused request gets 401 or 407 with Chal";
        Ignore1222 = "ignore-1222",
            "answers a client message without Final with Final and its next commands; the server answers with Alert 1222 and no Final";
        CommandsBeforeStatuses = "commands-before-statuses",
            "sends new commands while Statuses for its earlier commands are outstanding; OMA DM: the server MUST NOT send new commands before them";
        MalformedProvisioning = "malformed-provisioning",
            "sends provisioning XML that is not well formed; Windows: provisioning XML must be well formed";
        GenericAlertUnacknowledged = "generic-alert-unacknowledged",
            "sends no Status for a Generic Alert (1226); the server MUST answer it with 200 or 202, or an error code";
        GenericAlertAnyType = "generic-alert-any-type",
            "acknowledges a Generic Alert (1226) of a Type and Format it does not support with 200; DM Protocol: the server MUST answer 415";
        GetInAtomic = "get-in-atomic",
            "puts a Get of its first node into its Atomic; RepPro: an Atomic holds only Add, Alert, Delete, Copy or Replace";
        AddWithoutFormat = "add-without-format",
            "sends its provisioning Add without Meta; RepPro: specifying the node type in the meta-information of an Add is REQUIRED";
        StatusForResults = "status-for-results",
            "answers the client's Results with Status 200; RepPro: Status MUST NOT be sent for Results when the code would be 200";
        ResultsMsgRefRequired = "results-msgref-required",
            "refuses a Results without MsgRef with 400 and drops its value; MS-MDM: a missing MsgRef in Results MUST be treated as \"1\"";
        AnyAuthType = "any-auth-type",
            "accepts credentials of another type than the one it challenged for; DM Security: answering a challenge with another type MUST end the session";
        WrongContentType = "wrong-content-type",
            "labels every reply text/xml; the content type names the encoding (application/vnd.syncml.dm+xml or +wbxml)";
    }
}

/// The switches of the reference server.
pub type ServerFaults = FaultSet<ServerFault>;
