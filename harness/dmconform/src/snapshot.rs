//! The snapshot of a case run: the verdict and every status code the target
//! returned, each with its name and, for errors, the HRESULT administrators see
//! (SyncML 418 → 0x87D101A2). A change in behaviour, even inside an allowed
//! set, shows as a snapshot diff.

use crate::verdict::CaseRun;
use std::fmt::Write;

/// The snapshot text of one case run.
pub fn render(run: &CaseRun) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "case: {} [{}]", run.id, run.encoding);
    let _ = writeln!(out, "verdict: {}", run.verdict);
    for s in &run.statuses {
        let code = s.code.parse::<u16>().ok();
        let name = code
            .and_then(syncml::catalog::syncml_status)
            .map_or("(unknown code)".to_string(), |i| i.name.to_string());
        let hresult = match code {
            Some(c) if c >= 300 => {
                format!("  HRESULT 0x{:08X}", syncml::catalog::hresult_for_status(c))
            }
            _ => String::new(),
        };
        let cmd_ref = if s.cmd_ref.is_empty() {
            "(blank)"
        } else {
            s.cmd_ref.as_str()
        };
        let _ = writeln!(
            out,
            "step {} CmdRef {:<7} {:<9} {} {}{}",
            s.step, cmd_ref, s.cmd, s.code, name, hresult
        );
    }
    out
}
