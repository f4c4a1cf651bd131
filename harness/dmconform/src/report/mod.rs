//! Reports of a run: text for people at a terminal, JSON as the canonical
//! record, JUnit XML for CI systems, and for certification bundles a Markdown
//! summary and a self-contained HTML page.

pub mod coverage;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod page;
pub mod text;

use crate::run::RunReport;
use crate::spec::Suite;

/// The output formats of `dmconform run`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Junit,
    /// The Markdown summary of a certification bundle.
    Markdown,
    /// The self-contained HTML page of a certification bundle.
    Html,
}

/// Renders a report in a format.
pub fn render(format: Format, report: &RunReport, suite: &Suite) -> String {
    match format {
        Format::Text => text::render(report, suite),
        Format::Json => json::render(report, suite),
        Format::Junit => junit::render(report, suite),
        Format::Markdown => markdown::render(report, suite),
        Format::Html => html::render(report, suite),
    }
}

/// One more report of the same run, written to a file: `FORMAT=FILE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportFile {
    pub format: Format,
    pub path: std::path::PathBuf,
}

impl std::str::FromStr for ReportFile {
    type Err = String;

    fn from_str(s: &str) -> Result<ReportFile, String> {
        use clap::ValueEnum;
        let (format, path) = s
            .split_once('=')
            .ok_or_else(|| format!("{s:?}: expected FORMAT=FILE, e.g. junit=report.xml"))?;
        let format = Format::from_str(format, true).map_err(|_| {
            format!("{format:?} is not a report format (text, json, junit, markdown, html)")
        })?;
        if path.is_empty() {
            return Err(format!("{s:?}: the file name is missing"));
        }
        Ok(ReportFile {
            format,
            path: path.into(),
        })
    }
}
