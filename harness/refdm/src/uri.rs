//! LocURI parsing: the Windows node-name rules, the DevDetail URI limits, the
//! `./Device` and `./User` scopes, and the percent-encoding of node names.
//!
//! Rules (Microsoft "OMA DM protocol support" and "Structure of OMA DM
//! provisioning files", OMA DM TND): no leading `/`; no empty segment; no
//! segment that is only `*`; `.` may appear inside a name, but `.` as a whole
//! segment only first; no `..`. A URI breaking them gets 400. A URI over
//! `MaxDepth`, `MaxTotLen` or `MaxSegLen` gets 414. Property and list queries
//! (`?prop=`, `?list=`) are not supported: 406.

use crate::faults::{Fault, Faults};

/// Which tree a URI addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    Device,
    User,
}

/// A resolved node address: its scope and its decoded node names from the root.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodePath {
    pub scope: Scope,
    pub names: Vec<String>,
}

impl NodePath {
    /// The parent, or `None` for a root.
    pub fn parent(&self) -> Option<NodePath> {
        let mut names = self.names.clone();
        names.pop()?;
        Some(NodePath {
            scope: self.scope,
            names,
        })
    }

    /// The path of a child.
    pub fn child(&self, name: &str) -> NodePath {
        let mut names = self.names.clone();
        names.push(name.to_string());
        NodePath {
            scope: self.scope,
            names,
        }
    }
}

/// The URI limits of `./DevDetail/URI`; `0` means unlimited.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UriLimits {
    pub max_depth: usize,
    pub max_tot_len: usize,
    pub max_seg_len: usize,
}

/// Why a LocURI was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UriError {
    /// Breaks a syntax rule (400).
    Invalid(&'static str),
    /// Over a DevDetail URI limit (414).
    TooLong(&'static str),
    /// Carries a property or list query (406).
    Query,
}

impl UriError {
    /// The status code the client answers with.
    pub fn status(&self) -> u16 {
        match self {
            UriError::Invalid(_) => 400,
            UriError::TooLong(_) => 414,
            UriError::Query => 406,
        }
    }
}

/// Parses a LocURI as sent (surrounding white space is dropped: real messages wrap LocURIs).
pub fn parse(uri: &str, limits: &UriLimits, faults: &Faults) -> Result<NodePath, UriError> {
    let uri = uri.trim();
    if uri.is_empty() {
        return Err(UriError::Invalid("empty LocURI"));
    }
    if uri.contains('?') {
        return Err(UriError::Query);
    }
    let mut rest = uri;
    if let Some(stripped) = rest.strip_prefix('/') {
        if !faults.has(Fault::LeadingSlashOk) {
            return Err(UriError::Invalid("LocURI starts with '/'"));
        }
        rest = stripped;
    }
    check_limits(uri, limits, faults)?;
    let mut raw: Vec<&str> = rest.split('/').collect();
    if raw.first() == Some(&".") {
        raw.remove(0);
    }
    let mut scope = Scope::Device;
    if let Some(first) = raw.first() {
        if first.eq_ignore_ascii_case("device") {
            raw.remove(0);
        } else if first.eq_ignore_ascii_case("user") {
            scope = Scope::User;
            raw.remove(0);
        }
    }
    let mut names: Vec<String> = Vec::new();
    for seg in raw {
        match seg {
            "" if faults.has(Fault::EmptySegmentOk) => {}
            "" => return Err(UriError::Invalid("empty node name")),
            "." if faults.has(Fault::DotSegmentOk) => {}
            "." => return Err(UriError::Invalid("'.' segment after the first")),
            ".." if faults.has(Fault::DotDotOk) => {
                names.pop();
            }
            ".." => return Err(UriError::Invalid("'..' segment")),
            "*" if !faults.has(Fault::StarNodeOk) => {
                return Err(UriError::Invalid("node name '*'"));
            }
            _ => names.push(decode(seg)?),
        }
    }
    Ok(NodePath { scope, names })
}

fn check_limits(uri: &str, limits: &UriLimits, faults: &Faults) -> Result<(), UriError> {
    if faults.has(Fault::UriLimitIgnored) {
        return Ok(());
    }
    let over = |limit: usize, value: usize| limit != 0 && value > limit;
    if over(limits.max_tot_len, uri.chars().count()) {
        return Err(UriError::TooLong("MaxTotLen"));
    }
    let segments: Vec<&str> = uri
        .trim_start_matches('/')
        .split('/')
        .enumerate()
        .filter(|(i, s)| !(*i == 0 && *s == "."))
        .map(|(_, s)| s)
        .collect();
    if over(limits.max_depth, segments.len()) {
        return Err(UriError::TooLong("MaxDepth"));
    }
    if segments
        .iter()
        .any(|s| over(limits.max_seg_len, s.chars().count()))
    {
        return Err(UriError::TooLong("MaxSegLen"));
    }
    Ok(())
}

/// Percent-decodes one segment into a node name (UTF-8).
fn decode(seg: &str) -> Result<String, UriError> {
    let bytes = seg.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or(UriError::Invalid("bad percent escape"))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let name = String::from_utf8(out).map_err(|_| UriError::Invalid("name is not UTF-8"))?;
    if name.contains('/') {
        return Err(UriError::Invalid("'/' inside a node name"));
    }
    Ok(name)
}

/// Encodes a node name for a URI or a child list: UTF-8, then every byte
/// outside the RFC 2396 unreserved set percent-encoded.
pub fn encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(uri: &str) -> NodePath {
        parse(uri, &UriLimits::default(), &Faults::none()).unwrap()
    }

    fn err(uri: &str) -> u16 {
        parse(uri, &UriLimits::default(), &Faults::none())
            .unwrap_err()
            .status()
    }

    #[test]
    fn relative_forms_and_scopes() {
        let dev = ok("./Vendor/MSFT/Scratch");
        assert_eq!(dev, ok("Vendor/MSFT/Scratch"));
        assert_eq!(dev, ok("./Device/Vendor/MSFT/Scratch"));
        assert_eq!(dev, ok("./device/Vendor/MSFT/Scratch"));
        assert_eq!(dev.scope, Scope::Device);
        let user = ok("./user/Vendor/MSFT/Scratch");
        assert_eq!(user.scope, Scope::User);
        assert_eq!(user.names, ["Vendor", "MSFT", "Scratch"]);
        assert_eq!(ok(".").names, Vec::<String>::new());
        assert_eq!(ok("  ./a.b\n").names, ["a.b"]);
    }

    #[test]
    fn windows_name_rules() {
        assert_eq!(err("/Vendor"), 400);
        assert_eq!(err("./a//b"), 400);
        assert_eq!(err("./a/"), 400);
        assert_eq!(err("./a/*"), 400);
        assert_eq!(err("./a/./b"), 400);
        assert_eq!(err("./a/../b"), 400);
        assert_eq!(err(""), 400);
        assert_eq!(err("./a?list=Struct"), 406);
        assert_eq!(err("./a%2Fb"), 400);
        assert_eq!(err("./a%zz"), 400);
        assert_eq!(err("./a%+A"), 400);
        assert_eq!(ok("./a*b").names, ["a*b"]);
    }

    #[test]
    fn percent_encoding_round_trips_unicode() {
        let name = "Grüße/x y";
        let enc = encode(name);
        assert_eq!(enc, "Gr%C3%BC%C3%9Fe%2Fx%20y");
        let back = decode("Gr%C3%BC%C3%9Fe%20y").unwrap();
        assert_eq!(back, "Grüße y");
    }

    #[test]
    fn limits_give_414() {
        let limits = UriLimits {
            max_depth: 3,
            max_tot_len: 20,
            max_seg_len: 5,
        };
        let p = |u| parse(u, &limits, &Faults::none()).map_err(|e| e.status());
        assert!(p("./a/b/c").is_ok());
        assert_eq!(p("./a/b/c/d"), Err(414));
        assert_eq!(p("./abcdef"), Err(414));
        assert_eq!(p("./abcd/abcd/abcd/abcd"), Err(414));
        let lax = Faults::from(Fault::UriLimitIgnored);
        assert!(parse("./a/b/c/d", &limits, &lax).is_ok());
    }

    #[test]
    fn faults_relax_one_rule_each() {
        let with = |f: Fault, uri: &str| parse(uri, &UriLimits::default(), &Faults::from(f));
        assert_eq!(
            with(Fault::LeadingSlashOk, "/a/b").unwrap().names,
            ["a", "b"]
        );
        assert_eq!(
            with(Fault::EmptySegmentOk, "./a//b").unwrap().names,
            ["a", "b"]
        );
        assert_eq!(with(Fault::StarNodeOk, "./a/*").unwrap().names, ["a", "*"]);
        assert_eq!(
            with(Fault::DotSegmentOk, "./a/./b").unwrap().names,
            ["a", "b"]
        );
        assert_eq!(with(Fault::DotDotOk, "./a/../b").unwrap().names, ["b"]);
        assert!(with(Fault::LeadingSlashOk, "./a//b").is_err());
    }
}
