//! The catalog's tables: which data files there are, the typed row each one holds,
//! and the reading of a file's text into those rows.

use std::fmt;
use std::str::FromStr;

use super::hresult::{self, parse_prefixed_hex};
use super::tsv::{Tsv, TsvRow};

/// One data file of the catalog.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    /// `syncml-status.tsv`: SyncML status codes 101–517.
    SyncmlStatus,
    /// `alert-codes.tsv`: OMA DM alert codes 1100–1299, named and reserved.
    AlertCodes,
    /// `windows-oma-dm.tsv`: what Windows' "OMA DM protocol support" page says of
    /// status and alert codes, German original and English rendering.
    WindowsOmaDm,
    /// `oma-response.tsv`: Intune's "OMA response codes" (SyncML and DCMO as HRESULTs).
    OmaResponse,
    /// `app-install.tsv`: Windows app-install states 10–130.
    AppInstall,
    /// `company-resource-access.tsv`: Intune company resource access errors.
    CompanyResourceAccess,
    /// `ios-company-portal.tsv`: iOS/iPadOS Company Portal errors, by HTTP status.
    IosCompanyPortal,
    /// `ios-service.tsv`: iOS/iPadOS service errors.
    IosService,
    /// `enrollment.tsv`: Intune enrollment error codes.
    Enrollment,
    /// `windows-enrollment.tsv`: the HRESULTs of Windows enrollment faults (MS-MDE2, Learn).
    WindowsEnrollment,
}

impl Table {
    pub const ALL: [Table; 10] = [
        Table::SyncmlStatus,
        Table::AlertCodes,
        Table::WindowsOmaDm,
        Table::OmaResponse,
        Table::AppInstall,
        Table::CompanyResourceAccess,
        Table::IosCompanyPortal,
        Table::IosService,
        Table::Enrollment,
        Table::WindowsEnrollment,
    ];

    pub fn file_name(self) -> &'static str {
        match self {
            Table::SyncmlStatus => "syncml-status.tsv",
            Table::AlertCodes => "alert-codes.tsv",
            Table::WindowsOmaDm => "windows-oma-dm.tsv",
            Table::OmaResponse => "oma-response.tsv",
            Table::AppInstall => "app-install.tsv",
            Table::CompanyResourceAccess => "company-resource-access.tsv",
            Table::IosCompanyPortal => "ios-company-portal.tsv",
            Table::IosService => "ios-service.tsv",
            Table::Enrollment => "enrollment.tsv",
            Table::WindowsEnrollment => "windows-enrollment.tsv",
        }
    }

    /// What the table is, in a few words, for people.
    pub fn title(self) -> &'static str {
        match self {
            Table::SyncmlStatus => "OMA DM status codes (RepPro, in short)",
            Table::AlertCodes => "OMA DM alert codes (RepPro §7)",
            Table::WindowsOmaDm => "Windows \"OMA DM protocol support\" page, German version",
            Table::OmaResponse => "Intune OMA response codes",
            Table::AppInstall => "Windows app-install states (Intune)",
            Table::CompanyResourceAccess => "Intune company resource access errors",
            Table::IosCompanyPortal => "iOS/iPadOS Company Portal errors (Intune)",
            Table::IosService => "iOS/iPadOS service errors (Intune)",
            Table::Enrollment => "Intune enrollment errors",
            Table::WindowsEnrollment => "Windows enrollment errors (MS-MDE2, Learn)",
        }
    }

    /// The text of the file as built into the crate.
    pub fn builtin_text(self) -> &'static str {
        match self {
            Table::SyncmlStatus => include_str!("../../catalog/syncml-status.tsv"),
            Table::AlertCodes => include_str!("../../catalog/alert-codes.tsv"),
            Table::WindowsOmaDm => include_str!("../../catalog/windows-oma-dm.tsv"),
            Table::OmaResponse => include_str!("../../catalog/oma-response.tsv"),
            Table::AppInstall => include_str!("../../catalog/app-install.tsv"),
            Table::CompanyResourceAccess => {
                include_str!("../../catalog/company-resource-access.tsv")
            }
            Table::IosCompanyPortal => include_str!("../../catalog/ios-company-portal.tsv"),
            Table::IosService => include_str!("../../catalog/ios-service.tsv"),
            Table::Enrollment => include_str!("../../catalog/enrollment.tsv"),
            Table::WindowsEnrollment => include_str!("../../catalog/windows-enrollment.tsv"),
        }
    }

    /// The tables whose rows are HRESULTs, read into [`HresultRow`]s.
    pub fn holds_hresults(self) -> bool {
        matches!(
            self,
            Table::OmaResponse | Table::CompanyResourceAccess | Table::IosService
        )
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.file_name())
    }
}

/// A row of a data file that could not be read: the file, the line and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogError {
    pub table: Table,
    /// 1-based line in the file; 0 when the problem is the file as a whole.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.table, self.line, self.message)
    }
}

impl std::error::Error for CatalogError {}

/// A SyncML status code (`syncml-status.tsv`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusInfo {
    pub code: u16,
    pub name: String,
    pub meaning: String,
    /// Whether Windows' own status table ("OMA DM protocol support") lists the code.
    pub listed_by_windows: bool,
    pub line: usize,
}

/// An OMA DM alert code, or a reserved range of them (`alert-codes.tsv`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlertInfo {
    /// The code, or the first code of the reserved range.
    pub first: u16,
    /// The code again, or the last code of the reserved range.
    pub last: u16,
    /// The specification's name (`NEXT MESSAGE`); `None` for a reserved range.
    pub name: Option<String>,
    pub meaning: String,
    /// Where the row comes from: a section of the project's protocol notes and
    /// the specification sections they cite.
    pub source: String,
    pub line: usize,
}

impl AlertInfo {
    /// Whether `code` is this row's code or in its range.
    pub fn covers(&self, code: u16) -> bool {
        (self.first..=self.last).contains(&code)
    }

    /// Whether the row is a reserved range rather than a named code.
    pub fn is_reserved(&self) -> bool {
        self.name.is_none()
    }
}

/// What a row of `windows-oma-dm.tsv` is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CodeKind {
    /// A SyncML status code.
    Status,
    /// An OMA DM alert code.
    Alert,
}

/// What Windows' "OMA DM protocol support" page says of a code, in one place of
/// the page (`windows-oma-dm.tsv`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WindowsText {
    pub kind: CodeKind,
    pub code: u16,
    /// The section of the page the words are in.
    pub section: String,
    /// The words as the German page prints them.
    pub german: String,
    /// The English rendering of `german`: a translation made for this catalog,
    /// not Microsoft's English text.
    pub english: String,
    /// What the rendering could not carry; empty when nothing.
    pub note: String,
    pub line: usize,
}

/// A row of one of the HRESULT tables (`oma-response.tsv`,
/// `company-resource-access.tsv`, `ios-service.tsv`), with its cells as printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HresultRow {
    pub table: Table,
    pub line: usize,
    /// The signed decimal: authoritative.
    pub decimal: i32,
    /// The hexadecimal cell as printed; may be empty or malformed.
    pub hex: String,
    /// The word printed before the code ("Syncml", "DCMO"); empty when none.
    pub name: String,
    /// The code printed with the message (a SyncML status, a DCMO code, an iOS error); `None` when none is printed.
    pub code: Option<u32>,
    pub description: String,
}

impl HresultRow {
    /// The HRESULT, from the authoritative decimal.
    pub fn hresult(&self) -> u32 {
        hresult::from_signed(self.decimal)
    }

    /// The printed hexadecimal, when it reads as one.
    pub fn printed_hex(&self) -> Option<u32> {
        parse_prefixed_hex(&self.hex)
    }

    /// The row's code as the table labels it: `Syncml(418)`, `DCMO(1200)`,
    /// `(1404)` in the OMA table, `code 5011` elsewhere, or nothing.
    pub fn label(&self) -> String {
        match (self.table, self.code) {
            (Table::OmaResponse, Some(code)) => format!("{}({code})", self.name),
            (_, Some(code)) => format!("code {code}"),
            (_, None) => self.name.clone(),
        }
    }
}

/// A Windows app-install state (`app-install.tsv`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppInstallState {
    /// `None` for the row the source prints as "No status".
    pub code: Option<u16>,
    pub symbol: String,
    pub message: String,
    /// "What to do"; empty when the source gives nothing.
    pub advice: String,
    pub line: usize,
}

/// An error the iOS/iPadOS Company Portal shows (`ios-company-portal.tsv`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortalError {
    /// `None` where the source says the error has no HTTP status code.
    pub http_status: Option<u16>,
    pub title: String,
    pub message: String,
    pub information: String,
    pub line: usize,
}

/// A row of the enrollment error table (`enrollment.tsv`): several codes may share it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnrollmentError {
    pub codes: Vec<u32>,
    pub problem: String,
    pub resolution: String,
    pub line: usize,
}

/// A row of the Windows enrollment error table (`windows-enrollment.tsv`): one code
/// as one source words it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WindowsEnrollmentError {
    pub code: u32,
    pub name: String,
    /// The SOAP fault Subcode or DeviceEnrollmentServiceError ErrorType it comes from.
    pub fault: String,
    pub meaning: String,
    /// The source key and section.
    pub source: String,
    pub line: usize,
}

/// The cells of one row, looked up by column name.
struct Cells<'t, 'a> {
    tsv: &'t Tsv<'a>,
    row: &'t TsvRow<'a>,
}

impl Cells<'_, '_> {
    fn text(&self, column: &str) -> Result<String, String> {
        let index = self.tsv.column(column).map_err(|error| error.message)?;
        Ok(self.row.cell(index).to_owned())
    }

    fn required(&self, column: &str) -> Result<String, String> {
        let text = self.text(column)?;
        if text.is_empty() {
            Err(format!("column {column:?} is empty"))
        } else {
            Ok(text)
        }
    }

    fn number<T: FromStr>(&self, column: &str) -> Result<T, String> {
        let text = self.text(column)?;
        text.parse()
            .map_err(|_| format!("column {column:?}: {text:?} is not a number in range"))
    }

    fn optional_number<T: FromStr>(&self, column: &str) -> Result<Option<T>, String> {
        if self.text(column)?.is_empty() {
            Ok(None)
        } else {
            self.number(column).map(Some)
        }
    }
}

/// Reads every row of `text` as table `table` with `read_row`.
fn read_rows<T>(
    table: Table,
    text: &str,
    read_row: impl Fn(&Cells<'_, '_>, usize) -> Result<T, String>,
) -> Result<Vec<T>, CatalogError> {
    let tsv = Tsv::parse(text).map_err(|error| CatalogError {
        table,
        line: error.line,
        message: error.message,
    })?;
    tsv.rows()
        .iter()
        .map(|row| {
            read_row(&Cells { tsv: &tsv, row }, row.line).map_err(|message| CatalogError {
                table,
                line: row.line,
                message,
            })
        })
        .collect()
}

pub(super) fn read_statuses(text: &str) -> Result<Vec<StatusInfo>, CatalogError> {
    read_rows(Table::SyncmlStatus, text, |cells, line| {
        let listed_by_windows = match cells.text("windows")?.as_str() {
            "yes" => true,
            "no" => false,
            other => {
                return Err(format!(
                    "column \"windows\": {other:?} is neither yes nor no"
                ));
            }
        };
        Ok(StatusInfo {
            code: cells.number("code")?,
            name: cells.required("name")?,
            meaning: cells.required("meaning")?,
            listed_by_windows,
            line,
        })
    })
}

pub(super) fn read_alerts(text: &str) -> Result<Vec<AlertInfo>, CatalogError> {
    let alerts = read_rows(Table::AlertCodes, text, |cells, line| {
        let (first, last): (u16, u16) = (cells.number("first")?, cells.number("last")?);
        let name = cells.text("name")?;
        let name = match (first == last, name.is_empty()) {
            (true, false) => Some(name),
            (false, true) => None,
            (true, true) => return Err(format!("alert {first} has no name")),
            (false, false) => {
                return Err(format!(
                    "the range {first}–{last} has a name; only a single code has one"
                ));
            }
        };
        if first > last {
            return Err(format!("the range {first}–{last} runs backwards"));
        }
        Ok(AlertInfo {
            first,
            last,
            name,
            meaning: cells.required("meaning")?,
            source: cells.required("source")?,
            line,
        })
    })?;
    for pair in alerts.windows(2) {
        if pair[1].first <= pair[0].last {
            return Err(CatalogError {
                table: Table::AlertCodes,
                line: pair[1].line,
                message: format!(
                    "{} does not come after the row of line {}, which ends at {}",
                    pair[1].first, pair[0].line, pair[0].last
                ),
            });
        }
    }
    Ok(alerts)
}

pub(super) fn read_windows_texts(text: &str) -> Result<Vec<WindowsText>, CatalogError> {
    read_rows(Table::WindowsOmaDm, text, |cells, line| {
        let kind = match cells.text("kind")?.as_str() {
            "status" => CodeKind::Status,
            "alert" => CodeKind::Alert,
            other => {
                return Err(format!(
                    "column \"kind\": {other:?} is neither status nor alert"
                ));
            }
        };
        Ok(WindowsText {
            kind,
            code: cells.number("code")?,
            section: cells.required("section")?,
            german: cells.required("german")?,
            english: cells.required("english")?,
            note: cells.text("note")?,
            line,
        })
    })
}

/// Reads an HRESULT table. The `name` and `code` columns are optional: a table
/// without them has neither.
pub(super) fn read_hresult_rows(table: Table, text: &str) -> Result<Vec<HresultRow>, CatalogError> {
    read_rows(table, text, |cells, line| {
        let has = |column: &str| cells.tsv.column(column).is_ok();
        Ok(HresultRow {
            table,
            line,
            decimal: cells.number("decimal")?,
            hex: cells.text("hex")?,
            name: if has("name") {
                cells.text("name")?
            } else {
                String::new()
            },
            code: if has("code") {
                cells.optional_number("code")?
            } else {
                None
            },
            description: cells.text("description")?,
        })
    })
}

pub(super) fn read_app_install_states(text: &str) -> Result<Vec<AppInstallState>, CatalogError> {
    read_rows(Table::AppInstall, text, |cells, line| {
        Ok(AppInstallState {
            code: cells.optional_number("code")?,
            symbol: cells.required("symbol")?,
            message: cells.required("message")?,
            advice: cells.text("advice")?,
            line,
        })
    })
}

pub(super) fn read_portal_errors(text: &str) -> Result<Vec<PortalError>, CatalogError> {
    read_rows(Table::IosCompanyPortal, text, |cells, line| {
        Ok(PortalError {
            http_status: cells.optional_number("http_status")?,
            title: cells.required("title")?,
            message: cells.required("message")?,
            information: cells.text("information")?,
            line,
        })
    })
}

pub(super) fn read_enrollment_errors(text: &str) -> Result<Vec<EnrollmentError>, CatalogError> {
    read_rows(Table::Enrollment, text, |cells, line| {
        let codes = cells
            .required("codes")?
            .split(',')
            .map(|code| {
                parse_prefixed_hex(code.trim())
                    .ok_or_else(|| format!("column \"codes\": {code:?} is not a 0x code"))
            })
            .collect::<Result<Vec<u32>, String>>()?;
        Ok(EnrollmentError {
            codes,
            problem: cells.required("problem")?,
            resolution: cells.text("resolution")?,
            line,
        })
    })
}

pub(super) fn read_windows_enrollment_errors(
    text: &str,
) -> Result<Vec<WindowsEnrollmentError>, CatalogError> {
    read_rows(Table::WindowsEnrollment, text, |cells, line| {
        let hresult = cells.required("hresult")?;
        Ok(WindowsEnrollmentError {
            code: parse_prefixed_hex(&hresult)
                .ok_or_else(|| format!("column \"hresult\": {hresult:?} is not a 0x code"))?,
            name: cells.required("name")?,
            fault: cells.text("fault")?,
            meaning: cells.required("meaning")?,
            source: cells.required("source")?,
            line,
        })
    })
}
