//! Helpers shared by the integration tests.

use dmconform::{RunReport, Verdict};

/// Fails, naming the run and its findings, unless every case run passed.
pub fn assert_every_run_passes(report: &RunReport) {
    for r in &report.runs {
        assert_eq!(
            r.verdict,
            Verdict::Pass,
            "{} [{}]: {:#?}",
            r.id,
            r.encoding,
            r.findings
        );
    }
}
