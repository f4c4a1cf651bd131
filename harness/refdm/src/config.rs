//! The client's configuration: identity, server, credentials, session and size settings,
//! and the DevInfo/DevDetail values it reports.

/// How the client authenticates itself to the server.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AuthScheme {
    /// No application-level credentials (TLS client certificates, as Windows enrollment uses).
    #[default]
    None,
    /// `syncml:auth-basic` in SyncHdr Cred.
    Basic,
    /// `syncml:auth-md5` in SyncHdr Cred.
    Md5,
    /// `syncml:auth-MAC`: no Cred; the transport sends `x-syncml-hmac` (see [`crate::Client::hmac_header`]).
    Hmac,
}

/// How the SessionID is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SessionIdFormat {
    /// Decimal integer (`12`).
    Decimal,
    /// Up to four uppercase hex digits, no leading zeros (`1A2B`): the two-byte form.
    Hex,
    /// Windows: decimal unless the server has set SyncApplicationVersion to 2.0 or later,
    /// then the two-byte form. Read when a session opens.
    #[default]
    FollowSyncApplicationVersion,
}

/// The server's credentials the client checks (server MD5 authentication).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerAuth {
    /// The server's user id (its `Source/LocName`).
    pub server_id: String,
    pub password: String,
    /// The nonce the client issued for the server's next digest (raw bytes).
    pub nonce: Vec<u8>,
}

/// Everything the client is set up with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientConfig {
    /// `./DevInfo/DevId`, also the SyncHdr Source of every client message.
    pub device_id: String,
    /// The SyncHdr Target of every client message.
    pub server_uri: String,
    pub auth_scheme: AuthScheme,
    pub user: String,
    pub password: String,
    /// The nonce the server issued for the client's MD5 digest or HMAC (raw bytes).
    pub client_nonce: Vec<u8>,
    /// When set, the client authenticates the server's MD5 credentials.
    pub server_auth: Option<ServerAuth>,
    /// SessionID of the first session; each new session adds one.
    pub first_session_id: u16,
    pub session_id_format: SessionIdFormat,
    /// Largest message the client sends, in bytes of XML; the server's MaxMsgSize also applies.
    pub max_msg_size: Option<usize>,
    /// Largest object the client accepts, in bytes (chunked objects included).
    pub max_obj_size: usize,
    /// Most nodes the two trees may hold together; an Add beyond it gets 420.
    pub max_nodes: usize,
    pub man: String,
    pub model: String,
    pub dm_v: String,
    pub lang: String,
    pub sw_v: String,
    pub hw_v: String,
    pub oem: String,
    pub dev_typ: String,
    pub uri_max_depth: u16,
    pub uri_max_tot_len: u16,
    pub uri_max_seg_len: u16,
    /// Data of the Alert 1224 `com.microsoft/MDM/LoginStatus` in package 1: `user`, `others` or `none`.
    pub login_status: String,
    /// The DMClient provider id (`./Vendor/MSFT/DMClient/Provider/<id>`).
    pub provider_id: String,
    /// Initial value of the provider's SyncApplicationVersion node.
    pub sync_application_version: String,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            device_id: "REFDM0000000000000000000000000001".into(),
            server_uri: "https://mdm.example/omadm".into(),
            auth_scheme: AuthScheme::None,
            user: "refdm".into(),
            password: "refdm-secret".into(),
            client_nonce: b"client-nonce-0".to_vec(),
            server_auth: None,
            first_session_id: 1,
            session_id_format: SessionIdFormat::default(),
            max_msg_size: None,
            max_obj_size: 1 << 20,
            max_nodes: 10_000,
            man: "dmconform".into(),
            model: "refdm".into(),
            dm_v: "1.3".into(),
            lang: "en-US".into(),
            sw_v: env!("CARGO_PKG_VERSION").into(),
            hw_v: "1.0".into(),
            oem: "dmconform".into(),
            dev_typ: "Desktop".into(),
            uri_max_depth: 20,
            uri_max_tot_len: 1024,
            uri_max_seg_len: 255,
            login_status: "user".into(),
            provider_id: "dmconform".into(),
            sync_application_version: "1.0".into(),
        }
    }
}
