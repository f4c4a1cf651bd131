//! The names of the named checks: one table gives the [`NamedCheck`] enum, the
//! name spec files use for each (`checks = ["cred.md5"]`), and [`NamedCheck::ALL`];
//! serde reads and writes a check by that name, so a case naming an unknown
//! check is refused when its file is loaded.

use crate::spec::words::words;

words! {
    /// A named check a case may ask for; [`NamedCheck::name`] is how spec files
    /// and findings (`check cred.md5`) spell it.
    pub enum NamedCheck("check") {
        /// Package 1 carries Alert 1201 (or 1200 when answering a notification).
        AlertInitiated = "pkg1.alert-initiated",
        /// Package 1 carries a Replace of ./DevInfo with DevId, Man, Mod, DmV and Lang.
        DevInfo = "pkg1.devinfo",
        /// Package 1 carries Alert 1224 of Type `com.microsoft/MDM/LoginStatus`.
        LoginStatus = "pkg1.login-status",
        /// Package 1's Cred is the profile's Basic credential, and comes again after a 200.
        CredBasic = "cred.basic",
        /// Package 1's Cred is the profile's MD5 digest, and comes again after a 200.
        CredMd5 = "cred.md5",
        /// After every challenge the next message carries Cred of the challenged type.
        CredAfterChallenge = "cred.after-challenge",
        /// The SessionID is a decimal integer, or one to four uppercase hex digits.
        SessionIdFormat = "pkg1.sessionid-format",
        /// The SyncHdr Source of package 1 is the DevId the client reports.
        SourceDevId = "pkg1.source-devid",
        /// Every client message carries a right `x-syncml-hmac` header and no Cred.
        HmacClient = "hmac.client",
        /// After a RespURI, the client's next message is posted to it.
        RespUri = "transport.respuri",
    }
}
