//! Writes the seed corpora of the cargo-fuzz targets under `corpus/fuzz/`:
//! small real messages from `corpus/real/*/messages/`, and the first server
//! message of each client case of the embedded suite, rendered against the
//! reference client, each in XML and in WBXML. Re-run it after the corpus or
//! the specs change:
//!
//! ```text
//! cargo run -p dmconform --example fuzz_seeds
//! ```
//!
//! `refdm_client` reads its input through `arbitrary`, not as a message, so
//! its seeds are a few fixed byte patterns that decode to varied inputs.

use dmconform::client::reference::{Reference, client_config};
use dmconform::client::session::{Outgoing, Session};
use dmconform::codec;
use dmconform::placeholders::Bindings;
use dmconform::spec::{Role, Suite};
use dmconform::{Encoding, TargetProfile};
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// Larger files make slow seeds: libFuzzer's default input length is 4096.
const MAX_SEED: usize = 4096;
/// Spec cases kept: every n-th client case with something to send.
const CASE_STRIDE: usize = 4;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = root.join("corpus/fuzz");
    let mut xml = Vec::new();
    let mut wbxml = Vec::new();
    for (name, bytes) in real_messages(&root.join("corpus/real")) {
        if let Ok(decoded) = codec::decode(&bytes, &codec::reply_limits())
            && let Ok(binary) = codec::encode(&decoded.root, Encoding::Wbxml)
        {
            wbxml.push((format!("{name}.wbxml"), binary));
        }
        xml.push((format!("{name}.xml"), bytes));
    }
    for (name, encoding, bytes) in spec_messages() {
        match encoding {
            Encoding::Xml => xml.push((format!("{name}.xml"), bytes)),
            Encoding::Wbxml => wbxml.push((format!("{name}.wbxml"), bytes)),
        }
    }
    let both: Vec<_> = xml.iter().chain(&wbxml).cloned().collect();
    write_seeds(&out.join("xml_decode"), &xml);
    write_seeds(&out.join("wbxml_decode"), &wbxml);
    write_seeds(&out.join("roundtrip"), &both);
    write_seeds(&out.join("refdm_client"), &client_patterns());
}

/// `(source-stem, bytes)` of each real message small enough to be a seed.
fn real_messages(real: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for source in sorted_dir(real) {
        let source_name = file_name(&source);
        for file in sorted_dir(&source.join("messages")) {
            let Ok(bytes) = fs::read(&file) else { continue };
            if bytes.len() <= MAX_SEED {
                let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned());
                out.push((format!("{source_name}-{}", stem.unwrap_or_default()), bytes));
            }
        }
    }
    out
}

/// The first server message of every `CASE_STRIDE`-th client case, in each encoding.
fn spec_messages() -> Vec<(String, Encoding, Vec<u8>)> {
    let (suite, problems) = Suite::embedded();
    assert!(
        problems.is_empty(),
        "the embedded specs do not load: {problems:?}"
    );
    let profile = TargetProfile::reference();
    let sendable = suite
        .cases
        .iter()
        .filter(|c| c.role == Role::Client && c.step.first().is_some_and(|s| s.send.is_some()));
    let mut out = Vec::new();
    for case in sendable.step_by(CASE_STRIDE) {
        let send = case.step[0].send.as_deref().unwrap_or_default();
        for encoding in Encoding::BOTH {
            let bindings = Bindings::new(&profile, &case.id, encoding.name());
            let Ok(commands) = codec::parse_fragment(&bindings.apply(send)) else {
                continue;
            };
            let mut target = Reference::new(client_config(&profile), vec![]);
            let Ok(mut session) = Session::open(&mut target, encoding, &profile.server_uri, "p1")
            else {
                continue;
            };
            let root = session.build_next(&Outgoing {
                label: case.id.clone(),
                commands,
                ..Outgoing::default()
            });
            if let Ok(bytes) = codec::encode(&root, encoding)
                && bytes.len() <= MAX_SEED
            {
                out.push((format!("spec-{}", case.id), encoding, bytes));
            }
        }
    }
    out
}

/// Byte patterns for `refdm_client`: counting, repeating and mixed runs.
fn client_patterns() -> Vec<(String, Vec<u8>)> {
    let counting: Vec<u8> = (0..=255).collect();
    let mut state: u32 = 0x9E37_79B9;
    let mixed: Vec<u8> = (0..512)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state.to_le_bytes()[0]
        })
        .collect();
    let mut out = vec![
        ("counting".to_string(), counting.clone()),
        (
            "counting-reversed".to_string(),
            counting.iter().rev().copied().collect(),
        ),
        ("mixed".to_string(), mixed),
    ];
    for b in [0x01u8, 0x07, 0x40, 0xFF] {
        out.push((format!("repeat-{b:02x}"), vec![b; 256]));
    }
    out
}

/// Replaces the seeds in `dir` with `seeds`, each content once.
fn write_seeds(dir: &Path, seeds: &[(String, Vec<u8>)]) {
    if dir.exists() {
        fs::remove_dir_all(dir).expect("the old seeds can be removed");
    }
    fs::create_dir_all(dir).expect("the seed folder can be made");
    let mut seen = BTreeSet::new();
    let mut written = 0;
    for (name, bytes) in seeds {
        if seen.insert(bytes.clone()) {
            fs::write(dir.join(name), bytes).expect("a seed can be written");
            written += 1;
        }
    }
    println!("{}: {written} seeds", dir.display());
}

fn sorted_dir(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    entries.sort();
    entries
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}
