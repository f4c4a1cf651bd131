//! One [`Match`] per kind of catalog row: what a row says the code is (its
//! [`Subject`]), in the row's own words, with its source and origin.

use super::{Match, Origin, Subject};
use crate::catalog::Catalog;
use crate::catalog::hresult::{format_hex, offset_above_base, oma_code_offset};
use crate::catalog::tables::{
    AlertInfo, AppInstallState, CodeKind, EnrollmentError, HresultRow, PortalError, StatusInfo,
    Table, WindowsEnrollmentError, WindowsText,
};

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

pub(super) fn windows_match(catalog: &Catalog, text: &WindowsText, origin: Origin) -> Match {
    let subject = match text.kind {
        CodeKind::Status => Subject::SyncmlStatus {
            code: text.code,
            name: catalog
                .syncml_status(text.code)
                .map(|status| status.name.clone()),
        },
        CodeKind::Alert => Subject::Alert {
            code: text.code,
            name: catalog
                .alert(text.code)
                .and_then(|alert| alert.name.clone()),
            range: catalog
                .alert(text.code)
                .map_or((text.code, text.code), |alert| (alert.first, alert.last)),
        },
    };
    Match {
        subject,
        table: Table::WindowsOmaDm,
        line: text.line,
        origin,
        key: text.code.to_string(),
        title: format!("section \"{}\"", text.section),
        text: text.german.clone(),
        resolution: None,
        source: None,
        translation: Some(text.english.clone()),
        notes: non_empty(&text.note).into_iter().collect(),
    }
}

pub(super) fn alert_match(alert: &AlertInfo, code: u16) -> Match {
    let key = if alert.first == alert.last {
        alert.first.to_string()
    } else {
        format!("{}–{}", alert.first, alert.last)
    };
    Match {
        subject: Subject::Alert {
            code,
            name: alert.name.clone(),
            range: (alert.first, alert.last),
        },
        table: Table::AlertCodes,
        line: alert.line,
        origin: Origin::Table,
        key,
        title: alert.name.clone().unwrap_or_else(|| "reserved".to_owned()),
        text: alert.meaning.clone(),
        resolution: None,
        source: Some(alert.source.clone()),
        translation: None,
        notes: Vec::new(),
    }
}

/// What an HRESULT row stands for: the SyncML status its decimal gives by rule
/// (for a row of the OMA table printed as a SyncML one, or with neither name nor
/// code), else its printed code, else the HRESULT itself.
pub(super) fn hresult_subject(catalog: &Catalog, row: &HresultRow) -> Subject {
    let syncml_row = row.name == "Syncml" || (row.name.is_empty() && row.code.is_none());
    let status = catalog
        .status_for_hresult(row.hresult())
        .filter(|_| row.table == Table::OmaResponse && syncml_row);
    match (status, row.table, row.code) {
        (Some(code), _, _) => Subject::SyncmlStatus {
            code,
            name: catalog
                .syncml_status(code)
                .map(|status| status.name.clone()),
        },
        (None, Table::OmaResponse, Some(code)) => Subject::OmaResponseCode {
            name: row.name.clone(),
            code,
        },
        (None, Table::IosService, Some(code)) => Subject::IosServiceError(code),
        _ => Subject::Hresult(row.hresult()),
    }
}

pub(super) fn status_match(status: &StatusInfo, origin: Origin) -> Match {
    let windows = if status.listed_by_windows {
        "Windows lists it in its own status table."
    } else {
        "Windows' own status table does not list it."
    };
    Match {
        subject: Subject::SyncmlStatus {
            code: status.code,
            name: Some(status.name.clone()),
        },
        table: Table::SyncmlStatus,
        line: status.line,
        origin,
        key: status.code.to_string(),
        title: status.name.clone(),
        text: status.meaning.clone(),
        resolution: None,
        source: None,
        translation: None,
        notes: vec![windows.to_owned()],
    }
}

pub(super) fn hresult_match(catalog: &Catalog, row: &HresultRow, origin: Origin) -> Match {
    let hex = if row.hex.is_empty() {
        "(no hex printed)"
    } else {
        row.hex.as_str()
    };
    let mut notes: Vec<String> = catalog
        .inconsistencies_of(row.table, row.line)
        .into_iter()
        .map(|inconsistency| format!("{}: {}", inconsistency.kind, inconsistency.detail))
        .collect();
    let placed = row
        .code
        .filter(|_| row.table == Table::OmaResponse)
        .and_then(|code| Some((code, oma_code_offset(code)?)))
        .filter(|&(_, offset)| offset_above_base(row.hresult()) == Some(offset));
    if let Some((code, offset)) = placed {
        notes.push(format!(
            "the HRESULT is 0x87D10000 + {offset}, not + {code}: Intune's table puts its \
             DCMO and certificate codes 12xx at 0x87D10000 + 2000 + xx and 14xx at + 2100 + xx"
        ));
    }
    Match {
        subject: hresult_subject(catalog, row),
        table: row.table,
        line: row.line,
        origin,
        key: format!("{} {hex}", row.decimal),
        title: row.label(),
        text: non_empty(&row.description).unwrap_or_else(|| "(no message printed)".to_owned()),
        resolution: None,
        source: None,
        translation: None,
        notes,
    }
}

pub(super) fn app_install_match(state: &AppInstallState) -> Match {
    Match {
        subject: Subject::AppInstallState(state.code),
        table: Table::AppInstall,
        line: state.line,
        origin: Origin::Table,
        key: state
            .code
            .map_or("no status".to_owned(), |code| code.to_string()),
        title: state.symbol.clone(),
        text: state.message.clone(),
        resolution: non_empty(&state.advice),
        source: None,
        translation: None,
        notes: Vec::new(),
    }
}

pub(super) fn portal_match(error: &PortalError) -> Match {
    Match {
        subject: Subject::PortalError(error.http_status),
        table: Table::IosCompanyPortal,
        line: error.line,
        origin: Origin::Table,
        key: error
            .http_status
            .map_or("no HTTP status".to_owned(), |status| {
                format!("HTTP {status}")
            }),
        title: error.title.clone(),
        text: error.message.clone(),
        resolution: None,
        source: None,
        translation: None,
        notes: non_empty(&error.information).into_iter().collect(),
    }
}

pub(super) fn enrollment_match(error: &EnrollmentError) -> Match {
    let codes: Vec<String> = error.codes.iter().map(|&code| format_hex(code)).collect();
    Match {
        subject: Subject::EnrollmentError(error.codes.clone()),
        table: Table::Enrollment,
        line: error.line,
        origin: Origin::Table,
        key: codes.join(", "),
        title: String::new(),
        text: error.problem.clone(),
        resolution: non_empty(&error.resolution),
        source: None,
        translation: None,
        notes: Vec::new(),
    }
}

pub(super) fn windows_enrollment_match(error: &WindowsEnrollmentError) -> Match {
    Match {
        subject: Subject::WindowsEnrollmentError(error.code),
        table: Table::WindowsEnrollment,
        line: error.line,
        origin: Origin::Table,
        key: format_hex(error.code),
        title: error.name.clone(),
        text: error.meaning.clone(),
        resolution: None,
        source: Some(error.source.clone()),
        translation: None,
        notes: non_empty(&error.fault)
            .map(|fault| format!("sent by the service as {fault}"))
            .into_iter()
            .collect(),
    }
}
