//! The status and error-code catalog: SyncML status codes, OMA DM alert codes,
//! what Windows' own OMA DM page says of them, and the codes Windows and Intune
//! report around them, with the one rule that maps a SyncML status to its
//! HRESULT ([`hresult_for_status`]).
//!
//! The tables are data files under `harness/syncml/catalog/`, built into the crate
//! and read once. Each names its source and licence in its leading comment.
//! [`explain`] tells what a code means, from every table that knows it;
//! [`inconsistencies`] lists where the source tables contradict themselves.

mod explain;
mod hresult;
mod inconsistency;
mod mapping;
mod query;
mod tables;
mod tsv;

use std::sync::OnceLock;

pub use explain::{
    Explanation, Findings, Match, NoMapping, Origin, Outcome, Search, StatusMapping, Subject,
};
pub use hresult::{SYNCML_HRESULT_BASE, format_hex, signed};
pub use inconsistency::{Inconsistency, InconsistencyKind};
pub use mapping::{
    hresult_for_status, hresult_for_status_data, read_status_code, status_for_hresult,
};
pub use query::{QueryError, Reading, read_query};
pub use tables::{
    AlertInfo, AppInstallState, CatalogError, CodeKind, EnrollmentError, HresultRow, PortalError,
    StatusInfo, Table, WindowsEnrollmentError, WindowsText,
};

/// All tables, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Catalog {
    statuses: Vec<StatusInfo>,
    alerts: Vec<AlertInfo>,
    windows_texts: Vec<WindowsText>,
    hresult_rows: Vec<HresultRow>,
    app_install_states: Vec<AppInstallState>,
    portal_errors: Vec<PortalError>,
    enrollment_errors: Vec<EnrollmentError>,
    windows_enrollment_errors: Vec<WindowsEnrollmentError>,
}

impl Catalog {
    /// The catalog built into the crate.
    pub fn builtin() -> &'static Catalog {
        static BUILTIN: OnceLock<Catalog> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            Catalog::from_texts(Table::builtin_text)
                .expect("the built-in tables are checked by the crate's tests")
        })
    }

    /// Reads a catalog from the text of each table, as `text_of` gives it.
    pub fn from_texts<'t>(text_of: impl Fn(Table) -> &'t str) -> Result<Catalog, CatalogError> {
        let mut hresult_rows = Vec::new();
        for table in Table::ALL
            .into_iter()
            .filter(|table| table.holds_hresults())
        {
            hresult_rows.extend(tables::read_hresult_rows(table, text_of(table))?);
        }
        Ok(Catalog {
            statuses: tables::read_statuses(text_of(Table::SyncmlStatus))?,
            alerts: tables::read_alerts(text_of(Table::AlertCodes))?,
            windows_texts: tables::read_windows_texts(text_of(Table::WindowsOmaDm))?,
            hresult_rows,
            app_install_states: tables::read_app_install_states(text_of(Table::AppInstall))?,
            portal_errors: tables::read_portal_errors(text_of(Table::IosCompanyPortal))?,
            enrollment_errors: tables::read_enrollment_errors(text_of(Table::Enrollment))?,
            windows_enrollment_errors: tables::read_windows_enrollment_errors(text_of(
                Table::WindowsEnrollment,
            ))?,
        })
    }

    /// The SyncML status `code`, if it is an assigned one.
    pub fn syncml_status(&self, code: u16) -> Option<&StatusInfo> {
        self.statuses.iter().find(|status| status.code == code)
    }

    pub fn statuses(&self) -> &[StatusInfo] {
        &self.statuses
    }

    /// The row of the alert table for `code`: its named code, or the reserved
    /// range it falls in; `None` for a number outside the table.
    pub fn alert(&self, code: u16) -> Option<&AlertInfo> {
        self.alerts.iter().find(|alert| alert.covers(code))
    }

    /// The alert table's rows, named codes and reserved ranges, in code order.
    pub fn alerts(&self) -> &[AlertInfo] {
        &self.alerts
    }

    /// What Windows' "OMA DM protocol support" page says of the codes it names.
    pub fn windows_texts(&self) -> &[WindowsText] {
        &self.windows_texts
    }

    /// What that page says of the status or alert code `code`, in page order.
    pub fn windows_texts_of(
        &self,
        kind: CodeKind,
        code: u16,
    ) -> impl Iterator<Item = &WindowsText> {
        self.windows_texts
            .iter()
            .filter(move |text| text.kind == kind && text.code == code)
    }

    /// The rows of the HRESULT tables (OMA response codes, company resource
    /// access, iOS service errors), in that order.
    pub fn hresult_rows(&self) -> &[HresultRow] {
        &self.hresult_rows
    }

    pub fn app_install_states(&self) -> &[AppInstallState] {
        &self.app_install_states
    }

    pub fn portal_errors(&self) -> &[PortalError] {
        &self.portal_errors
    }

    pub fn enrollment_errors(&self) -> &[EnrollmentError] {
        &self.enrollment_errors
    }

    /// The Windows enrollment errors, one row per code and source.
    pub fn windows_enrollment_errors(&self) -> &[WindowsEnrollmentError] {
        &self.windows_enrollment_errors
    }

    /// The error a Windows device shows for an enrollment fault whose Subcode (or
    /// DeviceEnrollmentServiceError ErrorType) has the local name `name`
    /// (`Authentication`; a prefix such as `s:` is ignored), matched exactly.
    pub fn windows_enrollment_fault(&self, name: &str) -> Option<&WindowsEnrollmentError> {
        let local = name.rsplit(':').next().unwrap_or(name).trim();
        if local.is_empty() {
            return None;
        }
        let subcode = format!("Subcode {local} ");
        let error_type = format!("ErrorType {local} ");
        self.windows_enrollment_errors
            .iter()
            .find(|e| e.fault.contains(&subcode) || e.fault.contains(&error_type))
    }
}

/// The SyncML status `code` from the built-in catalog, if it is an assigned one.
pub fn syncml_status(code: u16) -> Option<&'static StatusInfo> {
    Catalog::builtin().syncml_status(code)
}

/// The alert code `code` from the built-in catalog, when it is a named OMA DM
/// alert code (a reserved one is not).
pub fn alert_code(code: u16) -> Option<&'static AlertInfo> {
    Catalog::builtin()
        .alert(code)
        .filter(|alert| !alert.is_reserved())
}

/// The error a Windows device shows for an enrollment fault whose Subcode (or
/// DeviceEnrollmentServiceError ErrorType) has the local name `name`
/// (`Authentication`), from the built-in catalog.
pub fn windows_enrollment_fault(name: &str) -> Option<&'static WindowsEnrollmentError> {
    Catalog::builtin().windows_enrollment_fault(name)
}

/// Everything the built-in catalog knows about `query`; see [`Catalog::explain`].
pub fn explain(query: &str) -> Explanation {
    Catalog::builtin().explain(query)
}

/// Where the built-in tables contradict themselves; see [`Catalog::inconsistencies`].
pub fn inconsistencies() -> Vec<Inconsistency> {
    Catalog::builtin().inconsistencies()
}

#[cfg(test)]
mod tests;
