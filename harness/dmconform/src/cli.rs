//! The shape of the command line: the top-level options and one variant per
//! subcommand. Each subcommand's arguments and work live in `cmd/<name>.rs`.

use clap::{Parser, Subcommand};

use crate::cmd;

/// Conformance test harness for OMA DM 1.2 (SyncML DM) clients and servers, Windows MDM first.
#[derive(Debug, Parser)]
#[command(name = "dmconform", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the conformance suite against a target and report the verdicts.
    Run(cmd::run::RunArgs),
    /// Be the DM server a real client or device posts to over HTTP(S), run the suite, report.
    Serve(cmd::serve::ServeArgs),
    /// Tell what a SyncML status, an HRESULT or an Intune error code means.
    Explain(cmd::explain::ExplainArgs),
    /// Convert SyncML between XML and WBXML (a file or a folder).
    Convert(cmd::convert::ConvertArgs),
    /// List, check and measure the coverage of the spec files (requirements and cases).
    Specs {
        #[command(subcommand)]
        command: cmd::specs::SpecsCommand,
    },
}

/// Parses the arguments and runs the subcommand.
pub fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Run(args) => cmd::run::run(args),
        Command::Serve(args) => cmd::serve::run(args),
        Command::Explain(args) => cmd::explain::run(&args),
        Command::Convert(args) => cmd::convert::run(args),
        Command::Specs { command } => cmd::specs::run(command),
    }
}
