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
}

/// Renders a report in a format.
pub fn render(format: Format, report: &RunReport, suite: &Suite) -> String {
    match format {
        Format::Text => text::render(report, suite),
        Format::Json => json::render(report, suite),
        Format::Junit => junit::render(report, suite),
    }
}
