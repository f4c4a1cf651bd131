//! The allowed outcomes of an expectation: an exact code, a set, a class,
//! "not a success", or informational (recorded, never judged).

use super::model::StatusSpec;
use std::fmt;

/// The status codes an expectation admits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Allowed {
    Exact(u16),
    AnyOf(Vec<u16>),
    /// A class by its first digit: `4` for `4xx`.
    Class(u16),
    /// Anything but a 2xx.
    NotSuccess,
    /// No Status at all, or one with any code but 200: what RepPro allows for a Results.
    NoneOrNot200,
    /// Recorded and snapshotted, never judged.
    Info,
}

impl Allowed {
    /// Reads a case's `status` value, or says what is wrong with it.
    pub fn parse(spec: &StatusSpec) -> Result<Allowed, String> {
        let valid = |c: u16| syncml::catalog::syncml_status(c).is_some();
        match spec {
            StatusSpec::Code(c) if valid(*c) => Ok(Allowed::Exact(*c)),
            StatusSpec::Code(c) => Err(format!("status {c} is not a SyncML status code")),
            StatusSpec::AnyOf(v) if v.is_empty() => Err("empty list of status codes".into()),
            StatusSpec::AnyOf(v) => match v.iter().find(|c| !valid(**c)) {
                Some(c) => Err(format!("status {c} is not a SyncML status code")),
                None => Ok(Allowed::AnyOf(v.clone())),
            },
            StatusSpec::Word(w) => match w.as_str() {
                "info" => Ok(Allowed::Info),
                "not-2xx" => Ok(Allowed::NotSuccess),
                "none-or-not-200" => Ok(Allowed::NoneOrNot200),
                "1xx" | "2xx" | "3xx" | "4xx" | "5xx" => {
                    Ok(Allowed::Class(u16::from(w.as_bytes()[0] - b'0')))
                }
                _ => Err(format!(
                    "status {w:?} is none of: a code, a list, 2xx/4xx/5xx, not-2xx, none-or-not-200, info"
                )),
            },
        }
    }

    /// Whether the code is allowed. Informational expectations admit everything.
    pub fn admits(&self, code: u16) -> bool {
        match self {
            Allowed::Exact(c) => *c == code,
            Allowed::AnyOf(v) => v.contains(&code),
            Allowed::Class(k) => code / 100 == *k,
            Allowed::NotSuccess => code / 100 != 2,
            Allowed::NoneOrNot200 => code != 200,
            Allowed::Info => true,
        }
    }

    /// Whether the command may go without any Status.
    pub fn admits_none(&self) -> bool {
        matches!(self, Allowed::NoneOrNot200)
    }

    pub fn is_info(&self) -> bool {
        matches!(self, Allowed::Info)
    }
}

impl fmt::Display for Allowed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Allowed::Exact(c) => write!(f, "{c}"),
            Allowed::AnyOf(v) => {
                let list: Vec<String> = v.iter().map(u16::to_string).collect();
                write!(f, "one of {}", list.join(", "))
            }
            Allowed::Class(k) => write!(f, "{k}xx"),
            Allowed::NotSuccess => f.write_str("not 2xx"),
            Allowed::NoneOrNot200 => f.write_str("none, or not 200"),
            Allowed::Info => f.write_str("any (informational)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_form_admits_what_it_says() {
        let p = |s| Allowed::parse(&s).unwrap();
        assert!(p(StatusSpec::Code(418)).admits(418));
        assert!(!p(StatusSpec::Code(418)).admits(200));
        assert!(p(StatusSpec::AnyOf(vec![404, 405])).admits(405));
        assert!(!p(StatusSpec::AnyOf(vec![404, 405])).admits(400));
        assert!(p(StatusSpec::Word("4xx".into())).admits(414));
        assert!(!p(StatusSpec::Word("4xx".into())).admits(500));
        assert!(p(StatusSpec::Word("not-2xx".into())).admits(500));
        assert!(!p(StatusSpec::Word("not-2xx".into())).admits(213));
        assert!(p(StatusSpec::Word("info".into())).admits(200));
        let results = p(StatusSpec::Word("none-or-not-200".into()));
        assert!(results.admits(400) && results.admits(202) && results.admits_none());
        assert!(!results.admits(200));
        assert!(!p(StatusSpec::Word("not-2xx".into())).admits_none());
    }

    #[test]
    fn malformed_forms_are_refused() {
        assert!(Allowed::parse(&StatusSpec::Code(42)).is_err());
        // In the status classes, but no SyncML status code.
        assert!(Allowed::parse(&StatusSpec::Code(515)).is_err());
        assert!(Allowed::parse(&StatusSpec::AnyOf(vec![200, 299])).is_err());
        assert!(Allowed::parse(&StatusSpec::AnyOf(vec![])).is_err());
        assert!(Allowed::parse(&StatusSpec::Word("4XX".into())).is_err());
    }
}
