//! `etablera`: serve the web interface and API, and run the administrator's commands.

mod commands;
mod config;

use std::process::ExitCode;

use clap::Parser;

use crate::commands::Command;
use crate::config::Options;

/// Etablera – mottagning och etablering av nyanlända, och kommunernas samfinansiering.
///
/// Start with demo data: `etablera serve --demo`, then open http://127.0.0.1:8080.
#[derive(Parser)]
#[command(name = "etablera", version, propagate_version = true, max_term_width = 100)]
struct Cli {
    #[command(flatten)]
    options: Options,
    #[command(subcommand)]
    command: Command,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("ETABLERA_LOG").unwrap_or_else(|_| "info".into()))
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .init();
    let settings = match cli.options.resolve(&cli.command) {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("fel: {e:#}");
            return ExitCode::from(2);
        }
    };
    match commands::run(cli.command, settings) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("fel: {e:#}");
            if e.downcast_ref::<commands::calc::InputError>().is_some() { ExitCode::from(2) } else { ExitCode::FAILURE }
        }
    }
}
