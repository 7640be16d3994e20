//! wasmbench: parse the command line, run the command, exit with its documented code.

use std::process::ExitCode;

use clap::Parser;
use wasmbench::cli::{self, Cli, Command};
use wasmbench::commands;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match &cli.command {
        Command::Run(args) => commands::run::run(args),
        Command::List(args) => commands::list::run(args),
        Command::Compare(args) => commands::compare::run(args),
        Command::Ab(args) => commands::ab::run(args),
        Command::Report(args) => commands::report::run(args),
    };
    match outcome {
        Ok(code) => cli::code(code),
        Err(failure) => {
            eprintln!("error: {:#}", failure.error);
            cli::code(failure.code)
        }
    }
}
