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
    "max-seg-len",
    "max-depth",
    "max-tot-len",
    "long-segment",
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
    match names_in(text).find(|n| !NAMES.contains(n)) {
        Some(n) => Err(format!(
            "unknown placeholder {{{n}}} (known: {})",
            NAMES.join(", ")
        )),
        None => Ok(()),
    }
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
            .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' })
            .collect();
        let node = format!("{}/{}", p.scratch, leaf_name);
        let node_rel = node.strip_prefix("./").unwrap_or(&node).to_string();
        let l = &profile.limits;
        let values = vec![
            ("node", node),
            ("node-rel", node_rel),
            ("scratch", p.scratch.clone()),
            ("leaf", p.leaf.clone()),
            ("interior", p.interior.clone()),
            ("readonly-leaf", p.readonly_leaf.clone()),
            ("exec", p.exec.clone().unwrap_or_default()),
            ("max-seg-len", l.max_seg_len.to_string()),
            ("max-depth", l.max_depth.to_string()),
            ("max-tot-len", l.max_tot_len.to_string()),
            ("long-segment", "s".repeat(l.max_seg_len as usize + 1)),
        ];
        Bindings { values }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_names_are_found_and_json_braces_ignored() {
        assert!(check_names("<LocURI>{node}/a</LocURI>").is_ok());
        assert!(check_names(r#"<Data>{"a": 1}</Data>"#).is_ok());
        assert!(check_names("{nodes}").unwrap_err().contains("{nodes}"));
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
