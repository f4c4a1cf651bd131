//! `dmconform explain CODE...`: prints what each code means, from every table of
//! the catalog that knows it.
//!
//! Exit status: 0 when every code is known, 1 when some code is not known,
//! 2 when some argument is not a code at all (a usage error, as for clap's own).

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Args;
use syncml::catalog::{self, Explanation};

const EXAMPLES: &str = "\
Accepted forms:
  dmconform explain 418             a SyncML status code
  dmconform explain 0x87D101A2      an HRESULT in hexadecimal, any case
  dmconform explain 87d101a2        the same without 0x (it has a letter among its digits)
  dmconform explain -2016345694     an HRESULT as the signed decimal Intune shows
  dmconform explain 2278621602      an HRESULT as an unsigned decimal
  dmconform explain 0x80CF0437      an Intune enrollment error code
  dmconform explain InvalidSecurity the SOAP fault Subcode or DeviceEnrollmentServiceError
                                    ErrorType a Windows enrollment service sent: the HRESULT
                                    the device shows for it
  dmconform explain 60              a Windows app-install state (10 to 130)
  dmconform explain 1222            an OMA DM alert code (1100 to 1299)
  dmconform explain 500 12000 1200  an HTTP status, an iOS error, a DCMO code
  dmconform explain 418 0x80CF0437  several codes at once

A SyncML status n is reported by Windows and Intune as the HRESULT 0x87D10000 + n
(418 = 0x87D101A2 = -2016345694); both directions are shown. A number can match
several tables (1200 is an alert code and a DCMO code): the matches are shown
under what each says the code is, every one with the table and line it comes from.

Exit status: 0 when every code is known, 1 when some code is not known,
2 when an argument is not a code.";

#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct ExplainArgs {
    /// The codes to explain.
    #[arg(required = true, value_name = "CODE", allow_negative_numbers = true)]
    pub codes: Vec<String>,
}

/// The exit status for a run whose explanations are `explanations`.
fn exit_status(explanations: &[Explanation]) -> u8 {
    if explanations
        .iter()
        .any(|explanation| !explanation.is_valid())
    {
        2
    } else if explanations
        .iter()
        .any(|explanation| !explanation.is_known())
    {
        1
    } else {
        0
    }
}

pub fn run(args: &ExplainArgs) -> ExitCode {
    let explanations: Vec<Explanation> = args
        .codes
        .iter()
        .map(|code| catalog::explain(code))
        .collect();
    let mut stdout = io::stdout().lock();
    let mut stderr = io::stderr().lock();
    let (mut stdout_used, mut stderr_used) = (false, false);
    for explanation in &explanations {
        // Valid codes go to standard output, the rest to standard error; a blank
        // line separates the answers on each.
        let (stream, used): (&mut dyn Write, &mut bool) = if explanation.is_valid() {
            (&mut stdout, &mut stdout_used)
        } else {
            (&mut stderr, &mut stderr_used)
        };
        let separator = if *used { "\n" } else { "" };
        *used = true;
        let written = write!(stream, "{separator}{explanation}");
        if written.is_err() {
            // The reader went away (a closed pipe): nothing more can be said.
            return ExitCode::from(2);
        }
    }
    ExitCode::from(exit_status(&explanations))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status_for(codes: &[&str]) -> u8 {
        let explanations: Vec<Explanation> =
            codes.iter().map(|code| catalog::explain(code)).collect();
        exit_status(&explanations)
    }

    #[test]
    fn the_worst_answer_decides_the_exit_status() {
        assert_eq!(status_for(&["418", "0x80CF0437"]), 0);
        assert_eq!(status_for(&["418", "12345"]), 1);
        assert_eq!(status_for(&["418", "12345", "zzz"]), 2);
    }
}
