//! `etablera report`: the committee's reports from the casework, on the same definitions and
//! documents as the pages. No file names a person; the public version hides small counts.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};
use etablera_domain::municipality::MunicipalityCode;
use etablera_domain::reporting::monthly::{Month, json};
use etablera_store::Store;
use etablera_store::reporting::monthly;
use etablera_web::reporting::document::{Counts, csv_table, document};
use etablera_web::{Locale, Tr};

use super::calc::InputError;
use super::terminal_actor;
use crate::config::{self, Settings};

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Json,
    /// For programs: commas, the figures' codes (the report contract).
    Csv,
    /// For people with Swedish Excel: semicolons, Swedish headings, a byte-order mark.
    CsvSv,
    Xlsx,
    Pdf,
}

#[derive(Subcommand)]
pub enum ReportCommand {
    /// The monthly report to the committee for a municipality and a calendar month, counted from
    /// the casework as it stands. Exact counts unless --public.
    Monthly {
        #[arg(long, value_parser = super::args::municipality)]
        municipality: MunicipalityCode,
        /// The month, YYYY-MM.
        #[arg(long, value_parser = month, value_name = "YYYY-MM")]
        month: Month,
        #[arg(long, value_enum, default_value = "json")]
        format: Format,
        /// The committee's version: counts from 1 to one below the threshold shown as "<3".
        #[arg(long)]
        public: bool,
        /// The public version's threshold (default 3, or report_threshold in the settings file).
        #[arg(long, env = "ETABLERA_REPORT_THRESHOLD")]
        threshold: Option<u32>,
        /// Whether weekends count in the two days for the first contact: calendar or working.
        #[arg(long, env = "ETABLERA_FIRST_CONTACT_DAYS")]
        first_contact_days: Option<String>,
        /// Write to this file instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

fn month(text: &str) -> Result<Month, String> {
    Month::parse(text).ok_or_else(|| "skriv månaden som ÅÅÅÅ-MM, till exempel 2024-05".to_owned())
}

pub fn run(command: ReportCommand, store: &Store, settings: &Settings) -> anyhow::Result<ExitCode> {
    let ReportCommand::Monthly { municipality, month, format, public, threshold, first_contact_days, output } = command;
    let threshold = config::report_threshold(&settings.file, threshold).map_err(|e| InputError(e.to_string()))?;
    let days = config::first_contact_days(&settings.file, first_contact_days).map_err(|e| InputError(e.to_string()))?;
    let actor = terminal_actor(settings.clock);
    let today = actor.today();
    if month.first > today {
        return Err(InputError(format!("{} har inte börjat; välj en månad som har börjat.", month.code())).into());
    }
    let code = municipality.as_str();
    let report = store.with_conn(|conn| {
        let report = monthly::live(conn, code, month, today, days)?;
        monthly::log_export(conn, &actor, code, month)?;
        Ok(report)
    })?;
    let counts = if public { Counts::Public { threshold } } else { Counts::Exact };
    let t = Tr::new(Locale::Sv);
    let figures = report.figures();
    let bytes = match format {
        Format::Json => {
            let mut text = serde_json::to_string_pretty(&json(code, &report.counts, public.then_some(threshold)))?;
            text.push('\n');
            text.into_bytes()
        }
        Format::Csv => etablera_reports::table::csv(&csv_table(&t, &figures, counts))?,
        Format::CsvSv | Format::Xlsx | Format::Pdf => {
            let (heading, table) = document(&t, code, month, &figures, report.follow_up.measured_on, counts, None);
            match format {
                Format::CsvSv => etablera_reports::table::csv_swedish(&table)?,
                Format::Xlsx => etablera_reports::table::xlsx("Månadsrapport", &heading, &table)?,
                _ => etablera_reports::table::pdf(&heading, &table, &format!("Etablera · {}", heading.title))?,
            }
        }
    };
    match output {
        Some(path) => {
            std::fs::write(&path, &bytes)?;
            eprintln!("Skrev månadsrapporten för {} {} till {}.", code, month.code(), path.display());
        }
        None => std::io::stdout().write_all(&bytes)?,
    }
    Ok(ExitCode::SUCCESS)
}
