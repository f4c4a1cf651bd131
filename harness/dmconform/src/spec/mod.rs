//! The suite's specification data: the requirement registry and the cases,
//! embedded from `specs/` at build time, with the checks of `specs lint` and
//! the report of `specs coverage` ([`coverage`]).

pub mod allowed;
pub mod coverage;
pub mod model;
pub mod words;

pub use allowed::Allowed;
pub use coverage::Covered;
pub use model::*;
pub use words::{Answer, Capability, Challenge, CredWord};

use include_dir::{Dir, include_dir};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// `specs/` as it was when the binary was built.
static SPECS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../../specs");

/// The profiles requirements and cases belong to.
pub const PROFILES: &[&str] = &["oma-dm-1.2", "windows"];

/// A problem found while loading or linting the specs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecProblem {
    /// The file, relative to `specs/`.
    pub file: String,
    /// The case or requirement id, when the problem belongs to one.
    pub id: Option<String>,
    pub message: String,
}

impl fmt::Display for SpecProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.id {
            Some(id) => write!(f, "{}: {}: {}", self.file, id, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// The loaded specs.
#[derive(Clone, Debug, Default)]
pub struct Suite {
    pub sources: BTreeMap<String, Source>,
    /// Requirements by id, with the file each came from.
    pub requirements: BTreeMap<String, (Requirement, String)>,
    pub cases: Vec<Case>,
}

impl Suite {
    /// The specs embedded in this build. Problems that stop a file from being
    /// read are returned; [`Suite::lint`] finds the rest.
    pub fn embedded() -> (Suite, Vec<SpecProblem>) {
        let mut files = Vec::new();
        collect_toml(&SPECS, &mut files);
        Suite::from_files(files.into_iter().map(|(p, c)| (p, c.to_string())))
    }

    /// Loads specs from (path relative to `specs/`, contents) pairs.
    pub fn from_files(
        files: impl IntoIterator<Item = (String, String)>,
    ) -> (Suite, Vec<SpecProblem>) {
        let mut suite = Suite::default();
        let mut problems = Vec::new();
        let mut files: Vec<_> = files.into_iter().collect();
        files.sort();
        for (path, text) in files {
            let problem = |message: String| SpecProblem {
                file: path.clone(),
                id: None,
                message,
            };
            if path == "requirements/sources.toml" {
                match toml::from_str::<SourceFile>(&text) {
                    Ok(f) => suite.sources.extend(f.sources),
                    Err(e) => problems.push(problem(e.to_string())),
                }
            } else if path.starts_with("requirements/") {
                match toml::from_str::<RequirementFile>(&text) {
                    Ok(f) => {
                        for r in f.requirement {
                            if suite.requirements.contains_key(&r.id) {
                                problems.push(SpecProblem {
                                    file: path.clone(),
                                    id: Some(r.id.clone()),
                                    message: "requirement id defined twice".into(),
                                });
                            } else {
                                suite.requirements.insert(r.id.clone(), (r, path.clone()));
                            }
                        }
                    }
                    Err(e) => problems.push(problem(e.to_string())),
                }
            } else if path.starts_with("cases/") {
                match toml::from_str::<CaseFile>(&text) {
                    Ok(f) => suite.cases.extend(f.case.into_iter().map(|mut c| {
                        c.file = path.clone();
                        c
                    })),
                    Err(e) => problems.push(problem(e.to_string())),
                }
            }
            // Other TOML files (target profiles) are read where they are used.
        }
        let registry = &suite.requirements;
        for case in &mut suite.cases {
            case.levels = case
                .requirements
                .iter()
                .filter_map(|id| Some((id.clone(), registry.get(id)?.0.level)))
                .collect();
        }
        (suite, problems)
    }

    /// A case by id.
    pub fn case(&self, id: &str) -> Option<&Case> {
        self.cases.iter().find(|c| c.id == id)
    }

    /// A requirement by id.
    pub fn requirement(&self, id: &str) -> Option<&Requirement> {
        self.requirements.get(id).map(|(r, _)| r)
    }

    /// Checks what loading cannot: unique ids, known requirements, sources,
    /// profiles and capabilities, well-formed expectations and steps. (A named
    /// check is known once loaded: [`crate::checks::named::NamedCheck`].)
    /// `extra_covered` are requirement ids the built-in invariants check.
    pub fn lint(&self, invariant_requirements: &[&str]) -> Vec<SpecProblem> {
        let mut problems = Vec::new();
        for (id, (r, file)) in &self.requirements {
            let mut p = |message: String| {
                problems.push(SpecProblem {
                    file: file.clone(),
                    id: Some(id.clone()),
                    message,
                })
            };
            if !self.sources.contains_key(&r.source) {
                p(format!("unknown source {:?}", r.source));
            }
            if r.profiles.is_empty() {
                p("no profile".into());
            }
            for prof in &r.profiles {
                if !PROFILES.contains(&prof.as_str()) {
                    p(format!("unknown profile {prof:?}"));
                }
            }
            if r.text.trim().is_empty() {
                p("empty text".into());
            }
        }
        for id in invariant_requirements {
            if !self.requirements.contains_key(*id) {
                problems.push(SpecProblem {
                    file: "requirements/".into(),
                    id: Some((*id).to_string()),
                    message: "an invariant of the harness cites this id, but no requirement has it"
                        .into(),
                });
            }
        }
        let mut seen = BTreeSet::new();
        for c in &self.cases {
            lint_case(self, c, &mut seen, &mut problems);
        }
        problems
    }
}

fn lint_case(
    suite: &Suite,
    c: &Case,
    seen: &mut BTreeSet<String>,
    problems: &mut Vec<SpecProblem>,
) {
    let mut p = |message: String| {
        problems.push(SpecProblem {
            file: c.file.clone(),
            id: Some(c.id.clone()),
            message,
        })
    };
    if !seen.insert(c.id.clone()) {
        p("case id used twice".into());
    }
    if !c
        .id
        .chars()
        .all(|ch| ch.is_ascii_alphanumeric() || "-._".contains(ch))
    {
        p("case id may hold only ASCII letters, digits, '-', '_' and '.'".into());
    }
    if c.requirements.is_empty() {
        p("exercises no requirement".into());
    }
    for r in &c.requirements {
        if !suite.requirements.contains_key(r) {
            p(format!("unknown requirement {r:?}"));
        }
    }
    for prof in &c.profiles {
        if !PROFILES.contains(&prof.as_str()) {
            p(format!("unknown profile {prof:?}"));
        }
    }
    for e in &c.encodings {
        if crate::wire::Encoding::from_name(e).is_none() {
            p(format!("unknown encoding {e:?} (xml or wbxml)"));
        }
    }
    if c.step.is_empty() && c.checks.is_empty() {
        p("no step and no check: the case tests nothing".into());
    }
    if !c.step.is_empty() && c.step.iter().all(|s| s.setup) && c.checks.is_empty() {
        p("every step is set-up: the case exercises nothing of its own".into());
    }
    for (i, s) in c.step.iter().enumerate() {
        let n = i + 1;
        if s.setup {
            lint_setup_step(n, s, i > 0 && !c.step[i - 1].setup, &mut p);
        }
        for e in &s.expect {
            if let Some(r) = &e.requirement
                && !suite.requirements.contains_key(r)
            {
                p(format!(
                    "step {n}, cmdref {:?}: unknown requirement {r:?}",
                    e.cmdref
                ));
            }
        }
        match (&s.send, &s.raw) {
            (Some(_), Some(_)) => p(format!("step {n}: both send and raw")),
            (Some(_), None) | (None, Some(_)) if s.new_session => {
                p(format!("step {n}: a new_session step sends nothing"))
            }
            (None, None) if s.hdr_status.is_none() && !s.new_session && s.answer.is_none() => {
                p(format!("step {n}: neither send nor raw"))
            }
            _ => {}
        }
        if s.new_session && (s.hdr_status.is_some() || !s.expect.is_empty() || s.ends) {
            p(format!(
                "step {n}: a new_session step checks package 1 only (alerts, generic_alert)"
            ));
        }
        if let Some(g) = &s.generic_alert {
            for text in [&g.source, &g.r#type, &g.format, &g.data]
                .into_iter()
                .flatten()
            {
                if let Err(e) = crate::placeholders::check_names(text) {
                    p(format!("step {n}: generic_alert: {e}"));
                }
            }
        }
        let names_ok = s
            .send
            .iter()
            .map(|t| crate::placeholders::check_names(t))
            .chain(
                s.raw
                    .iter()
                    .map(|t| crate::placeholders::check_raw_names(t)),
            );
        for e in names_ok.filter_map(Result::err) {
            p(format!("step {n}: {e}"));
        }
        if let Some(code) = s.hdr_status
            && syncml::catalog::syncml_status(code).is_none()
        {
            p(format!(
                "step {n}: hdr_status {code} is not a SyncML status code"
            ));
        }
        for &code in &s.alerts {
            if syncml::catalog::alert_code(code).is_none() {
                p(format!(
                    "step {n}: alerts: {code} is not an OMA DM alert code"
                ));
            }
        }
        if (s.cred.is_some() || s.answer.is_some()) && c.role != Role::Server {
            p(format!("step {n}: cred and answer belong to server cases"));
        }
        for e in &s.expect {
            if let Some(st) = &e.status
                && let Err(m) = Allowed::parse(st)
            {
                p(format!("step {n}, cmdref {:?}: {m}", e.cmdref));
            }
            if e.status.is_none() && e.results.is_none() {
                p(format!(
                    "step {n}, cmdref {:?}: neither status nor results",
                    e.cmdref
                ));
            }
            if let Some(ResultsSpec::Word(w)) = &e.results
                && w != "none"
            {
                p(format!(
                    "step {n}: results {w:?} is neither a table nor \"none\""
                ));
            }
        }
    }
}

/// A set-up step comes before the case's own steps, names the rule of its own
/// command on every expectation, and checks nothing but Statuses and Results.
fn lint_setup_step(n: usize, s: &Step, after_own_step: bool, p: &mut impl FnMut(String)) {
    if after_own_step {
        p(format!(
            "step {n}: a set-up step comes before the case's own steps"
        ));
    }
    if s.new_session || s.ends || !s.alerts.is_empty() || s.generic_alert.is_some() {
        p(format!(
            "step {n}: a set-up step checks Statuses and Results only (no new_session, ends, alerts, generic_alert)"
        ));
    }
    for e in &s.expect {
        if e.requirement.is_none() {
            p(format!(
                "step {n}, cmdref {:?}: a set-up expectation names the requirement of its own command",
                e.cmdref
            ));
        }
    }
}

/// Every file of the embedded `specs/` (path relative to it, bytes), sorted by path.
pub fn embedded_files() -> Vec<(String, &'static [u8])> {
    fn walk(dir: &'static Dir<'static>, out: &mut Vec<(String, &'static [u8])>) {
        for f in dir.files() {
            out.push((f.path().to_string_lossy().replace('\\', "/"), f.contents()));
        }
        for d in dir.dirs() {
            walk(d, out);
        }
    }
    let mut out = Vec::new();
    walk(&SPECS, &mut out);
    out.sort();
    out
}

fn collect_toml(dir: &'static Dir<'static>, out: &mut Vec<(String, &'static str)>) {
    for f in dir.files() {
        if f.path().extension().is_some_and(|e| e == "toml")
            && let Some(text) = f.contents_utf8()
        {
            out.push((f.path().to_string_lossy().replace('\\', "/"), text));
        }
    }
    for d in dir.dirs() {
        collect_toml(d, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suite(files: &[(&str, &str)]) -> (Suite, Vec<SpecProblem>) {
        Suite::from_files(files.iter().map(|(p, c)| (p.to_string(), c.to_string())))
    }

    const SOURCES: &str = "[sources.X]\ntitle = \"t\"\nwhere = \"w\"\n";
    const REQS: &str = r#"
[[requirement]]
id = "x.one"
level = "must"
profiles = ["windows"]
role = "client"
source = "X"
section = "s"
text = "The thing."
"#;

    #[test]
    fn lint_finds_unknown_requirements_and_bad_expectations() {
        let cases = r#"
[[case]]
id = "a"
title = "t"
requirements = ["x.one", "x.two"]
role = "client"
[[case.step]]
send = "<Get><CmdID>2</CmdID></Get>"
expect = [{ cmdref = "2", status = "6xx" }]
[[case]]
id = "a"
title = "t"
requirements = ["x.one"]
role = "client"
[[case.step]]
send = "<Get>{nowhere}</Get>"
expect = [{ cmdref = "2" }]
"#;
        let (s, load) = suite(&[
            ("requirements/sources.toml", SOURCES),
            ("requirements/r.toml", REQS),
            ("cases/client/c.toml", cases),
        ]);
        assert!(load.is_empty(), "{load:?}");
        let problems: Vec<String> = s.lint(&[]).iter().map(|p| p.message.clone()).collect();
        assert!(
            problems
                .iter()
                .any(|m| m.contains("unknown requirement \"x.two\""))
        );
        assert!(problems.iter().any(|m| m.contains("\"6xx\"")));
        assert!(problems.iter().any(|m| m.contains("used twice")));
        assert!(problems.iter().any(|m| m.contains("nowhere")));
        assert!(
            problems
                .iter()
                .any(|m| m.contains("neither status nor results"))
        );
    }

    #[test]
    fn lint_refuses_codes_that_are_no_status_or_alert_codes() {
        let cases = r#"
[[case]]
id = "b"
title = "t"
requirements = ["x.one"]
role = "client"
[[case.step]]
send = "<Get><CmdID>2</CmdID></Get>"
hdr_status = 299
alerts = [1222, 1250, 1000]
expect = [{ cmdref = "2", status = [200, 515] }]
"#;
        let (s, load) = suite(&[
            ("requirements/sources.toml", SOURCES),
            ("requirements/r.toml", REQS),
            ("cases/client/c.toml", cases),
        ]);
        assert!(load.is_empty(), "{load:?}");
        let problems: Vec<String> = s.lint(&[]).iter().map(|p| p.message.clone()).collect();
        for expected in [
            "step 1: hdr_status 299 is not a SyncML status code",
            "step 1: alerts: 1250 is not an OMA DM alert code",
            "step 1: alerts: 1000 is not an OMA DM alert code",
            "step 1, cmdref \"2\": status 515 is not a SyncML status code",
        ] {
            assert!(
                problems.iter().any(|m| m == expected),
                "{expected}: {problems:#?}"
            );
        }
        assert!(
            !problems.iter().any(|m| m.contains("1222")),
            "{problems:#?}"
        );
    }

    #[test]
    fn lint_wants_set_up_steps_first_and_naming_their_rule() {
        let cases = r#"
[[case]]
id = "a"
title = "t"
requirements = ["x.one"]
role = "client"
[[case.step]]
send = "<Get><CmdID>2</CmdID></Get>"
expect = [{ cmdref = "2", status = 200 }]
[[case.step]]
setup = true
send = "<Add><CmdID>3</CmdID></Add>"
expect = [{ cmdref = "3", status = 200 }, { cmdref = "4", status = 200, requirement = "x.nine" }]
"#;
        let (s, load) = suite(&[
            ("requirements/sources.toml", SOURCES),
            ("requirements/r.toml", REQS),
            ("cases/client/c.toml", cases),
        ]);
        assert!(load.is_empty(), "{load:?}");
        let problems: Vec<String> = s.lint(&[]).iter().map(|p| p.message.clone()).collect();
        let has = |m: &str| problems.iter().any(|p| p.contains(m));
        assert!(has("comes before the case's own steps"), "{problems:?}");
        assert!(
            has("names the requirement of its own command"),
            "{problems:?}"
        );
        assert!(has("unknown requirement \"x.nine\""), "{problems:?}");
    }

    #[test]
    fn coverage_tells_judged_from_informational_only() {
        let reqs = format!(
            "{REQS}\n[[requirement]]\nid = \"x.two\"\nlevel = \"must\"\nprofiles = [\"windows\"]\nrole = \"client\"\nsource = \"X\"\nsection = \"s\"\ntext = \"T.\"\n"
        );
        // x.one: a set-up Add judged, then only an informational Status.
        let cases = r#"
[[case]]
id = "a"
title = "t"
requirements = ["x.one"]
role = "client"
[[case.step]]
setup = true
send = "<Add><CmdID>2</CmdID></Add>"
expect = [{ cmdref = "2", status = 200, requirement = "x.two" }]
[[case.step]]
send = "<Get><CmdID>3</CmdID></Get>"
expect = [{ cmdref = "3", status = "info" }]
"#;
        let (s, _) = suite(&[
            ("requirements/sources.toml", SOURCES),
            ("requirements/r.toml", &reqs),
            ("cases/client/c.toml", cases),
        ]);
        let how: BTreeMap<&str, Covered> = s
            .coverage(&[])
            .into_iter()
            .map(|(r, h)| (r.id.as_str(), h))
            .collect();
        assert_eq!(how["x.one"], Covered::InformationalOnly);
        assert_eq!(how["x.two"], Covered::InformationalOnly);
        assert!(s.uncovered(&[]).is_empty());
        let how = s.coverage(&["x.one"]);
        assert_eq!(how[0].1, Covered::Judged);
    }

    #[test]
    fn coverage_counts_cases_and_invariants() {
        let (s, _) = suite(&[
            ("requirements/sources.toml", SOURCES),
            ("requirements/r.toml", REQS),
        ]);
        assert_eq!(s.uncovered(&[]).len(), 1);
        assert!(s.uncovered(&["x.one"]).is_empty());
    }

    #[test]
    fn unreadable_files_are_reported_with_their_name() {
        let (_, problems) = suite(&[("cases/client/bad.toml", "[[case]]\nid = 3\n")]);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].file, "cases/client/bad.toml");
    }

    #[test]
    fn an_unknown_check_is_refused_when_loading_naming_the_known_ones() {
        let case = |check: &str| {
            format!(
                "[[case]]\nid = \"a\"\ntitle = \"t\"\nrequirements = [\"x.one\"]\nrole = \"client\"\nchecks = [\"{check}\"]\n"
            )
        };
        let (s, problems) = suite(&[("cases/client/c.toml", &case("cred.md5"))]);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            s.cases[0].checks,
            [crate::checks::named::NamedCheck::CredMd5]
        );
        let (_, problems) = suite(&[("cases/client/c.toml", &case("cred.sha1"))]);
        assert_eq!(problems.len(), 1, "{problems:?}");
        let message = &problems[0].message;
        assert!(message.contains("unknown check \"cred.sha1\""), "{message}");
        assert!(
            message.contains("pkg1.alert-initiated, pkg1.devinfo"),
            "{message}"
        );
    }

    #[test]
    fn embedded_specs_load_and_lint_clean() {
        let (s, problems) = Suite::embedded();
        assert!(problems.is_empty(), "{problems:#?}");
        let lint = s.lint(&crate::checks::invariant_requirements());
        assert!(lint.is_empty(), "{lint:#?}");
    }
}
