//! The closed word lists of the spec files and target profiles, as enums.
//! Each list is written once, in a `words!` table that gives the enum, the
//! spelling of each word in the files (serde reads and writes it, so an unknown
//! word is refused when the file loads, naming the known ones), `ALL` and `name()`.

/// Declares an enum of words: `pub enum Name("noun") { Variant = "spelling", … }`;
/// the noun names the kind of word in messages (`unknown check "x" (known: …)`).
macro_rules! words {
    ($(#[$m:meta])* pub enum $enum:ident ($what:literal) { $( $(#[$vm:meta])* $variant:ident = $name:literal, )+ }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $enum {
            $( $(#[$vm])* $variant, )+
        }

        impl $enum {
            /// Every word, in the order of the table.
            pub const ALL: &'static [$enum] = &[ $( $enum::$variant, )+ ];

            /// The word as the files spell it.
            pub fn name(self) -> &'static str {
                match self {
                    $( $enum::$variant => $name, )+
                }
            }

            /// Every word as the files spell it, joined by ", ".
            pub fn names() -> String {
                Self::ALL.iter().map(|w| w.name()).collect::<Vec<_>>().join(", ")
            }
        }

        impl std::fmt::Display for $enum {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl std::str::FromStr for $enum {
            type Err = String;

            fn from_str(s: &str) -> Result<Self, String> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|w| w.name() == s)
                    .ok_or_else(|| format!("unknown {} {s:?} (known: {})", $what, Self::names()))
            }
        }

        impl serde::Serialize for $enum {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.name())
            }
        }

        impl<'de> serde::Deserialize<'de> for $enum {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let word = String::deserialize(d)?;
                word.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use words;

words! {
    /// What a target claims to support, and what a case needs of it.
    pub enum Capability("capability") {
        /// Receiving large objects: a chunked Add or Replace answered 213 per chunk, 424 on
        /// a size mismatch, Alert 1225 when interrupted (OMA DM Protocol; Windows documents
        /// no receive side).
        LobReceive = "lob-receive",
        /// Sending large objects: a large value in Results split in chunks with MoreData
        /// (Windows documents the client's upload).
        LobSend = "lob-send",
        /// SyncML Basic authentication.
        AuthBasic = "auth-basic",
        /// SyncML MD5 digest authentication.
        AuthMd5 = "auth-md5",
        /// HMAC-MD5 over the transport header `x-syncml-hmac`.
        Hmac = "hmac",
        /// Exec of a node.
        Exec = "exec",
        /// The ./User scope of the Windows tree.
        UserScope = "user-scope",
        /// A package split over several messages.
        MultiMessage = "multi-message",
        /// The Copy command.
        Copy = "copy",
        /// An Exec answered 202, its result in a Generic Alert of the next session.
        AsyncExec = "async-exec",
        /// The client authenticates the server's MD5 credentials in the SyncHdr and
        /// refuses a wrong digest (set up to insist on them; the harness sends no others).
        ServerAuthMd5 = "server-auth-md5",
    }
}

words! {
    /// The challenge a client case's step puts in the Status for the client's SyncHdr.
    pub enum Challenge("challenge") {
        Basic = "basic",
        Md5 = "md5",
    }
}

words! {
    /// The credentials of a server case's client message.
    pub enum CredWord("cred word") {
        /// The target profile's scheme: Basic, MD5 over the device's current nonce, or
        /// none when the profile authenticates outside SyncML (`scheme = "none"`).
        Profile = "profile",
        /// Basic with the profile's user and password.
        Basic = "basic",
        /// MD5 with the profile's user and password, over the current nonce.
        Md5 = "md5",
        /// A wrong password, in the profile's scheme (MD5 when it is `md5`, else Basic).
        Wrong = "wrong",
        /// The type the server challenged for (the profile's when it sent no Chal).
        Challenged = "challenged",
        /// A type other than the one the server challenged for.
        OtherType = "other-type",
    }
}

words! {
    /// How the harness, as DM client, answers the commands of the server's last message.
    #[derive(Default)]
    pub enum Answer("answer") {
        /// 200 for each command, Results for a Get of a ./DevInfo node (404 for others).
        #[default]
        Ok = "ok",
        /// 500 for each command.
        Error = "error",
        /// Only the first half of the Statuses (this message has no Final).
        FirstHalf = "split",
        /// As `Ok`, but Results answering the server's message 1 carry no MsgRef, which
        /// MS-MDM says the server takes as "1".
        ResultsWithoutMsgRef = "results-without-msgref",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_read_as_the_files_spell_them() {
        assert_eq!("auth-md5".parse::<Capability>(), Ok(Capability::AuthMd5));
        assert_eq!(Answer::FirstHalf.name(), "split");
        let e = "teleport".parse::<Capability>().unwrap_err();
        assert!(e.contains("teleport") && e.contains("async-exec"), "{e}");
        let e = toml::from_str::<std::collections::BTreeMap<String, CredWord>>("c = \"maybe\"")
            .unwrap_err()
            .to_string();
        assert!(e.contains("maybe") && e.contains("other-type"), "{e}");
    }
}
