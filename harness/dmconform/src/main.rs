//! The `dmconform` command line: reads the arguments and runs the subcommand.

mod cli;
mod cmd;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Explain(args) => cmd::explain::run(&args),
    }
}
