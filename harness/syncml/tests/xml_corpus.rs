//! Every file of `corpus/real` through the XML codec.
//!
//! Well-formed messages must decode (tree and typed view) and round-trip;
//! fragments must decode as nodes and round-trip. The files published broken
//! are listed in [`EXPECTED`] with the exact outcome they must keep: a file
//! that changes category, or an entry that matches no file, fails.

use rstest::rstest;
use std::path::{Path, PathBuf};
use syncml::xml::{self, WriteOptions, XmlDefect, XmlDefectKind};
use syncml::{DecodeError, DecodeErrorKind, Limits, Message};

/// What reading a corpus file must give.
enum Outcome {
    /// An error of this kind, at this offset, whose message contains this text.
    Fails {
        offset: usize,
        kind: fn(&DecodeErrorKind) -> bool,
        says: &'static str,
    },
    /// A lenient reading with exactly these defects (kinds, in order).
    Bent(fn() -> Vec<XmlDefectKind>),
}

fn malformed(k: &DecodeErrorKind) -> bool {
    matches!(k, DecodeErrorKind::Malformed(_))
}

fn undeclared(prefix: &str, name: &str) -> XmlDefectKind {
    XmlDefectKind::UndeclaredPrefix {
        prefix: prefix.into(),
        name: name.into(),
    }
}

fn a_prefixed_meta() -> Vec<XmlDefectKind> {
    vec![undeclared("A", "A:Format"), undeclared("A", "A:Type")]
}

/// The published defects the XML layer sees, by path under `corpus/real`.
/// Defects of SyncML itself (missing CmdID, wrong namespace values, order)
/// are not XML defects: those files read cleanly here.
const EXPECTED: &[(&str, Outcome)] = &[
    (
        "fleet/fragments/005-atomic-add-exec-install-msi.xml",
        Outcome::Bent(a_prefixed_meta),
    ),
    (
        "fleet/fragments/006-add-policy-settings-allowdatetime-int.xml",
        Outcome::Bent(a_prefixed_meta),
    ),
    (
        "fleet/fragments/007-add-policy-defender-allowrealtimemonitoring-int.xml",
        Outcome::Bent(a_prefixed_meta),
    ),
    (
        "ms-mdm-spec/fragments/012-2.2.5.1-data-msft-originalerror-syntax.xml",
        Outcome::Bent(|| vec![undeclared("msft", "Data msft:originalerror")]),
    ),
    (
        "ms-windows-itpro-docs/messages/019-edam-response-utf16-decl-no-ns-empty-synchdr.xml",
        Outcome::Bent(|| {
            vec![XmlDefectKind::DeclaredEncodingIgnored {
                declared: "utf-16".into(),
            }]
        }),
    ),
    (
        // `xmlns=&#39;SYNCML:SYNCML1.2&#39;`: an entity where the quote belongs.
        "ms-windows-itpro-docs/messages/002-unenroll-user-alert1226-generic-alert-defective.xml",
        Outcome::Fails {
            offset: 14,
            kind: malformed,
            says: "must be enclosed",
        },
    ),
    (
        // `<InsertUniqueIDHere>` written as markup inside a LocURI.
        "ms-windows-itpro-docs/messages/025-ccinstall-scep-atomic-no-cmdid-placeholder-markup-in-locuri.xml",
        Outcome::Fails {
            offset: 254,
            kind: malformed,
            says: "</LocURI> does not match start tag <InsertUniqueIDHere>",
        },
    ),
    (
        // `<License ...>` never closed inside Data.
        "ms-windows-itpro-docs/fragments/011-eam-exec-addlicense-unclosed-license-element.xml",
        Outcome::Fails {
            offset: 316,
            kind: malformed,
            says: "</Data> does not match start tag <License>",
        },
    ),
    (
        // A self-closed `<Application .../>` followed by a stray `</Application>`.
        "ms-windows-itpro-docs/fragments/013-eam-add-exec-provision-deps-mismatched-application.xml",
        Outcome::Fails {
            offset: 872,
            kind: malformed,
            says: "</Application> does not match start tag <Data>",
        },
    ),
    (
        // `<!- ... -->`: one dash short of a comment.
        "ms-windows-itpro-docs/fragments/016-eam-delete-provisioned-app-malformed-comment.xml",
        Outcome::Fails {
            offset: 0,
            kind: malformed,
            says: "opens no comment",
        },
    ),
    (
        "ms-windows-itpro-docs/fragments/017-eam-replace-donotupdate-int.xml",
        Outcome::Fails {
            offset: 0,
            kind: malformed,
            says: "opens no comment",
        },
    ),
    (
        // `xmlns=”syncml:metinf”`: typographic quotes.
        "ms-windows-itpro-docs/fragments/021-aad-syncbody-alert1224-aadusertoken-smart-quotes.xml",
        Outcome::Fails {
            offset: 94,
            kind: malformed,
            says: "must be enclosed",
        },
    ),
    (
        "ms-windows-itpro-docs/fragments/022-aad-syncbody-alert1224-loginstatus-smart-quotes.xml",
        Outcome::Fails {
            offset: 94,
            kind: malformed,
            says: "must be enclosed",
        },
    ),
];

fn corpus_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/real")
}

fn relative(path: &Path) -> String {
    let root = corpus_root().canonicalize().expect("corpus root");
    let path = path.canonicalize().expect("corpus file");
    path.strip_prefix(&root)
        .expect("file under corpus/real")
        .to_string_lossy()
        .replace('\\', "/")
}

fn expected(rel: &str) -> Option<&'static Outcome> {
    EXPECTED.iter().find(|(p, _)| *p == rel).map(|(_, o)| o)
}

fn is_fragment(rel: &str) -> bool {
    rel.contains("/fragments/")
}

/// Reads a file the way its category says, giving the defects or the error.
fn read_file(rel: &str, bytes: &[u8]) -> Result<Vec<XmlDefect>, DecodeError> {
    let limits = Limits::default();
    if is_fragment(rel) {
        xml::read_fragment_with_defects(bytes, &limits).map(|f| f.defects)
    } else {
        xml::read(bytes, &limits).map(|d| d.defects)
    }
}

#[rstest]
fn corpus_file_reads_as_expected(#[files("../../corpus/real/**/*.xml")] path: PathBuf) {
    let rel = relative(&path);
    let bytes = std::fs::read(&path).expect("readable");
    let result = read_file(&rel, &bytes);
    match (expected(&rel), result) {
        (None, Ok(defects)) => assert!(defects.is_empty(), "{rel}: unexpected {defects:?}"),
        (Some(Outcome::Bent(want)), Ok(defects)) => {
            let kinds: Vec<_> = defects.into_iter().map(|d| d.kind).collect();
            assert_eq!(kinds, want(), "{rel}");
        }
        (Some(Outcome::Fails { offset, kind, says }), Err(e)) => {
            assert!(kind(&e.kind), "{rel}: wrong kind {e}");
            assert_eq!(e.offset, *offset, "{rel}: {e}");
            assert!(e.to_string().contains(says), "{rel}: {e}");
        }
        (Some(Outcome::Fails { .. }), Ok(_)) => panic!("{rel} was expected to fail but reads"),
        (_, Err(e)) => panic!("{rel} was expected to read: {e}"),
    }
}

#[rstest]
fn corpus_message_decodes_and_round_trips(
    #[files("../../corpus/real/*/messages/*.xml")] path: PathBuf,
) {
    let rel = relative(&path);
    let bytes = std::fs::read(&path).expect("readable");
    let limits = Limits::default();
    let Ok(doc) = xml::read(&bytes, &limits) else {
        assert!(matches!(expected(&rel), Some(Outcome::Fails { .. })));
        return;
    };
    assert_eq!(
        doc.prolog.declaration.is_some(),
        bytes.starts_with(b"<?xml"),
        "{rel}: declaration"
    );
    let (message, _) = Message::from_element(&doc.root);
    assert!(
        message.body.is_some(),
        "{rel}: no SyncBody in the typed view"
    );

    let compact = xml::write(&doc.root, &WriteOptions::default());
    let again = xml::read(&compact, &limits).expect("canonical form reads");
    assert_eq!(again.root, doc.root, "{rel}: exact round trip");
    assert!(again.defects.is_empty(), "{rel}: {:?}", again.defects);

    let indented = WriteOptions {
        declaration: true,
        indent: Some(2),
    };
    let pretty = xml::read(&xml::write(&doc.root, &indented), &limits).expect("indented reads");
    assert_eq!(pretty.root.normalized(), doc.root.normalized(), "{rel}");

    // The typed view survives the canonical form too.
    let (typed_again, _) = Message::from_element(&again.root);
    assert_eq!(typed_again, message, "{rel}");
}

#[rstest]
fn corpus_fragment_decodes_and_round_trips(
    #[files("../../corpus/real/*/fragments/*.xml")] path: PathBuf,
) {
    let rel = relative(&path);
    let bytes = std::fs::read(&path).expect("readable");
    let limits = Limits::default();
    let Ok(nodes) = xml::read_fragment(&bytes, &limits) else {
        assert!(matches!(expected(&rel), Some(Outcome::Fails { .. })));
        return;
    };
    assert!(
        xml::elements_of(&nodes).next().is_some(),
        "{rel}: no element"
    );
    let written = xml::write_nodes(&nodes, &WriteOptions::default());
    let again = xml::read_fragment(&written, &limits).expect("written fragment reads");
    assert_eq!(again, nodes, "{rel}: exact round trip");
    // The commands in it have a typed view.
    let (body, _) = Message::body_nodes_from_elements(xml::elements_of(&nodes));
    assert_eq!(body.len(), xml::elements_of(&nodes).count());
}

#[test]
fn every_expectation_names_a_corpus_file() {
    for (rel, _) in EXPECTED {
        assert!(
            corpus_root().join(rel).is_file(),
            "{rel} is not in the corpus"
        );
    }
}

#[test]
fn corpus_holds_the_files_its_index_counts() {
    fn count(dir: &Path) -> usize {
        std::fs::read_dir(dir)
            .expect("folder")
            .map(|e| e.expect("entry").path())
            .map(|p| {
                if p.is_dir() {
                    count(&p)
                } else {
                    usize::from(p.extension().is_some_and(|x| x == "xml"))
                }
            })
            .sum()
    }
    // SOURCES.md: 44 messages and 56 fragments.
    assert_eq!(count(&corpus_root()), 100);
}
