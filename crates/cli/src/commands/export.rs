//! `etablera export`: data to files, in the formats `etablera import` reads back.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use etablera_domain::municipality::MunicipalityCode;
use etablera_store::reception::exchange;
use etablera_store::{Clock, Store};

use super::terminal_actor;

#[derive(Subcommand)]
pub enum ExportCommand {
    /// A municipality's households in the format etablera-reception/1. The file holds personal
    /// data: keep it as the case files are kept. The export is in the access log.
    Reception {
        #[arg(long, value_parser = super::args::municipality)]
        municipality: MunicipalityCode,
        /// Write to this file instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// A month's costs, claims and charges to the grant as SIE 4i vouchers (code page 437), on
    /// the accounts and cost centres set at /economy/sie. No personal data.
    Sie {
        #[arg(long, value_parser = super::args::municipality)]
        municipality: MunicipalityCode,
        /// The month, YYYY-MM.
        #[arg(long, value_parser = month, value_name = "YYYY-MM")]
        month: (chrono::NaiveDate, chrono::NaiveDate),
        /// Write to this file instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

fn month(text: &str) -> Result<(chrono::NaiveDate, chrono::NaiveDate), String> {
    etablera_domain::time::parse_month(text).ok_or_else(|| "skriv månaden som ÅÅÅÅ-MM, till exempel 2024-03".to_owned())
}

pub fn run(command: ExportCommand, store: &Store, clock: Clock) -> anyhow::Result<ExitCode> {
    let actor = terminal_actor(clock);
    match command {
        ExportCommand::Reception { municipality, output } => {
            let file = store.with_conn(|conn| exchange::export(conn, &actor, municipality.as_str()))?;
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
        ExportCommand::Sie { municipality, month: (first, last), output } => {
            use etablera_store::economy::accounting;
            let code = municipality.as_str();
            let (vouchers, settings) = store.with_conn(|conn| {
                Ok((accounting::month(conn, &actor, code, first, last), accounting::settings(conn, code)?))
            })?;
            let vouchers = vouchers.map_err(|e| match e {
                etablera_store::StoreError::Invalid { message, .. } => {
                    super::calc::InputError(message.swedish()).into()
                }
                other => anyhow::Error::from(other),
            })?;
            let count = vouchers.len();
            let company = format!("{} kommun", municipality.name());
            let year = chrono::Datelike::year(&first);
            let file = etablera_reports::sie::month_file(&company, actor.today(), year, &settings, vouchers);
            let bytes = etablera_reports::sie::sie4i(&file);
            match output {
                Some(path) => {
                    std::fs::write(&path, bytes)?;
                    eprintln!("Skrev {count} verifikationer till {}.", path.display());
                }
                None => std::io::stdout().write_all(&bytes)?,
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
