//! The placeholders of case messages (`{node}`, `{leaf}`, …) and their
//! substitution from a target profile, so that a case runs on any device.

use crate::profile::TargetProfile;

/// Every placeholder a case may use.
pub const NAMES: &[&str] = &[
    "node",
    "node-rel",
    "scratch",
    "leaf",
    "interior",
    "readonly-leaf",
    "exec",
    "exec-async",
    "max-seg-len",
    "max-depth",
    "max-tot-len",
    "long-segment",
    "too-deep-uri",
    "too-long-uri",
    "devid",
    "devinfo",
    "resp-uri",
];

/// Placeholders of `raw` messages, filled from the session when the message is sent:
/// the SessionID, the message's own MsgID, the MsgID of the client message it answers,
/// the device's URI (the client's SyncHdr Source) and the harness's server URI.
pub const SESSION_NAMES: &[&str] = &[
    "session-id",
    "msg-id",
    "msg-ref",
    "target-uri",
    "source-uri",
];

/// Placeholders that need a URI limit, with the limit's name; a profile whose
/// limit is 0 (unlimited) cannot run a case that uses them.
pub const NEED_LIMITS: &[(&str, &str)] = &[
    ("long-segment", "MaxSegLen"),
    ("too-deep-uri", "MaxDepth"),
    ("too-long-uri", "MaxTotLen"),
];

/// The placeholder names used in a text, in order of appearance.
fn names_in(text: &str) -> impl Iterator<Item = &str> {
    text.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .filter(|name| {
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
}

/// Says which placeholder of a text is unknown, if any.
pub fn check_names(text: &str) -> Result<(), String> {
    check_names_among(text, &[NAMES])
}

/// [`check_names`] for a `raw` message, which may also use [`SESSION_NAMES`].
pub fn check_raw_names(text: &str) -> Result<(), String> {
    check_names_among(text, &[NAMES, SESSION_NAMES])
}

fn check_names_among(text: &str, known: &[&[&str]]) -> Result<(), String> {
    let known: Vec<&str> = known.concat();
    match names_in(text).find(|n| !known.contains(n)) {
        Some(n) => Err(format!(
            "unknown placeholder {{{n}}} (known: {})",
            known.join(", ")
        )),
        None => Ok(()),
    }
}

/// Replaces `{name}` by its value for each pair.
pub fn substitute(text: &str, values: &[(&str, String)]) -> String {
    values.iter().fold(text.to_string(), |out, (name, value)| {
        out.replace(&format!("{{{name}}}"), value)
    })
}

/// The values of the placeholders for one run of one case.
#[derive(Clone, Debug)]
pub struct Bindings {
    values: Vec<(&'static str, String)>,
}

impl Bindings {
    /// Binds the placeholders for a case run: `{node}` is a fresh path under the
    /// scratch node, unique for the case id and the run's tag (the encoding).
    pub fn new(profile: &TargetProfile, case_id: &str, tag: &str) -> Bindings {
        let p = &profile.paths;
        let leaf_name: String = format!("{case_id}-{tag}")
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        let node = format!("{}/{}", p.scratch, leaf_name);
        let node_rel = node.strip_prefix("./").unwrap_or(&node).to_string();
        let l = &profile.limits;
        let values = vec![
            ("node", node.clone()),
            ("node-rel", node_rel),
            ("scratch", p.scratch.clone()),
            ("leaf", p.leaf.clone()),
            ("interior", p.interior.clone()),
            ("readonly-leaf", p.readonly_leaf.clone()),
            ("exec", p.exec.clone().unwrap_or_default()),
            ("exec-async", p.exec_async.clone().unwrap_or_default()),
            ("max-seg-len", l.max_seg_len.to_string()),
            ("max-depth", l.max_depth.to_string()),
            ("max-tot-len", l.max_tot_len.to_string()),
            ("long-segment", "s".repeat(l.max_seg_len as usize + 1)),
            ("too-deep-uri", too_deep(&node, l.max_depth)),
            (
                "too-long-uri",
                too_long(&node, l.max_tot_len, l.max_seg_len),
            ),
            ("resp-uri", resp_uri(&profile.server_uri)),
        ];
        let mut values = values;
        values.push(("devid", profile.device.dev_id.clone()));
        values.push(("devinfo", devinfo_items(&profile.device)));
        Bindings { values }
    }

    /// Whether a placeholder has a value: the limit it needs is not 0.
    pub fn usable(profile: &TargetProfile, name: &str) -> bool {
        let l = &profile.limits;
        match name {
            "long-segment" => l.max_seg_len > 0,
            "too-deep-uri" => l.max_depth > 0,
            "too-long-uri" => l.max_tot_len > 0,
            _ => true,
        }
    }

    /// The value of one placeholder.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The text with every known placeholder replaced.
    pub fn apply(&self, text: &str) -> String {
        let mut out = text.to_string();
        // Longest names first, so that {node-rel} is not taken for {node}.
        let mut values: Vec<_> = self.values.iter().collect();
        values.sort_by_key(|(n, _)| std::cmp::Reverse(n.len()));
        for (name, value) in values {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        out
    }
}

/// The Items of a Replace of ./DevInfo reporting the device identity.
fn devinfo_items(device: &crate::profile::Device) -> String {
    device
        .dev_info()
        .iter()
        .map(|(uri, value)| {
            format!(
                "<Item><Source><LocURI>{uri}</LocURI></Source><Data>{}</Data></Item>",
                escape(value)
            )
        })
        .collect()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The RespURI the harness hands out: its own URI with a query the client must keep.
pub fn resp_uri(server_uri: &str) -> String {
    let sep = if server_uri.contains('?') { '&' } else { '?' };
    format!("{server_uri}{sep}dmconform-respuri=1")
}

/// The path and query of a URL (`/omadm?s=1` of `https://host/omadm?s=1`), `/` when it has none.
pub fn path_and_query(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    match rest.find(['/', '?']).map(|i| &rest[i..]) {
        Some(p) if p.starts_with('/') => p.to_string(),
        Some(query) => format!("/{query}"),
        None => "/".into(),
    }
}

#[cfg(test)]
mod resp_uri_tests {
    use super::*;

    #[test]
    fn resp_uri_keeps_the_query_and_paths_read_from_urls() {
        assert_eq!(resp_uri("https://h/dm"), "https://h/dm?dmconform-respuri=1");
        assert_eq!(
            resp_uri("https://h/dm?a=1"),
            "https://h/dm?a=1&dmconform-respuri=1"
        );
        assert_eq!(path_and_query("https://h:1/dm?a=1"), "/dm?a=1");
        assert_eq!(path_and_query("http://h?a"), "/?a");
        assert_eq!(path_and_query("http://h"), "/");
    }
}

/// Whether a text uses a placeholder.
pub fn uses(text: &str, name: &str) -> bool {
    names_in(text).any(|n| n == name)
}

/// Segments of a URI, not counting a leading `.`.
fn depth(uri: &str) -> usize {
    uri.split('/').filter(|s| *s != ".").count()
}

/// `node` extended to one segment more than `max_depth`.
fn too_deep(node: &str, max_depth: u32) -> String {
    let mut uri = node.to_string();
    while depth(&uri) <= max_depth as usize {
        uri.push_str("/d");
    }
    uri
}

/// `node` extended to one character more than `max_tot_len`, with no segment
/// longer than `max_seg_len` (so that only the total length is over).
fn too_long(node: &str, max_tot_len: u32, max_seg_len: u32) -> String {
    let mut uri = node.to_string();
    let seg = (max_seg_len.max(2) as usize).min(64);
    while uri.len() <= max_tot_len as usize {
        let room = max_tot_len as usize + 1 - uri.len();
        let take = room.saturating_sub(1).clamp(1, seg);
        uri.push('/');
        uri.push_str(&"l".repeat(take));
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_names_are_found_and_json_braces_ignored() {
        assert!(check_names("<LocURI>{node}/a</LocURI>").is_ok());
        assert!(check_names(r#"<Data>{"a": 1}</Data>"#).is_ok());
        assert!(check_names("{nodes}").unwrap_err().contains("{nodes}"));
        assert!(check_names("<MsgID>{msg-id}</MsgID>").is_err());
        assert!(check_raw_names("<MsgID>{msg-id}</MsgID>{node}").is_ok());
    }

    #[test]
    fn limit_uris_are_just_over_the_limits() {
        let p = TargetProfile::reference();
        let b = Bindings::new(&p, "uri.x", "xml");
        let deep = b.get("too-deep-uri").unwrap();
        assert_eq!(depth(deep), p.limits.max_depth as usize + 1);
        let long = b.get("too-long-uri").unwrap();
        assert_eq!(long.len(), p.limits.max_tot_len as usize + 1);
        assert!(
            long.split('/')
                .all(|s| s.len() <= p.limits.max_seg_len as usize)
        );
        assert_eq!(
            b.get("long-segment").unwrap().len(),
            p.limits.max_seg_len as usize + 1
        );
    }

    #[test]
    fn node_is_unique_per_case_and_tag() {
        let p = TargetProfile::reference();
        let a = Bindings::new(&p, "atomic.nested", "xml");
        let b = Bindings::new(&p, "atomic.nested", "wbxml");
        assert_ne!(a.get("node"), b.get("node"));
        assert!(a.get("node").unwrap().starts_with(&p.paths.scratch));
        assert_eq!(
            a.apply("{node-rel}|{node}"),
            format!(
                "{}|{}",
                a.get("node").unwrap().trim_start_matches("./"),
                a.get("node").unwrap()
            )
        );
    }
}
