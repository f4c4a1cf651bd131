//! The SyncML status codes this client answers with.

pub const OK: u16 = 200;
pub const NOT_EXECUTED: u16 = 215;
pub const BAD_REQUEST: u16 = 400;
pub const NOT_FOUND: u16 = 404;
pub const NOT_ALLOWED: u16 = 405;
pub const OPTIONAL_FEATURE_NOT_SUPPORTED: u16 = 406;
pub const URI_TOO_LONG: u16 = 414;
pub const UNSUPPORTED_FORMAT: u16 = 415;
pub const ALREADY_EXISTS: u16 = 418;
pub const DEVICE_FULL: u16 = 420;
