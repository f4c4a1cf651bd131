//! What the reference server is set up with: its URI, the account it checks,
//! the nonce it hands out, and the management script it runs in every session,
//! one server message per entry.

use crate::config::AuthScheme;

/// The account a client must authenticate with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    /// The scheme the server challenges with, `Basic` or `Md5`; unprompted it accepts
    /// either, unless `own_scheme_only` is set.
    pub scheme: AuthScheme,
    pub user: String,
    pub password: String,
    /// Credentials of the other scheme are refused (401 with a Chal for `scheme`), as
    /// a server that demands MD5 refuses Basic.
    pub own_scheme_only: bool,
    /// Right credentials get 200, not 212: the client must send them again in its next
    /// message (OMA DM Protocol 9.1), and every message of the session is checked.
    pub every_message: bool,
}

/// One management command of the script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScriptCommand {
    Get(String),
    Replace {
        uri: String,
        data: String,
    },
    Exec(String),
    /// An Atomic holding one Replace per entry.
    Atomic(Vec<(String, String)>),
    /// An Add of Windows provisioning XML (Meta Format xml) at the given node.
    Provision {
        uri: String,
        xml: String,
    },
}

/// Everything the reference server is set up with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerConfig {
    /// The SyncHdr Source of every server message.
    pub server_uri: String,
    /// When set, package 1 must carry these credentials.
    pub account: Option<Account>,
    /// The nonce the server issues in MD5 challenges (raw bytes).
    pub nonce: Vec<u8>,
    /// The server's messages after package 1, one list of commands each.
    pub script: Vec<Vec<ScriptCommand>>,
    /// When set, every reply gives this URL, with `?s=` and the SessionID added, as
    /// RespURI: where the client posts the session's next message.
    pub resp_uri: Option<String>,
    /// Every MD5 Chal carries a new nonce, kept per device (its SyncHdr Source), and the
    /// device's next digest must use the last one it was given: after a refusal (DM
    /// Security 5.1.3.4), and with a 212 or 200 for the next session or message. `nonce`
    /// is each device's first.
    pub rotate_nonce: bool,
    /// SessionIDs are read as decimal numbers, the form Windows clients send: a
    /// message whose SessionID is not one is not answered ([`super::Server::refusal`]).
    pub decimal_session_ids: bool,
}

/// A provisioning document in the form Windows documents (`wap-provisioningdoc`).
pub const PROVISIONING_XML: &str = "<wap-provisioningdoc><characteristic type=\"DMClient\"><characteristic type=\"Provider\"><characteristic type=\"Reference\"><parm name=\"EntDeviceName\" value=\"dmconform\"/></characteristic></characteristic></characteristic></wap-provisioningdoc>";

impl Default for ServerConfig {
    /// Basic credentials `dmconform`/`reference`; a script of Get ./DevInfo/Mod, then a
    /// Replace, an Exec and an Atomic, then a provisioning document.
    fn default() -> Self {
        ServerConfig {
            server_uri: "https://refdm.invalid/omadm".into(),
            account: Some(Account {
                scheme: AuthScheme::Basic,
                user: "dmconform".into(),
                password: "reference".into(),
                own_scheme_only: false,
                every_message: false,
            }),
            nonce: b"refdm-server-nonce".to_vec(),
            resp_uri: None,
            rotate_nonce: false,
            decimal_session_ids: false,
            script: vec![
                vec![ScriptCommand::Get("./DevInfo/Mod".into())],
                vec![
                    ScriptCommand::Replace {
                        uri: "./Vendor/MSFT/DMClient/Provider/Reference/EntDMID".into(),
                        data: "dmconform-device".into(),
                    },
                    ScriptCommand::Exec("./Vendor/MSFT/Reference/Echo".into()),
                    ScriptCommand::Atomic(vec![
                        ("./Vendor/MSFT/Reference/A".into(), "1".into()),
                        ("./Vendor/MSFT/Reference/B".into(), "2".into()),
                    ]),
                ],
                vec![ScriptCommand::Provision {
                    uri: "./Vendor/MSFT/Reference/Provisioning".into(),
                    xml: PROVISIONING_XML.into(),
                }],
            ],
        }
    }
}
