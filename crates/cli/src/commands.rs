//! The subcommands, one module each.

mod audit;
mod backup;
pub mod calc;
mod cull;
mod demo;
mod export;
mod import;
mod report;
mod serve;
mod user;

use std::process::ExitCode;

use clap::Subcommand;
use etablera_store::access::Actor;
use etablera_store::{Clock, Store};

use crate::config::Settings;

/// Arguments read by the domain's rules, refused in the words of the domain (in Swedish, the
/// command line's language).
mod args {
    use etablera_domain::access::{Permission, Role};
    use etablera_domain::agreements::Period;
    use etablera_domain::cofinancing::Percent;
    use etablera_domain::municipality::MunicipalityCode;

    pub fn municipality(text: &str) -> Result<MunicipalityCode, String> {
        text.parse().map_err(|e: etablera_domain::municipality::MunicipalityCodeError| e.text().swedish())
    }

    pub fn role(text: &str) -> Result<Role, String> {
        Role::parse(text).map_err(|e| e.text().swedish())
    }

    pub fn permission(text: &str) -> Result<Permission, String> {
        Permission::personal(text).map_err(|e| e.text().swedish())
    }

    pub fn period(text: &str) -> Result<Period, String> {
        text.parse().map_err(|e: etablera_domain::agreements::PeriodError| e.text().swedish())
    }

    pub fn percent(text: &str) -> Result<Percent, String> {
        text.parse().map_err(|e: etablera_domain::cofinancing::cost::PercentError| e.text().swedish())
    }
}

#[derive(Subcommand)]
pub enum Command {
    /// Serve the web interface and the API.
    Serve(serve::ServeArgs),
    /// Bring the database schema up to date (also done when the server starts).
    Migrate,
    /// Fill an empty database with demo users, one per role, and demo data.
    Demo(demo::DemoArgs),
    /// Manage user accounts.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Import data from files (all or nothing).
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Export data to files.
    #[command(subcommand)]
    Export(export::ExportCommand),
    /// Check and export the access log.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Calculations: cost, apportionment, checking a table, termination, vacancy, reimbursable.
    #[command(subcommand)]
    Calc(calc::CalcCommand),
    /// The committee's reports from the casework.
    #[command(subcommand)]
    Report(report::ReportCommand),
    /// Back the database up (SQLite: an online copy; PostgreSQL: the pg_dump command to run).
    Backup(backup::BackupArgs),
    /// Cull (gallra) the records due under the retention rule; --dry-run lists them.
    Cull(cull::CullArgs),
}

impl Command {
    /// Demo runs use a database of their own unless told otherwise.
    pub fn wants_demo(&self) -> bool {
        matches!(self, Command::Demo(_)) || matches!(self, Command::Serve(args) if args.demo())
    }
}

pub fn run(command: Command, settings: Settings) -> anyhow::Result<ExitCode> {
    if let Some(date) = settings.today {
        println!("DEMO – dagens datum är satt till {date} (--today); tiden går vidare därifrån.");
    }
    match command {
        Command::Serve(args) => serve::run(args, settings),
        Command::Migrate => {
            let store = Store::open_without_migrating(&settings.database)?;
            let applied = store.migrate()?;
            if applied.is_empty() {
                println!("Databasen {} är redan uppdaterad.", settings.database);
            } else {
                println!("Körde {} migrering(ar) i {}: {}", applied.len(), settings.database, applied.join(", "));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo(args) => {
            let store = Store::open(&settings.database)?;
            demo::run(&store, settings.clock, &args)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::User(command) => user::run(command, &Store::open(&settings.database)?, settings.clock),
        Command::Audit(command) => audit::run(command, &settings),
        Command::Import(command) => import::run(command, &Store::open(&settings.database)?, settings.clock),
        Command::Export(command) => export::run(command, &Store::open(&settings.database)?, settings.clock),
        Command::Report(command) => report::run(command, &Store::open(&settings.database)?, &settings),
        Command::Backup(args) => backup::run(args, &settings.database),
        Command::Calc(command) => calc::run(command, &settings.database),
        Command::Cull(args) => cull::run(args, &settings),
    }
}

/// The person at the terminal, for the access log: no account, but the operating-system user;
/// acting now, by the command's clock.
pub fn terminal_actor(clock: Clock) -> Actor {
    let os_user = std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_else(|_| "okänd".into());
    Actor { request_id: Some(format!("cli:{os_user}")), ..Actor::command_line(clock.now()) }
}
