//! `etablera import`: data from files, all or nothing, every bad line reported.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};
use etablera_domain::cofinancing::population::{LineError, parse_population_csv};
use etablera_domain::cofinancing::scb::{decode, parse_json_stat2, parse_scb_csv};
use etablera_store::cofinancing::population::{self, Source};
use etablera_store::reception::exchange::{self, ImportError};
use etablera_store::{Clock, Store};

use super::calc::InputError;
use super::terminal_actor;

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    /// Statistics Sweden's CSV from the Statistical Database (PxWeb), ISO-8859-1.
    ScbCsv,
    /// Statistics Sweden's json-stat2.
    JsonStat2,
    /// Our own CSV: code,name,population (needs --year).
    Csv,
}

#[derive(Subcommand)]
pub enum ImportCommand {
    /// Population per municipality for a year (31 December).
    Population {
        file: PathBuf,
        #[arg(long, value_enum)]
        format: Format,
        /// The year; required for our CSV, and for SCB files with several years.
        #[arg(long)]
        year: Option<i32>,
    },
    /// Households with persons, activities, declines, first contacts, housing and damages, in
    /// the format etablera-reception/1 (see docs/reception-format.md).
    Reception {
        file: PathBuf,
        /// The unit households belong to when the file names none.
        #[arg(long, default_value = DEFAULT_UNIT)]
        unit: String,
    },
}

/// The reception unit's name where nothing else is said (the demo's case workers belong to it).
pub const DEFAULT_UNIT: &str = "Mottagningsenheten";

fn refuse(file: &std::path::Path, errors: Vec<LineError>) -> anyhow::Error {
    let lines: Vec<String> =
        errors.iter().map(|e| if e.line > 0 { format!("  {e}") } else { format!("  {}", e.message) }).collect();
    InputError(format!("{} lästes inte in; inget sparades:\n{}", file.display(), lines.join("\n"))).into()
}

pub fn run(command: ImportCommand, store: &Store, clock: Clock) -> anyhow::Result<ExitCode> {
    let actor = terminal_actor(clock);
    match command {
        ImportCommand::Population { file, format, year } => {
            let bytes =
                std::fs::read(&file).map_err(|e| InputError(format!("kan inte läsa {}: {e}", file.display())))?;
            let (year, source, rows) = match format {
                Format::Csv => {
                    let year = year.ok_or_else(|| InputError("ange --year för en egen CSV".into()))?;
                    (year, Source::Csv, parse_population_csv(&decode(&bytes)).map_err(|e| refuse(&file, e))?)
                }
                Format::ScbCsv => parse_scb_csv(&bytes, year)
                    .map(|t| (t.year, Source::ScbCsv, t.rows))
                    .map_err(|e| refuse(&file, e))?,
                Format::JsonStat2 => parse_json_stat2(&bytes, year)
                    .map(|t| (t.year, Source::JsonStat2, t.rows))
                    .map_err(|e| refuse(&file, e))?,
            };
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
            let summary = store
                .with_conn(|conn| population::import(conn, &actor, year, source, name.as_deref(), &rows))
                .map_err(|e| match e {
                    etablera_store::StoreError::Invalid { message, .. } => InputError(message.swedish()).into(),
                    other => anyhow::Error::from(other),
                })?;
            println!(
                "Läste in folkmängd {} för {} kommuner ({} ersatte tidigare siffror).",
                summary.year, summary.rows, summary.replaced
            );
        }
        ImportCommand::Reception { file, unit } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| InputError(format!("kan inte läsa {}: {e}", file.display())))?;
            let imported =
                store.with_conn(|conn| Ok(exchange::import(conn, &actor, &text, &unit)))?.map_err(|e| match e {
                    ImportError::Invalid(errors) => {
                        let lines: Vec<String> = errors.iter().map(|e| format!("  {e}")).collect();
                        InputError(format!("{} lästes inte in; inget sparades:\n{}", file.display(), lines.join("\n")))
                            .into()
                    }
                    ImportError::Store(e) => anyhow::Error::from(e),
                })?;
            println!(
                "Läste in {} hushåll med {} personer, {} aktiviteter, {} tackat nej och {} bostadsskador.",
                imported.households, imported.persons, imported.activities, imported.declines, imported.damages
            );
            if imported.namesakes_total > 0 {
                // References only: the operator opens the households to compare the persons.
                println!(
                    "Obs: {} personer i filen har samma namn och födelsedatum som någon som redan var registrerad i \
                     kommunen, och inget nummer skiljer dem åt. De är inlästa; kontrollera att det inte är samma \
                     person:",
                    imported.namesakes_total
                );
                for n in &imported.namesakes {
                    println!(
                        "  hushåll {}, person {}: som en person i hushåll {}",
                        n.household, n.person, n.registered_household
                    );
                }
                if imported.namesakes.len() == etablera_store::reception::exchange::NAMESAKES_SHOWN {
                    println!("  … och fler: de första {} visas.", imported.namesakes.len());
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
