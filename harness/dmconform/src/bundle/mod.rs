//! Certification bundles: a folder holding the JSON record of a run, its JUnit,
//! Markdown and HTML renderings and a manifest of SHA-256 digests; written by
//! `dmconform certify`, checked by `dmconform verify`, re-run by `dmconform replay`.

pub mod manifest;

use crate::run::RunReport;
use crate::spec::Suite;
use manifest::Manifest;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;

/// The canonical record.
pub const RECORD: &str = "report.json";
/// The digests of everything else.
pub const MANIFEST: &str = "manifest.json";

/// How the run was made, as the record keeps it for a replay.
#[derive(Clone, Debug)]
pub struct Provenance {
    /// The target string given (`builtin:reference?fault=…`).
    pub target: String,
    /// The target profile file given, if any (the built-in reference's otherwise).
    pub target_profile_file: Option<String>,
    /// The target profile's text, before redaction.
    pub target_profile_text: String,
}

/// The JSON record of a certification run: the JSON report with the target
/// string and the redacted target profile.
pub fn record(report: &RunReport, suite: &Suite, how: &Provenance) -> Value {
    let mut v = crate::report::json::value(report, suite);
    v["target_spec"] = json!(how.target);
    v["target_profile"] = json!({
        "file": how.target_profile_file,
        "toml": crate::redact::profile_text(&how.target_profile_text),
    });
    v
}

/// Writes the bundle into `dir` (created if need be); returns the manifest's
/// own SHA-256, to be published apart from the bundle.
pub fn write(
    dir: &Path,
    report: &RunReport,
    suite: &Suite,
    how: &Provenance,
) -> Result<String, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let record = record(report, suite, how);
    let mut json = serde_json::to_string_pretty(&record).map_err(|e| e.to_string())?;
    json.push('\n');
    let files: Vec<(&str, Vec<u8>)> = vec![
        (RECORD, json.into_bytes()),
        (
            "junit.xml",
            crate::report::junit::render(report, suite).into_bytes(),
        ),
        (
            "summary.md",
            crate::report::markdown::render(report, suite).into_bytes(),
        ),
        (
            "report.html",
            crate::report::html::render(report, suite).into_bytes(),
        ),
    ];
    for (name, bytes) in &files {
        write_file(&dir.join(name), bytes)?;
    }
    let listed: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    let manifest = Manifest::build(&listed, &record);
    let mut text = serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())?;
    text.push('\n');
    write_file(&dir.join(MANIFEST), text.as_bytes())?;
    Ok(crate::digest::sha256_hex(text.as_bytes()))
}

/// What was edited in the bundle at `dir` since it was written (empty when nothing).
pub fn verify(dir: &Path) -> Result<Vec<String>, String> {
    let manifest: Manifest = serde_json::from_slice(&read_file(&dir.join(MANIFEST))?)
        .map_err(|e| format!("{}: not a manifest: {e}", dir.join(MANIFEST).display()))?;
    // Only plain files directly in the bundle folder are read: a manifest naming
    // `../x`, `/dev/stdin` or a FIFO must not make verify read outside or hang.
    let plain_file = |name: &str| {
        Path::new(name).file_name() == Some(std::ffi::OsStr::new(name))
            && std::fs::symlink_metadata(dir.join(name)).is_ok_and(|m| m.is_file())
    };
    let mut found: BTreeMap<String, Result<Vec<u8>, String>> = manifest
        .files
        .keys()
        .filter(|n| plain_file(n))
        .map(|n| (n.clone(), read_file(&dir.join(n))))
        .collect();
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if found.contains_key(&name) || name == MANIFEST {
            continue;
        }
        let read = if plain_file(&name) {
            read_file(&entry.path())
        } else {
            Err(format!("{name}: not a plain file"))
        };
        found.insert(name, read);
    }
    Ok(manifest.differences(&found))
}

/// The spec files that differ between the bundle's manifest and this build
/// (`path: changed`, `path: only in the bundle`, `path: only in this build`):
/// not an edit of the bundle, but a reason its verdicts may not be reproduced.
pub fn spec_drift(dir: &Path) -> Result<Vec<String>, String> {
    let manifest: Manifest = serde_json::from_slice(&read_file(&dir.join(MANIFEST))?)
        .map_err(|e| format!("{}: not a manifest: {e}", dir.join(MANIFEST).display()))?;
    let here: BTreeMap<String, String> = crate::spec::embedded_files()
        .into_iter()
        .map(|(p, b)| (p, crate::digest::sha256_hex(b)))
        .collect();
    let mut out = Vec::new();
    for (path, digest) in &manifest.specs {
        match here.get(path) {
            Some(d) if d != digest => out.push(format!("{path}: changed")),
            None => out.push(format!("{path}: only in the bundle")),
            Some(_) => {}
        }
    }
    for path in here.keys().filter(|p| !manifest.specs.contains_key(*p)) {
        out.push(format!("{path}: only in this build"));
    }
    Ok(out)
}

/// The JSON record of the bundle at `dir`.
pub fn read_record(dir: &Path) -> Result<Value, String> {
    serde_json::from_slice(&read_file(&dir.join(RECORD))?)
        .map_err(|e| format!("{}: not JSON: {e}", dir.join(RECORD).display()))
}

/// The largest file of a bundle read (a record of the whole suite is a few MB).
pub const MAX_FILE_BYTES: u64 = 256 << 20;

/// A file of a bundle, refused when larger than [`MAX_FILE_BYTES`].
pub fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let file =
        std::fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(format!(
            "{} is larger than {} MiB",
            path.display(),
            MAX_FILE_BYTES >> 20
        ));
    }
    Ok(bytes)
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
