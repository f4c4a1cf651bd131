//! The names of the named checks: one table gives the [`NamedCheck`] enum, the
//! name spec files use for each (`checks = ["cred.md5"]`), and [`NamedCheck::ALL`];
//! serde reads and writes a check by that name, so a case naming an unknown
//! check is refused when its file is loaded.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Declares [`NamedCheck`]: its variants with the names spec files use, `ALL` and `name`.
macro_rules! named_checks {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal; )+) => {
        /// A named check a case may ask for; [`NamedCheck::name`] is how spec files
        /// and findings (`check cred.md5`) spell it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum NamedCheck {
            $( $(#[$doc])* $variant, )+
        }

        impl NamedCheck {
            /// Every named check, in declaration order.
            pub const ALL: &'static [NamedCheck] = &[ $( NamedCheck::$variant, )+ ];

            /// The name spec files use, e.g. `cred.md5`.
            pub fn name(self) -> &'static str {
                match self { $( NamedCheck::$variant => $name, )+ }
            }
        }
    };
}

named_checks! {
    /// Package 1 carries Alert 1201 (or 1200 when answering a notification).
    AlertInitiated = "pkg1.alert-initiated";
    /// Package 1 carries a Replace of ./DevInfo with DevId, Man, Mod, DmV and Lang.
    DevInfo = "pkg1.devinfo";
    /// Package 1 carries Alert 1224 of Type `com.microsoft/MDM/LoginStatus`.
    LoginStatus = "pkg1.login-status";
    /// Package 1's Cred is the profile's Basic credential, and comes again after a 200.
    CredBasic = "cred.basic";
    /// Package 1's Cred is the profile's MD5 digest, and comes again after a 200.
    CredMd5 = "cred.md5";
    /// After every challenge the next message carries Cred of the challenged type.
    CredAfterChallenge = "cred.after-challenge";
    /// The SessionID is a decimal integer, or one to four uppercase hex digits.
    SessionIdFormat = "pkg1.sessionid-format";
    /// The SyncHdr Source of package 1 is the DevId the client reports.
    SourceDevId = "pkg1.source-devid";
    /// Every client message carries a right `x-syncml-hmac` header and no Cred.
    HmacClient = "hmac.client";
    /// After a RespURI, the client's next message is posted to it.
    RespUri = "transport.respuri";
}

impl NamedCheck {
    /// The check spec files call `name`, if there is one.
    pub fn from_name(name: &str) -> Option<NamedCheck> {
        NamedCheck::ALL.iter().copied().find(|c| c.name() == name)
    }

    /// Every name, for messages: `pkg1.alert-initiated, pkg1.devinfo, …`.
    pub fn names() -> String {
        let names: Vec<&str> = NamedCheck::ALL.iter().map(|c| c.name()).collect();
        names.join(", ")
    }
}

impl fmt::Display for NamedCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for NamedCheck {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for NamedCheck {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        NamedCheck::from_name(&name).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown check {name:?}; the known checks are {}",
                NamedCheck::names()
            ))
        })
    }
}
