//! `dmconform convert` end to end: XML to WBXML and back means the same, a
//! folder converts file by file, and broken input is named with its error.

use std::path::PathBuf;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_dmconform"))
}

fn corpus(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../corpus/real")
        .join(rel)
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dmconform-convert-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn tree(bytes: &[u8]) -> syncml::Element {
    dmconform::codec::decode(bytes, &syncml::Limits::default())
        .unwrap()
        .root
        .normalized()
}

#[test]
fn xml_to_wbxml_and_back_means_the_same() {
    let input = corpus("fleet/messages/001-capture-client-s1m1-alert1201-1224-devinfo.xml");
    let dir = scratch("roundtrip");
    let wbxml = dir.join("m.wbxml");
    let st = bin()
        .arg("convert")
        .arg(&input)
        .arg("-o")
        .arg(&wbxml)
        .status()
        .unwrap();
    assert!(st.success());
    let bytes = std::fs::read(&wbxml).unwrap();
    assert_eq!(
        &bytes[..3],
        &[0x02, 0xA4, 0x01],
        "WBXML 1.2 with public id 0x1201"
    );
    let out = bin().arg("convert").arg(&wbxml).output().unwrap();
    assert!(out.status.success());
    assert_eq!(tree(&out.stdout), tree(&std::fs::read(&input).unwrap()));
}

#[test]
fn a_folder_converts_file_by_file_and_names_what_fails() {
    let dir = scratch("folder");
    let out = bin()
        .args(["convert", "--to", "wbxml", "--literals"])
        .arg(corpus("ms-windows-itpro-docs/messages"))
        .arg("-o")
        .arg(&dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Two files are published broken (see corpus/real/SOURCES.md).
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("converted 28 files, 2 failed"), "{stderr}");
    assert!(
        stderr.contains("002-unenroll-user-alert1226-generic-alert-defective.xml"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 28);
}
