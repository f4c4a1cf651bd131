//! `dmconform compare`: the case runs of several JSON records (or bundles)
//! side by side, rows that agree everywhere folded, as text or HTML.

use crate::compare::{Matrix, names};
use clap::{Args, ValueEnum};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The output formats of `dmconform compare`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CompareFormat {
    Text,
    Html,
}

/// Options of `dmconform compare`.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  dmconform compare a/report.json b/report.json
  dmconform compare cert-a/ cert-b/ --format html -o compare.html")]
pub struct CompareArgs {
    /// JSON records (`dmconform run --format json`, or a bundle's report.json) or bundle folders.
    #[arg(required = true, num_args = 2..)]
    pub records: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CompareFormat::Text)]
    pub format: CompareFormat,
    /// Write to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Runs `dmconform compare`.
pub fn run(args: &CompareArgs) -> ExitCode {
    match execute(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dmconform compare: {e}");
            ExitCode::from(2)
        }
    }
}

fn execute(args: &CompareArgs) -> Result<(), String> {
    let records = args
        .records
        .iter()
        .map(|p| read(p))
        .collect::<Result<Vec<_>, _>>()?;
    let named: Vec<(String, Value)> = names(&records).into_iter().zip(records).collect();
    let matrix = Matrix::of(&named);
    let text = match args.format {
        CompareFormat::Text => crate::compare::text::render(&matrix),
        CompareFormat::Html => crate::compare::html::render(&matrix),
    };
    match &args.output {
        Some(path) => {
            std::fs::write(path, &text).map_err(|e| format!("cannot write {}: {e}", path.display()))
        }
        None => {
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            Ok(())
        }
    }
}

/// A record from a JSON file or a bundle folder.
fn read(path: &Path) -> Result<Value, String> {
    if path.is_dir() {
        return crate::bundle::read_record(path);
    }
    let bytes = crate::bundle::read_file(path)?;
    serde_json::from_slice(&bytes).map_err(|e| format!("{}: not JSON: {e}", path.display()))
}
