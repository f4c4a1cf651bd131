//! The wire types both roles share: the two encodings and their content types,
//! one message as it travels (content type, transport headers, body), and how
//! a target failed to take part in an exchange.

use std::fmt;

/// The content type of SyncML DM in XML.
pub const CONTENT_TYPE_XML: &str = "application/vnd.syncml.dm+xml";
/// The content type of SyncML DM in WBXML.
pub const CONTENT_TYPE_WBXML: &str = "application/vnd.syncml.dm+wbxml";

/// The two encodings of SyncML DM.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Encoding {
    Xml,
    Wbxml,
}

impl Encoding {
    pub const BOTH: [Encoding; 2] = [Encoding::Xml, Encoding::Wbxml];

    pub fn name(self) -> &'static str {
        match self {
            Encoding::Xml => "xml",
            Encoding::Wbxml => "wbxml",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Encoding::Xml => CONTENT_TYPE_XML,
            Encoding::Wbxml => CONTENT_TYPE_WBXML,
        }
    }

    /// The encoding a content type names, ignoring parameters (`; charset=…`) and case.
    pub fn from_content_type(content_type: &str) -> Option<Encoding> {
        let base = content_type.split(';').next()?.trim();
        if base.eq_ignore_ascii_case(CONTENT_TYPE_XML) {
            Some(Encoding::Xml)
        } else if base.eq_ignore_ascii_case(CONTENT_TYPE_WBXML) {
            Some(Encoding::Wbxml)
        } else {
            None
        }
    }

    pub fn from_name(name: &str) -> Option<Encoding> {
        match name {
            "xml" => Some(Encoding::Xml),
            "wbxml" => Some(Encoding::Wbxml),
            _ => None,
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One message as it travels: a content type, transport headers and the body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wire {
    pub content_type: String,
    /// Transport headers that matter to DM (`x-syncml-hmac`, `user-agent`), name and value,
    /// and transport facts under names no HTTP header has: `:path` (the request path and
    /// query the client posted to), `:peer`, `:client-cert-subject`.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Wire {
    /// A message in the given encoding with no extra headers.
    pub fn new(encoding: Encoding, body: Vec<u8>) -> Wire {
        Wire {
            content_type: encoding.content_type().to_string(),
            headers: Vec::new(),
            body,
        }
    }

    /// The value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

/// The value of the first header called `name` (case-insensitive) in a list of
/// (name, value) pairs.
pub fn find_header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// How a target failed to take part in an exchange. Every one of these becomes
/// an `error` verdict with its transcript; none stops the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TargetError {
    /// The target did not answer in time.
    Timeout(String),
    /// The target crashed, closed the connection, or its process ended.
    Gone(String),
    /// The target says it does not support what was asked (for example an encoding).
    Unsupported(String),
    /// Any other failure of the transport or the target.
    Other(String),
}

impl fmt::Display for TargetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TargetError::Timeout(m) => write!(f, "timeout: {m}"),
            TargetError::Gone(m) => write!(f, "target gone: {m}"),
            TargetError::Unsupported(m) => write!(f, "unsupported: {m}"),
            TargetError::Other(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for TargetError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_map_to_encodings() {
        assert_eq!(
            Encoding::from_content_type("application/vnd.syncml.dm+WBXML; charset=utf-8"),
            Some(Encoding::Wbxml)
        );
        assert_eq!(
            Encoding::from_content_type(CONTENT_TYPE_XML),
            Some(Encoding::Xml)
        );
        assert_eq!(Encoding::from_content_type("text/xml"), None);
    }
}
