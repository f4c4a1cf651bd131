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
    /// Run a whole profile against a target and write a certification bundle.
    Certify(cmd::certify::CertifyArgs),
    /// Check that no file of a certification bundle was edited.
    Verify(cmd::verify::VerifyArgs),
    /// Run the case runs of a certification bundle again and show what changed.
    Replay(cmd::replay::ReplayArgs),
    /// Keep a target profile's deviation entries in step with the suite.
    Expectations {
        #[command(subcommand)]
        command: cmd::expectations::ExpectationsCommand,
    },
    /// Compare the case runs of several implementations (JSON records or bundles).
    Compare(cmd::compare::CompareArgs),
    /// Fuzz a target with generated packages, well-formed and malformed, and keep what fails.
    Fuzz(cmd::fuzz::FuzzArgs),
    /// Load a DM server with a fleet of simulated Windows devices, every reply judged.
    Load(cmd::load::LoadArgs),
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
        Command::Certify(args) => cmd::certify::run(args),
        Command::Verify(args) => cmd::verify::run(&args),
        Command::Replay(args) => cmd::replay::run(args),
        Command::Expectations { command } => cmd::expectations::run(command),
        Command::Compare(args) => cmd::compare::run(&args),
        Command::Fuzz(args) => cmd::fuzz::run(args),
        Command::Load(args) => cmd::load::run(args),
    }
}
