//! `etablera export`: data to files, in the formats `etablera import` reads back.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use etablera_domain::municipality::MunicipalityCode;
use etablera_store::Store;
use etablera_store::reception::exchange;

use super::terminal_actor;

#[derive(Subcommand)]
pub enum ExportCommand {
    /// A municipality's households in the format etablera-reception/1. The file holds personal
    /// data: keep it as the case files are kept. The export is in the access log.
    Reception {
        #[arg(long)]
        municipality: MunicipalityCode,
        /// Write to this file instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

pub fn run(command: ExportCommand, store: &Store) -> anyhow::Result<ExitCode> {
    match command {
        ExportCommand::Reception { municipality, output } => {
            let file = store.with_conn(|conn| exchange::export(conn, &terminal_actor(), municipality.as_str()))?;
            let mut text = serde_json::to_string_pretty(&file)?;
            text.push('\n');
            match output {
                Some(path) => {
                    std::fs::write(&path, text)?;
                    eprintln!("Skrev {} hushåll till {}.", file.households.len(), path.display());
                }
                None => std::io::stdout().write_all(text.as_bytes())?,
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
