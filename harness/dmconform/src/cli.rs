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
    /// Tell what a SyncML status, an HRESULT or an Intune error code means.
    Explain(cmd::explain::ExplainArgs),
}
