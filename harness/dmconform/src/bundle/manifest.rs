//! The manifest of a certification bundle: the SHA-256 of each file, of each
//! spec file, and per case run of its record, transcript and expectation; and
//! the check that finds what was edited since.

use crate::digest::sha256_hex;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// `manifest.json`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub algorithm: String,
    /// Bundle file name → digest.
    pub files: BTreeMap<String, String>,
    /// The digest of all specs together (`digest::specs_digest`).
    pub specs_sha256: String,
    /// Spec file path (relative to `specs/`) → digest.
    pub specs: BTreeMap<String, String>,
    /// `id [encoding]` → the digests of its entry in `report.json`.
    pub cases: BTreeMap<String, CaseDigest>,
}

/// The digests of one case run's entry of the JSON record.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseDigest {
    pub verdict: String,
    /// The whole entry.
    pub record: String,
    pub transcript: String,
    pub expectation: String,
}

/// The name of a case run in the manifest: `id [encoding]`.
pub fn case_key(case: &Value) -> String {
    let s = |k: &str| case.get(k).and_then(Value::as_str).unwrap_or("?");
    format!("{} [{}]", s("id"), s("encoding"))
}

/// The digests of every case run of a JSON record.
pub fn case_digests(record: &Value) -> BTreeMap<String, CaseDigest> {
    let digest =
        |v: Option<&Value>| sha256_hex(v.map(Value::to_string).unwrap_or_default().as_bytes());
    record
        .get("cases")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|c| {
            let digest = CaseDigest {
                verdict: c
                    .get("verdict")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                record: digest(Some(c)),
                transcript: digest(c.get("transcript")),
                expectation: digest(c.get("expectation")),
            };
            (case_key(c), digest)
        })
        .collect()
}

impl Manifest {
    /// The manifest of bundle files (name, bytes) and the JSON record among them.
    pub fn build(files: &[(&str, &[u8])], record: &Value) -> Manifest {
        let specs = crate::spec::embedded_files();
        Manifest {
            algorithm: "sha-256".into(),
            files: files
                .iter()
                .map(|(n, b)| (n.to_string(), sha256_hex(b)))
                .collect(),
            specs_sha256: crate::digest::specs_digest(),
            specs: specs
                .iter()
                .map(|(p, b)| (p.clone(), sha256_hex(b)))
                .collect(),
            cases: case_digests(record),
        }
    }

    /// What differs between the files found now (name → bytes, or why they
    /// could not be read; absent when missing) and this manifest, one sentence each, naming the
    /// file and, for the JSON record, the case runs.
    pub fn differences(&self, found: &BTreeMap<String, Result<Vec<u8>, String>>) -> Vec<String> {
        let mut out = Vec::new();
        for (name, want) in &self.files {
            match found.get(name) {
                None => out.push(format!("{name}: missing")),
                Some(Err(e)) => out.push(format!("{name}: {e}")),
                Some(Ok(bytes)) if sha256_hex(bytes) != *want => {
                    out.push(format!("{name}: edited (SHA-256 differs)"));
                    if name == super::RECORD {
                        out.extend(self.record_differences(bytes));
                    }
                }
                Some(Ok(_)) => {}
            }
        }
        for name in found.keys() {
            if !self.files.contains_key(name) && name != super::MANIFEST {
                out.push(format!("{name}: not in the manifest (added)"));
            }
        }
        out
    }

    /// Which case runs of an edited JSON record differ, and how.
    fn record_differences(&self, bytes: &[u8]) -> Vec<String> {
        let record: Value = match serde_json::from_slice(bytes) {
            Ok(v) => v,
            Err(e) => return vec![format!("{}: no longer JSON ({e})", super::RECORD)],
        };
        let now = case_digests(&record);
        let mut out = Vec::new();
        for (key, was) in &self.cases {
            let Some(is) = now.get(key) else {
                out.push(format!("{}: case {key}: removed", super::RECORD));
                continue;
            };
            let mut what = Vec::new();
            if is.verdict != was.verdict {
                what.push(format!("verdict {} → {}", was.verdict, is.verdict));
            }
            if is.transcript != was.transcript {
                what.push("transcript edited".to_string());
            }
            if is.expectation != was.expectation {
                what.push("expectation edited".to_string());
            }
            if what.is_empty() && is.record != was.record {
                what.push("findings or other fields edited".to_string());
            }
            if !what.is_empty() {
                out.push(format!(
                    "{}: case {key}: {}",
                    super::RECORD,
                    what.join(", ")
                ));
            }
        }
        for key in now.keys().filter(|k| !self.cases.contains_key(*k)) {
            out.push(format!("{}: case {key}: added", super::RECORD));
        }
        if out.is_empty() {
            out.push(format!(
                "{}: edited outside the case runs (summary, target or suite fields)",
                super::RECORD
            ));
        }
        out
    }
}
