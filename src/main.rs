//! The `vouch` binary: parse the command line, run, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = vouch::cli::Cli::parse();
    vouch::app::run(cli)
}
