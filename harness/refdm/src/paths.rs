//! The well-known node paths of the reference client, in one place, so that a
//! target profile can name them.
//!
//! URI scopes follow Windows: `./Device/X` and `./X` name the same device node;
//! `./User/X` names node `X` of the enrolled user's tree, a second tree that
//! holds only the user-scoped nodes (`./User/Vendor/MSFT/Scratch`). The scope
//! prefixes are matched without regard to case (`./user/…` in Microsoft's
//! examples); every other segment is case-sensitive.

/// Writable interior node for tests: anything may be added, replaced and
/// deleted below it; the node itself is permanent.
pub const SCRATCH: &str = "./Vendor/MSFT/Scratch";
/// The same scratch area in the user's tree.
pub const USER_SCRATCH: &str = "./User/Vendor/MSFT/Scratch";
/// Executable leaf: Exec stores the item's Data in [`LAST_ECHO`] and counts in [`ECHO_COUNT`].
pub const EXEC_ECHO: &str = "./Vendor/MSFT/Reference/Echo";
/// Executable leaf that works asynchronously: Exec answers 202 (accepted for processing)
/// and the result, the item's Data, comes as a Generic Alert (1226) in the next session.
pub const EXEC_ASYNC: &str = "./Vendor/MSFT/Reference/AsyncEcho";
/// Meta Type of the Generic Alert that reports a finished Exec on [`EXEC_ASYNC`]
/// (a reversed-domain-name URN, as OMA DM requires of Generic Alert types).
pub const ASYNC_RESULT_TYPE: &str = "invalid.dmconform:reference.asyncecho.result";
/// Read-only leaf holding the Data of the last Exec on [`EXEC_ECHO`].
pub const LAST_ECHO: &str = "./Vendor/MSFT/Reference/LastEcho";
/// Read-only leaf counting the Execs on [`EXEC_ECHO`] (Format int).
pub const ECHO_COUNT: &str = "./Vendor/MSFT/Reference/EchoCount";
/// Read-only, permanent leaf.
pub const READ_ONLY_LEAF: &str = "./DevInfo/DevId";
/// Read-only, permanent interior node.
pub const READ_ONLY_INTERIOR: &str = "./DevInfo";
/// Leaf that is neither readable-only nor executable (Exec on it gives 405).
pub const NOT_EXECUTABLE_LEAF: &str = "./DevDetail/SwV";
/// URI limits, 16-bit decimal values, `0` meaning unlimited.
pub const URI_MAX_DEPTH: &str = "./DevDetail/URI/MaxDepth";
pub const URI_MAX_TOT_LEN: &str = "./DevDetail/URI/MaxTotLen";
pub const URI_MAX_SEG_LEN: &str = "./DevDetail/URI/MaxSegLen";
/// DMClient provider subtree; `{provider}` is [`crate::ClientConfig::provider_id`].
pub const DMCLIENT_PROVIDER: &str = "./Vendor/MSFT/DMClient/Provider";
/// The DevInfo leaves sent in package 1, in order.
pub const DEVINFO_LEAVES: [&str; 5] = [
    "./DevInfo/DevId",
    "./DevInfo/Man",
    "./DevInfo/Mod",
    "./DevInfo/DmV",
    "./DevInfo/Lang",
];

/// `./Vendor/MSFT/DMClient/Provider/<provider>/SyncApplicationVersion`.
pub fn sync_application_version(provider: &str) -> String {
    format!("{DMCLIENT_PROVIDER}/{provider}/SyncApplicationVersion")
}
