//! `explain`: everything the catalog knows about one code as a user typed it,
//! as plain data that prints as the CLI text and that reports can render.

use super::Catalog;
use super::hresult::{above_base, format_hex, offset_above_base, signed};
use super::query::{QueryError, Reading, read_query};
use super::tables::{CodeKind, Table};

/// The answer for one query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    /// The query as given.
    pub query: String,
    pub outcome: Outcome,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// At least one table knows the code.
    Found(Findings),
    /// The query is a code, but no table knows it.
    NotKnown(Findings),
    /// The query is not a code.
    Invalid(QueryError),
}

/// What was looked up and what was found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Findings {
    /// Every way the query was read.
    pub readings: Vec<Reading>,
    /// The SyncML status ↔ HRESULT mappings that apply.
    pub mappings: Vec<StatusMapping>,
    /// Readings that look like a status or its HRESULT but have no mapping, and why.
    pub no_mappings: Vec<NoMapping>,
    /// Every row that matched, from every table.
    pub matches: Vec<Match>,
    /// What was searched, table by table.
    pub searched: Vec<Search>,
}

/// A SyncML status and its HRESULT under the rule `0x87D10000 + status`
/// ([`Catalog::hresult_for_status`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusMapping {
    pub status: u16,
    pub hresult: u32,
}

/// Why a reading of the query has no SyncML status ↔ HRESULT mapping.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoMapping {
    /// The number is not a SyncML status code, so the rule gives it no HRESULT.
    NotAStatus(u16),
    /// The HRESULT is `0x87D10000 + offset`, but `offset` is not a SyncML
    /// status code and no table has the HRESULT.
    OffsetNotAStatus { hresult: u32, offset: u16 },
}

impl StatusMapping {
    /// The HRESULT as a signed decimal, as Intune prints it.
    pub fn signed(&self) -> i32 {
        signed(self.hresult)
    }
}

/// One lookup made: a table and the key looked for in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Search {
    pub table: Table,
    pub key: String,
}

/// How a row was reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The query is the row's own key in its table.
    Table,
    /// Reached through the rule HRESULT = 0x87D10000 + SyncML status.
    Rule,
    /// Reached as the HRESULT `0x87D10000 + number`, the number being no SyncML
    /// status: how the OMA table places its DCMO and certificate codes (2104 is
    /// 0x87D10838, the row of code 1404).
    Offset,
}

/// What a matched row says the code is. Rows about the same thing are shown
/// together under it, one labelled entry per source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    /// A SyncML status code, with its name when the status table has it.
    SyncmlStatus { code: u16, name: Option<String> },
    /// An OMA DM alert code: a named one, or one of a reserved range.
    Alert {
        code: u16,
        /// The specification's name; `None` for a reserved code.
        name: Option<String>,
        /// The first and last code of the row: the code twice for a named one.
        range: (u16, u16),
    },
    /// A code of Intune's OMA response table that is no SyncML status, as
    /// printed: `DCMO(1200)` has the name `DCMO`, `(1404)` none.
    OmaResponseCode { name: String, code: u32 },
    /// An Intune HRESULT printed without a code of its own.
    Hresult(u32),
    /// An iOS/iPadOS service error.
    IosServiceError(u32),
    /// A Windows app-install state; `None` for the source's "No status".
    AppInstallState(Option<u16>),
    /// An error of the iOS/iPadOS Company Portal, by its HTTP status.
    PortalError(Option<u16>),
    /// An Intune enrollment error, by the codes of its row.
    EnrollmentError(Vec<u32>),
    /// A Windows enrollment error (MS-MDE2 fault), by its code.
    WindowsEnrollmentError(u32),
}

/// One row of one table that the query matched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    /// What the row says the code is.
    pub subject: Subject,
    pub table: Table,
    /// 1-based line of the row in its file.
    pub line: usize,
    pub origin: Origin,
    /// The row's key as the table prints it.
    pub key: String,
    /// A short name: the status name, the printed label, the symbol.
    pub title: String,
    /// What the code means, in the table's words.
    pub text: String,
    /// The suggested resolution, where the source gives one.
    pub resolution: Option<String>,
    /// Where the row's words come from, when its table names a source per row.
    pub source: Option<String>,
    /// An English rendering of `text` when the source is in another language,
    /// made for this catalog (not the publisher's own English).
    pub translation: Option<String>,
    /// Anything else worth knowing: the table's own faults, the source's extra information.
    pub notes: Vec<String>,
}

impl Findings {
    /// The matches grouped by what they say the code is, each group in the
    /// order its first match was found, matches in their own order.
    pub fn by_subject(&self) -> Vec<(&Subject, Vec<&Match>)> {
        let mut groups: Vec<(&Subject, Vec<&Match>)> = Vec::new();
        for found in &self.matches {
            match groups
                .iter_mut()
                .find(|(subject, _)| **subject == found.subject)
            {
                Some((_, members)) => members.push(found),
                None => groups.push((&found.subject, vec![found])),
            }
        }
        groups
    }
}

impl Explanation {
    /// Whether some table knows the code.
    pub fn is_known(&self) -> bool {
        matches!(self.outcome, Outcome::Found(_))
    }

    /// Whether the query was a code at all.
    pub fn is_valid(&self) -> bool {
        !matches!(self.outcome, Outcome::Invalid(_))
    }
}

impl Catalog {
    /// Everything the catalog knows about `query`: a SyncML status (`418`), an
    /// HRESULT (`0x87D101A2`, `87d101a2`, `-2016345694`, `2278621602`), an
    /// enrollment code (`0x80CF0437`), an app-install state (`60`), ... The
    /// accepted forms are those of [`read_query`].
    pub fn explain(&self, query: &str) -> Explanation {
        // The name of an enrollment fault (a Subcode or an ErrorType a server sends)
        // stands for the HRESULT a Windows device shows for it.
        let read = read_query(query).or_else(|error| {
            match (&error, self.windows_enrollment_fault(query)) {
                (QueryError::NotACode(_), Some(fault)) => Ok(vec![Reading::Hresult(fault.code)]),
                _ => Err(error),
            }
        });
        let outcome = match read {
            Err(error) => Outcome::Invalid(error),
            Ok(readings) => {
                let mut finder = Finder {
                    catalog: self,
                    findings: Findings::default(),
                };
                for &reading in &readings {
                    match reading {
                        Reading::Number(number) => finder.number(number),
                        Reading::Hresult(code) => finder.hresult(code),
                    }
                }
                let mut findings = finder.findings;
                findings.no_mappings = no_mappings(self, &readings, &findings);
                findings.readings = readings;
                if findings.matches.is_empty() {
                    Outcome::NotKnown(findings)
                } else {
                    Outcome::Found(findings)
                }
            }
        };
        Explanation {
            query: query.to_owned(),
            outcome,
        }
    }
}

/// Collects the findings of one query.
struct Finder<'c> {
    catalog: &'c Catalog,
    findings: Findings,
}

impl Finder<'_> {
    fn number(&mut self, number: u16) {
        let catalog = self.catalog;
        self.searched(Table::SyncmlStatus, format!("SyncML status {number}"));
        if let Some(status) = catalog.syncml_status(number) {
            self.found(status_match(status, Origin::Table));
        }
        if let Some(hresult) = catalog.hresult_for_status(number) {
            self.map(number, hresult);
            self.hresult_rows(hresult, Origin::Rule);
            self.windows(CodeKind::Status, number, Origin::Table);
        } else {
            let hresult = above_base(number);
            self.searched(
                Table::OmaResponse,
                format!("HRESULT 0x87D10000 + {number} = {}", format_hex(hresult)),
            );
            for row in catalog.hresult_rows() {
                if row.table == Table::OmaResponse && row.hresult() == hresult {
                    self.found(hresult_match(catalog, row, Origin::Offset));
                }
            }
        }
        self.searched(Table::AlertCodes, format!("alert code {number}"));
        if let Some(alert) = catalog.alert(number) {
            self.found(alert_match(alert, number));
        }
        self.windows(CodeKind::Alert, number, Origin::Table);
        self.searched(Table::OmaResponse, format!("code ({number})"));
        for row in catalog.hresult_rows() {
            if row.table == Table::OmaResponse && row.code == Some(u32::from(number)) {
                self.found(hresult_match(catalog, row, Origin::Table));
            }
        }
        self.searched(Table::AppInstall, format!("state {number}"));
        for state in catalog.app_install_states() {
            if state.code == Some(number) {
                self.found(app_install_match(state));
            }
        }
        self.searched(Table::IosCompanyPortal, format!("HTTP status {number}"));
        for error in catalog.portal_errors() {
            if error.http_status == Some(number) {
                self.found(portal_match(error));
            }
        }
        self.searched(Table::IosService, format!("error code {number}"));
        for row in catalog.hresult_rows() {
            if row.table == Table::IosService && row.code == Some(u32::from(number)) {
                self.found(hresult_match(catalog, row, Origin::Table));
            }
        }
    }

    fn hresult(&mut self, code: u32) {
        let catalog = self.catalog;
        self.hresult_rows(code, Origin::Table);
        self.searched(Table::Enrollment, format!("code {}", format_hex(code)));
        for error in catalog.enrollment_errors() {
            if error.codes.contains(&code) {
                self.found(enrollment_match(error));
            }
        }
        self.searched(
            Table::WindowsEnrollment,
            format!("code {}", format_hex(code)),
        );
        for error in catalog.windows_enrollment_errors() {
            if error.code == code {
                self.found(windows_enrollment_match(error));
            }
        }
        if let Some(number) = catalog.status_for_hresult(code) {
            self.map(number, code);
            self.searched(Table::SyncmlStatus, format!("SyncML status {number}"));
            if let Some(status) = catalog.syncml_status(number) {
                let mut by_rule = status_match(status, Origin::Rule);
                let in_oma_table = catalog
                    .hresult_rows()
                    .iter()
                    .any(|row| row.table == Table::OmaResponse && row.hresult() == code);
                if !in_oma_table {
                    by_rule.notes.push(format!(
                        "{} has no row in {}: this decode is derived by rule, not from the table",
                        format_hex(code),
                        Table::OmaResponse
                    ));
                }
                self.found(by_rule);
            }
            self.windows(CodeKind::Status, number, Origin::Rule);
        }
    }

    /// What Windows' OMA DM page says of the status or alert code `code`.
    fn windows(&mut self, kind: CodeKind, code: u16, origin: Origin) {
        let catalog = self.catalog;
        let what = match kind {
            CodeKind::Status => "SyncML status",
            CodeKind::Alert => "alert code",
        };
        self.searched(Table::WindowsOmaDm, format!("{what} {code}"));
        for text in catalog.windows_texts_of(kind, code) {
            self.found(windows_match(catalog, text, origin));
        }
    }

    /// The rows of the HRESULT tables whose decimal is `code`, and those whose
    /// printed hexadecimal alone says so.
    fn hresult_rows(&mut self, code: u32, origin: Origin) {
        let catalog = self.catalog;
        for table in Table::ALL
            .into_iter()
            .filter(|table| table.holds_hresults())
        {
            self.searched(table, format!("HRESULT {}", format_hex(code)));
        }
        for row in catalog.hresult_rows() {
            if row.hresult() == code {
                self.found(hresult_match(catalog, row, origin));
            } else if row.printed_hex() == Some(code) {
                let mut by_printed_hex = hresult_match(catalog, row, origin);
                by_printed_hex.notes.insert(
                    0,
                    format!(
                        "matched only by its printed hex {}; its decimal, which is authoritative, is {}",
                        row.hex,
                        format_hex(row.hresult())
                    ),
                );
                self.found(by_printed_hex);
            }
        }
    }

    fn map(&mut self, status: u16, hresult: u32) {
        let mapping = StatusMapping { status, hresult };
        if !self.findings.mappings.contains(&mapping) {
            self.findings.mappings.push(mapping);
        }
    }

    fn searched(&mut self, table: Table, key: String) {
        let search = Search { table, key };
        if !self.findings.searched.contains(&search) {
            self.findings.searched.push(search);
        }
    }

    fn found(&mut self, found: Match) {
        let known = self
            .findings
            .matches
            .iter()
            .any(|seen| seen.table == found.table && seen.line == found.line);
        if !known {
            self.findings.matches.push(found);
        }
    }
}

/// The readings worth a word on why they have no mapping: a number of the
/// status classes 1xx–5xx that is no status, a number nothing knows, and an
/// HRESULT `0x87D10000 + n` that no table has and whose `n` is no status.
fn no_mappings(catalog: &Catalog, readings: &[Reading], findings: &Findings) -> Vec<NoMapping> {
    let mapped = |status: u16| findings.mappings.iter().any(|m| m.status == status);
    let mut found = Vec::new();
    for &reading in readings {
        match reading {
            Reading::Number(number) => {
                let looks_like_a_status = (100..=599).contains(&number);
                if !mapped(number) && (looks_like_a_status || findings.matches.is_empty()) {
                    found.push(NoMapping::NotAStatus(number));
                }
            }
            Reading::Hresult(hresult) => {
                let in_a_table = catalog
                    .hresult_rows()
                    .iter()
                    .any(|row| row.hresult() == hresult || row.printed_hex() == Some(hresult));
                match offset_above_base(hresult) {
                    Some(offset) if !mapped(offset) && !in_a_table => {
                        found.push(NoMapping::OffsetNotAStatus { hresult, offset });
                    }
                    _ => {}
                }
            }
        }
    }
    found
}

mod matches;
mod text;

use matches::*;
