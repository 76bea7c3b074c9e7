//! mobileid-kit: distribution kits and a trusted ID ledger for BALTECH Mobile ID
//! self-service projects. `main.rs` is a thin shell over [`run`].
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod budget;
pub mod cli;
pub mod commands;
pub mod date;
pub mod diag;
pub mod error;
pub mod fuzz;
pub mod html;
pub mod input;
pub mod instructions;
pub mod kit;
pub mod layout;
pub mod ledger;
pub mod lock;
pub mod parallel;
pub mod photo;
pub mod progress;
pub mod project;
pub mod qr;
pub mod reach;
pub mod report;
pub mod serve;
pub mod text;
pub mod theme;
pub mod verify;

pub use error::{Error, Result};

use cli::{Cli, Command, Format};
use diag::Diagnostic;

/// What a command hands back to be printed: its diagnostics (warnings, or the errors that
/// made it fail), a text report and a JSON report.
#[derive(Debug, Default)]
pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
    pub text: String,
    pub json: serde_json::Value,
    /// `--deny-warnings` was given.
    pub deny_warnings: bool,
    /// Something checked failed though no input was malformed (e.g. `verify`): exit 1.
    pub failed: bool,
}

/// Runs a command, prints its outcome and returns the exit code.
pub fn run(cli: Cli) -> i32 {
    let format = cli.global.format;
    let quiet = cli.global.quiet;
    if matches!(format, Format::Csv | Format::Html) && !cli.command.prints_report() {
        eprintln!("error: --format csv and --format html are only for `status`");
        return 2;
    }
    let result = match cli.command {
        Command::Build(args) => {
            let bar = !quiet
                && format == Format::Text
                && std::io::IsTerminal::is_terminal(&std::io::stderr());
            commands::build::run(&args, bar)
        }
        Command::Check(args) => commands::check::run(&args),
        Command::Serve(args) => commands::serve::run(&args, quiet),
        Command::Status(args) => commands::status::run(&args, format),
        Command::Ledger(command) => commands::ledger::run(&command),
        Command::Init(args) => commands::init::run(&args),
        Command::Verify(args) => commands::verify::run(&args.dirs, args.photo),
    };
    match result {
        Ok(outcome) => {
            let failing = outcome.failed
                || outcome.diagnostics.iter().any(Diagnostic::is_error)
                || (outcome.deny_warnings && !outcome.diagnostics.is_empty());
            print_outcome(&outcome, format, quiet);
            i32::from(failing)
        }
        Err(Error::Invalid(diagnostics)) => {
            let outcome = Outcome {
                diagnostics,
                ..Outcome::default()
            };
            print_outcome(&outcome, format, quiet);
            1
        }
        Err(error) => {
            if format == Format::Json {
                println!(
                    "{}",
                    serde_json::json!({"error": error.to_string(), "exit": error.exit_code()})
                );
            } else {
                eprintln!("error: {error}");
            }
            error.exit_code()
        }
    }
}

fn print_outcome(outcome: &Outcome, format: Format, quiet: bool) {
    match format {
        Format::Json => {
            let json = diag::to_json(&outcome.diagnostics, outcome.json.clone());
            println!(
                "{}",
                serde_json::to_string_pretty(&json).unwrap_or_default()
            );
        }
        Format::Text | Format::Csv | Format::Html => {
            let mut err = String::new();
            for d in &outcome.diagnostics {
                if !quiet || d.is_error() {
                    err.push_str(&d.render_text());
                    err.push('\n');
                }
            }
            let (errors, warnings) = diag::summary(&outcome.diagnostics);
            if errors + warnings > 0 && !quiet {
                err.push_str(&format!("{errors} error(s), {warnings} warning(s)\n"));
            }
            eprint!("{err}");
            if !quiet || matches!(format, Format::Csv | Format::Html) {
                print!("{}", outcome.text);
            }
        }
    }
}
