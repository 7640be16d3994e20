//! wasmbench: parse the command line, run the command, exit with its documented code.

use std::process::ExitCode;

use clap::Parser;
use wasmbench::cli::{self, Cli, Command};
use wasmbench::commands;
use wasmbench::report::escape::terminal::Inert;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match &cli.command {
        Command::Run(args) => commands::run::run(args),
        Command::List(args) => commands::list::run(args),
        Command::Compare(args) => commands::compare::run(args),
        Command::Ab(args) => commands::ab::run(args),
        Command::Report(args) => commands::report::run(args),
        Command::Merge(args) => commands::merge::run(args),
        Command::Profile(args) => commands::profile::run(args),
        Command::History(command) => commands::history::run(command),
        Command::Export(args) => commands::export::run(args),
        Command::Cache(command) => commands::cache::run(command),
        Command::Fixture(args) => commands::fixture::run(args),
        Command::New(args) => commands::new::run(args),
        Command::Worker => return worker(),
    };
    // Whatever the run left in its temporary folders (a killed worker's database) goes now.
    wasmbench::scratch::finish();
    match outcome {
        Ok(code) => cli::code(code),
        Err(failure) => {
            // The message may quote plugin text (workload names, errors): shown inert.
            eprintln!("error: {}", Inert::text(&format!("{:#}", failure.error)));
            cli::code(failure.code)
        }
    }
}

/// A worker process: one execution's job from stdin, its events on stdout.
fn worker() -> ExitCode {
    match wasmbench::runner::serve_worker() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("wasmbench worker: {}", Inert::text(&format!("{error:#}")));
            cli::code(cli::exit::INPUT)
        }
    }
}
