//! LocURIs to tree paths: the node-name rules this client enforces and the URI
//! limits it publishes under ./DevDetail/URI.
//!
//! A path is the URI without its leading `./` (the root is the empty path).
//! Node names are kept exactly as sent, percent-encoding included, so a child
//! list shows them in the same form. `./Device/…` names the same node as `./…`.

use crate::status;

/// The limits published under ./DevDetail/URI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UriLimits {
    pub max_depth: usize,
    pub max_tot_len: usize,
    pub max_seg_len: usize,
}

/// The tree path a LocURI names, or the status code refusing it.
pub fn resolve(loc_uri: &str, limits: &UriLimits) -> Result<String, u16> {
    let uri = loc_uri.trim();
    if uri.contains('?') {
        // Property and list queries (?prop=, ?list=) are not implemented.
        return Err(status::OPTIONAL_FEATURE_NOT_SUPPORTED);
    }
    if uri.is_empty() || uri.starts_with('/') {
        return Err(status::BAD_REQUEST);
    }
    if uri.len() > limits.max_tot_len {
        return Err(status::URI_TOO_LONG);
    }
    if uri == "." {
        return Ok(String::new());
    }
    let relative = uri.strip_prefix("./").unwrap_or(uri);
    let mut segments: Vec<&str> = relative.split('/').collect();
    if segments.len() > 1 && segments[0] == "Device" {
        segments.remove(0);
    }
    for segment in &segments {
        if matches!(*segment, "" | "." | ".." | "*") {
            return Err(status::BAD_REQUEST);
        }
        if segment.len() > limits.max_seg_len {
            return Err(status::URI_TOO_LONG);
        }
    }
    if segments.len() > limits.max_depth {
        return Err(status::URI_TOO_LONG);
    }
    Ok(segments.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: UriLimits = UriLimits {
        max_depth: 4,
        max_tot_len: 40,
        max_seg_len: 8,
    };

    #[test]
    fn relative_forms_name_the_same_path() {
        assert_eq!(resolve("./DevInfo/Man", &LIMITS), Ok("DevInfo/Man".into()));
        assert_eq!(resolve("DevInfo/Man", &LIMITS), Ok("DevInfo/Man".into()));
        assert_eq!(
            resolve(" ./Device/DevInfo/Man\n", &LIMITS),
            Ok("DevInfo/Man".into())
        );
        assert_eq!(resolve(".", &LIMITS), Ok(String::new()));
    }

    #[test]
    fn bad_names_are_refused() {
        for uri in [
            "/DevInfo", "./a//b", "./a/", "./a/./b", "./a/../b", "./a/*", "",
        ] {
            assert_eq!(resolve(uri, &LIMITS), Err(400), "{uri:?}");
        }
        assert_eq!(resolve("./a?list=Struct", &LIMITS), Err(406));
    }

    #[test]
    fn limits_give_414() {
        assert_eq!(resolve("./a/b/c/d", &LIMITS), Ok("a/b/c/d".into()));
        assert_eq!(resolve("./a/b/c/d/e", &LIMITS), Err(414));
        assert_eq!(resolve("./abcdefghi", &LIMITS), Err(414));
        assert_eq!(
            resolve(&format!("./{}", "a/".repeat(20)), &LIMITS),
            Err(414)
        );
    }
}
