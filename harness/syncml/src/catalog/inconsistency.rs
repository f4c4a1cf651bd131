//! Finding, by rule, where the source tables contradict themselves.
//!
//! The catalog keeps the printed values of its sources, wrong ones included, and
//! takes the signed decimal of an HRESULT row as authoritative. The rules:
//! - the printed hexadecimal must be present, well-formed, and equal to the decimal;
//! - the printed code must agree with the decimal: in the OMA table, SyncML rows
//!   follow HRESULT = 0x87D10000 + status, DCMO and certificate rows
//!   HRESULT = 0x87D10000 + 2000 + xx for code 12xx and + 2100 + xx for 14xx;
//!   in the iOS service table, every labelled row follows
//!   HRESULT = 0x87D10000 + 10000 + code;
//! - no key (decimal, printed hexadecimal, status, state, enrollment code) may
//!   appear on two rows;
//! - an error row must have a message.

use std::collections::BTreeMap;
use std::fmt;

use super::Catalog;
use super::hresult::{SYNCML_HRESULT_BASE, format_hex, offset_above_base, oma_code_at_offset};
use super::tables::{HresultRow, Table};

/// The offset of the iOS service errors over the SyncML base, observed on
/// every labelled row of that table: `0x87D10000 + 10000 + code`.
const IOS_SERVICE_CODE_OFFSET: u32 = 10_000;

/// One contradiction in a table.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Inconsistency {
    pub table: Table,
    /// 1-based line of the row in its file.
    pub line: usize,
    pub kind: InconsistencyKind,
    /// What is printed and what the authoritative value says.
    pub detail: String,
}

/// Which rule a row breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InconsistencyKind {
    /// The hexadecimal cell is empty.
    MissingHex,
    /// The hexadecimal cell does not read as `0x` and hexadecimal digits.
    MalformedHex,
    /// The hexadecimal is not the decimal.
    HexMismatch,
    /// The row prints no code where the rule gives one.
    MissingCode,
    /// The printed code is not the one the decimal gives by rule.
    CodeMismatch,
    /// A key already appears on an earlier row.
    Duplicate,
    /// A cell that must say something is empty.
    EmptyCell,
}

impl InconsistencyKind {
    fn as_str(self) -> &'static str {
        match self {
            InconsistencyKind::MissingHex => "missing hex",
            InconsistencyKind::MalformedHex => "malformed hex",
            InconsistencyKind::HexMismatch => "hex does not match decimal",
            InconsistencyKind::MissingCode => "missing code",
            InconsistencyKind::CodeMismatch => "code does not match decimal",
            InconsistencyKind::Duplicate => "duplicate",
            InconsistencyKind::EmptyCell => "empty cell",
        }
    }
}

impl fmt::Display for InconsistencyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Inconsistency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.table, self.line, self.kind, self.detail
        )
    }
}

impl Catalog {
    /// Every contradiction found in the tables, sorted by file and line.
    pub fn inconsistencies(&self) -> Vec<Inconsistency> {
        let mut found = Vec::new();
        for row in self.hresult_rows() {
            found.extend(self.hex_problem(row));
            found.extend(self.code_problem(row));
            if row.description.is_empty() {
                found.push(Inconsistency {
                    table: row.table,
                    line: row.line,
                    kind: InconsistencyKind::EmptyCell,
                    detail: format!("{} prints no error message", row.label()),
                });
            }
        }
        found.extend(self.duplicates());
        found.sort();
        found
    }

    /// The contradictions found in one row.
    pub fn inconsistencies_of(&self, table: Table, line: usize) -> Vec<Inconsistency> {
        let mut found = self.inconsistencies();
        found.retain(|inconsistency| inconsistency.table == table && inconsistency.line == line);
        found
    }

    fn hex_problem(&self, row: &HresultRow) -> Option<Inconsistency> {
        let actual = format_hex(row.hresult());
        let (kind, detail) = if row.hex.is_empty() {
            (
                InconsistencyKind::MissingHex,
                format!("no hex printed; the decimal {} is {actual}", row.decimal),
            )
        } else {
            match row.printed_hex() {
                None => (
                    InconsistencyKind::MalformedHex,
                    format!(
                        "printed {:?}, not a hexadecimal number; the decimal {} is {actual}",
                        row.hex, row.decimal
                    ),
                ),
                Some(printed) if printed != row.hresult() => {
                    let mut detail = format!(
                        "printed {}, but the decimal {} is {actual}",
                        row.hex, row.decimal
                    );
                    if let Some(owner) = self.row_with_hresult(printed) {
                        detail.push_str(&format!(
                            " ({} is the HRESULT of {}:{})",
                            row.hex, owner.table, owner.line
                        ));
                    }
                    (InconsistencyKind::HexMismatch, detail)
                }
                Some(_) => return None,
            }
        };
        Some(Inconsistency {
            table: row.table,
            line: row.line,
            kind,
            detail,
        })
    }

    fn row_with_hresult(&self, hresult: u32) -> Option<&HresultRow> {
        self.hresult_rows()
            .iter()
            .find(|row| row.hresult() == hresult)
    }

    fn duplicates(&self) -> Vec<Inconsistency> {
        let mut keys: Vec<(String, Table, usize)> = Vec::new();
        for row in self.hresult_rows() {
            keys.push((format!("decimal {}", row.decimal), row.table, row.line));
            if let Some(printed) = row.printed_hex() {
                keys.push((
                    format!("printed hex {}", format_hex(printed)),
                    row.table,
                    row.line,
                ));
            }
        }
        for status in self.statuses() {
            keys.push((
                format!("status {}", status.code),
                Table::SyncmlStatus,
                status.line,
            ));
        }
        for state in self.app_install_states() {
            let code = state
                .code
                .map_or("no status".to_owned(), |code| code.to_string());
            keys.push((
                format!("app-install state {code}"),
                Table::AppInstall,
                state.line,
            ));
        }
        for error in self.enrollment_errors() {
            for &code in &error.codes {
                keys.push((
                    format!("code {}", format_hex(code)),
                    Table::Enrollment,
                    error.line,
                ));
            }
        }
        let mut first_seen: BTreeMap<String, (Table, usize)> = BTreeMap::new();
        let mut found = Vec::new();
        for (key, table, line) in keys {
            match first_seen.get(&key) {
                Some(&(first_table, first_line)) => found.push(Inconsistency {
                    table,
                    line,
                    kind: InconsistencyKind::Duplicate,
                    detail: format!("{key} is also on {first_table}:{first_line}"),
                }),
                None => {
                    first_seen.insert(key, (table, line));
                }
            }
        }
        found
    }
}

impl Catalog {
    /// The code a row should print, by its table's rule, and the rule's wording.
    /// A SyncML row should print the `n` of its `0x87D10000 + n`; a row that
    /// prints neither name nor code should print it when `n` is a SyncML status.
    fn expected_code(&self, row: &HresultRow) -> Option<(u32, &'static str)> {
        const SYNCML_RULE: &str = "HRESULT = 0x87D10000 + status";
        match row.table {
            Table::OmaResponse if row.name == "Syncml" => {
                offset_above_base(row.hresult()).map(|status| (u32::from(status), SYNCML_RULE))
            }
            Table::OmaResponse if row.name.is_empty() && row.code.is_none() => self
                .status_for_hresult(row.hresult())
                .map(|status| (u32::from(status), SYNCML_RULE)),
            Table::OmaResponse if row.code.is_some() => offset_above_base(row.hresult())
                .and_then(oma_code_at_offset)
                .map(|code| {
                    (
                        code,
                        "HRESULT = 0x87D10000 + 2000 + xx for code 12xx, + 2100 + xx for 14xx \
                         (followed by every DCMO and certificate row)",
                    )
                }),
            Table::IosService => row
                .hresult()
                .checked_sub(SYNCML_HRESULT_BASE + IOS_SERVICE_CODE_OFFSET)
                .map(|code| {
                    (
                        code,
                        "HRESULT = 0x87D10000 + 10000 + code (followed by every labelled row)",
                    )
                }),
            _ => None,
        }
    }

    fn code_problem(&self, row: &HresultRow) -> Option<Inconsistency> {
        let (expected, rule) = self.expected_code(row)?;
        let (kind, detail) = match row.code {
            None => (
                InconsistencyKind::MissingCode,
                format!(
                    "prints no code; by the rule {rule}, the decimal {} gives {expected}",
                    row.decimal
                ),
            ),
            Some(code) if code != expected => (
                InconsistencyKind::CodeMismatch,
                format!(
                    "prints {}, but by the rule {rule} the decimal {} gives {expected}",
                    row.label(),
                    row.decimal
                ),
            ),
            Some(_) => return None,
        };
        Some(Inconsistency {
            table: row.table,
            line: row.line,
            kind,
            detail,
        })
    }
}
