//! A failing package kept as a case: [`case`] turns a (minimised) package into
//! a client case in the format of `specs/README.md`, and [`to_toml`] writes it
//! as the text of a case file, ready to go under
//! `specs/cases/client/regression.toml`.

use super::package::Package;
use crate::spec::{Case, CaseFile, Role};
use md5::{Digest, Md5};

/// The requirements a well-formed package that fails is held to: the
/// invariants every reply must meet.
const WELL_FORMED: &[&str] = &["msmdm.status.synchdr-first", "msmdm.status.order"];

/// The case that sends `package` in one step and expects what its mutations allow.
pub fn case(package: &Package) -> Case {
    let step = package.step();
    let mut requirements = package.requirements();
    if requirements.is_empty() {
        requirements = WELL_FORMED.iter().map(|r| r.to_string()).collect();
    }
    let families: Vec<&str> = package.applied.iter().map(|m| m.name()).collect();
    let title = if families.is_empty() {
        "A generated well-formed package".to_string()
    } else {
        format!("A generated package with: {}", families.join(", "))
    };
    Case {
        id: format!("regression.{}", fingerprint(package)),
        title,
        requirements,
        role: Role::Client,
        profiles: package.profiles(),
        encodings: package.encodings(),
        needs: Vec::new(),
        checks: Vec::new(),
        step: vec![step],
        file: String::new(),
        levels: Default::default(),
    }
}

/// The case as the text of a case file.
pub fn to_toml(case: &Case) -> String {
    let file = CaseFile {
        case: vec![case.clone()],
    };
    let body = toml::to_string(&file).unwrap_or_else(|e| format!("# cannot be written: {e}\n"));
    format!(
        "# Kept from a generated package that failed ({}).\n{body}",
        case.title
    )
}

/// Twelve hex digits of the MD5 of what the package sends: stable across
/// builds, so the same finding keeps the same case id.
fn fingerprint(package: &Package) -> String {
    let mut hasher = Md5::new();
    hasher.update(package.send_text().as_bytes());
    for (name, value) in &package.header {
        hasher.update(b"\0");
        hasher.update(name.as_bytes());
        hasher.update(b"=");
        hasher.update(value.as_bytes());
    }
    let digest = hasher.finalize();
    digest[..6].iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::mutate::Mutation;
    use crate::generate::package::{Op, container, leaf};
    use crate::spec::Suite;

    fn package(mutations: &[Mutation]) -> Package {
        let mut p = Package::new(vec![
            leaf(Op::Add, 10, "{node}/a", Some("say \"1\" \\ ''' \"\"\"")),
            container("Sequence", 11, vec![leaf(Op::Get, 12, "{node}/a", None)]),
        ]);
        for (i, m) in mutations.iter().enumerate() {
            p.mutate(*m, i);
        }
        p
    }

    /// Loads the text next to the embedded specs and lints the whole.
    fn lint_with(text: &str) -> (Case, Vec<String>) {
        let (mut suite, problems) = Suite::embedded();
        assert!(problems.is_empty());
        let (extra, problems) =
            Suite::from_files([("cases/client/regression.toml".to_string(), text.to_string())]);
        assert!(problems.is_empty(), "{problems:?}\n{text}");
        assert_eq!(extra.cases.len(), 1);
        let read = extra.cases[0].clone();
        suite.cases.extend(extra.cases);
        let lint = suite.lint(crate::checks::invariants::REQUIREMENTS);
        (read, lint.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn the_case_file_reads_back_and_lints_clean() {
        for mutations in [
            vec![],
            vec![Mutation::LeadingSlash, Mutation::MissingCmdId],
            vec![Mutation::MetaInSyncHdr, Mutation::UnknownInSequence],
            vec![Mutation::WrongVerDtd],
        ] {
            let p = package(&mutations);
            let case = case(&p);
            let text = to_toml(&case);
            let (read, lint) = lint_with(&text);
            assert!(lint.is_empty(), "{lint:#?}\n{text}");
            let mut written = case.clone();
            written.file = read.file.clone();
            assert_eq!(read, written, "{text}");
        }
    }

    #[test]
    fn the_case_names_the_mutations_and_their_requirements() {
        let p = package(&[Mutation::LeadingSlash, Mutation::UnknownInSyncBody]);
        let c = case(&p);
        assert!(c.id.starts_with("regression."));
        assert_eq!(c.id.len(), "regression.".len() + 12);
        assert!(c.title.contains("leading-slash"));
        assert!(
            c.requirements
                .contains(&"win.uri.no-leading-slash".to_string())
        );
        assert!(
            c.requirements
                .contains(&"win.elements.invalid-400".to_string())
        );
        assert_eq!(c.profiles, ["windows"]);
        assert_eq!(c.encodings, ["xml"]);
        let text = to_toml(&c);
        assert!(text.contains("[[case.step]]"), "{text}");
    }

    #[test]
    fn the_id_follows_what_is_sent() {
        let a = case(&package(&[Mutation::LeadingSlash]));
        let b = case(&package(&[Mutation::LeadingSlash]));
        let c = case(&package(&[Mutation::DotSegment]));
        let d = case(&package(&[Mutation::WrongVerProto]));
        assert_eq!(a.id, b.id);
        assert_ne!(a.id, c.id);
        assert_ne!(a.id, case(&package(&[])).id);
        assert_ne!(d.id, case(&package(&[])).id);
    }
}
