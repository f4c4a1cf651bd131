//! SyncML DM 1.2 protocol constants: the content types a message travels under,
//! the Meta Types of the authentication schemes, and the alert codes.

/// The content type of SyncML DM in XML.
pub const CONTENT_TYPE_XML: &str = "application/vnd.syncml.dm+xml";
/// The content type of SyncML DM in WBXML.
pub const CONTENT_TYPE_WBXML: &str = "application/vnd.syncml.dm+wbxml";

/// The Meta Type of Basic credentials, `B64(user:password)`.
pub const AUTH_BASIC: &str = "syncml:auth-basic";
/// The Meta Type of MD5 digest credentials.
pub const AUTH_MD5: &str = "syncml:auth-md5";
/// The Meta Type of HMAC authentication, which travels in the `x-syncml-hmac`
/// transport header rather than in Cred.
pub const AUTH_MAC: &str = "syncml:auth-MAC";

/// The alert codes of OMA DM 1.2, carried in the Data of an Alert (OMA DM
/// RepPro 1.2, section 7 "Alert codes"); no other code is a valid OMA DM alert.
pub mod alert {
    /// 1100 DISPLAY: the client shows the server's message to the user.
    pub const DISPLAY: u16 = 1100;
    /// 1101 CONFIRM OR REJECT: the client asks the user to confirm the server's message.
    pub const CONFIRM_OR_REJECT: u16 = 1101;
    /// 1102 TEXT INPUT: the client asks the user for a text and returns it in a Status.
    pub const TEXT_INPUT: u16 = 1102;
    /// 1103 SINGLE CHOICE: the user picks one of the server's choices.
    pub const SINGLE_CHOICE: u16 = 1103;
    /// 1104 MULTIPLE CHOICE: the user picks one or more of the server's choices.
    pub const MULTIPLE_CHOICE: u16 = 1104;
    /// 1200 SERVER-INITIATED MGMT: a management session the server asked for.
    pub const SERVER_INITIATED_MGMT: u16 = 1200;
    /// 1201 CLIENT-INITIATED MGMT: a management session the client started.
    pub const CLIENT_INITIATED_MGMT: u16 = 1201;
    /// 1222 NEXT MESSAGE: asks the other side for the next message of its package.
    pub const NEXT_MESSAGE: u16 = 1222;
    /// 1223 SESSION ABORT: ends the session unexpectedly.
    pub const SESSION_ABORT: u16 = 1223;
    /// 1224 CLIENT EVENT: client event information, one event per Item.
    pub const CLIENT_EVENT: u16 = 1224;
    /// 1225 NO END OF DATA: a new object or command came before the last chunk of
    /// a large object.
    pub const NO_END_OF_DATA: u16 = 1225;
    /// 1226 GENERIC ALERT: a client alert about a management object, typed by its
    /// Item's Meta Type and Format.
    pub const GENERIC: u16 = 1226;
}
