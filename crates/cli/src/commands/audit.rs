use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;
use clap::Subcommand;
use etablera_domain::time::start_of_local_day;
use etablera_reports::access::{LoggedAccess, access_log_csv};
use etablera_store::access::log::{self, Filter};
use etablera_store::access::users;
use etablera_store::{Clock, Store};

use super::terminal_actor;

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Check the access log's hash chain; exits 1 and names the first broken row if it is broken.
    Verify,
    /// Write the access log between two dates (Stockholm time, both included) as CSV.
    Export {
        /// First day, YYYY-MM-DD.
        #[arg(long)]
        from: NaiveDate,
        /// Last day, YYYY-MM-DD (included).
        #[arg(long)]
        to: NaiveDate,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

pub fn run(command: AuditCommand, store: &Store, clock: Clock) -> anyhow::Result<ExitCode> {
    match command {
        AuditCommand::Verify => {
            let verification = store.with_conn(log::verify)?;
            match verification.first_break {
                None => {
                    println!("Åtkomstloggen är hel: {} rader kontrollerade.", verification.rows_checked);
                    Ok(ExitCode::SUCCESS)
                }
                Some(b) => {
                    println!("Åtkomstloggen är bruten vid rad {}: {}.", b.row(), b.describe());
                    println!("{} rader före den är hela.", verification.rows_checked);
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        AuditCommand::Export { from, to, output } => {
            anyhow::ensure!(to >= from, "--to ({to}) är före --from ({from})");
            let filter = Filter {
                from: Some(start_of_local_day(from)),
                until: to.succ_opt().map(start_of_local_day),
                ..Filter::default()
            };
            let actor = terminal_actor(clock);
            let (rows, names) = store.with_conn(|conn| {
                let rows = log::export(conn, &actor, &filter)?;
                let mut ids: Vec<i32> = rows.iter().filter_map(|r| r.actor_user_id).collect();
                ids.sort_unstable();
                ids.dedup();
                let names = users::usernames(conn, &ids)?;
                Ok((rows, names))
            })?;
            let entries: Vec<_> = rows.iter().map(|r| r.entry()).collect();
            let logged: Vec<LoggedAccess<'_>> = entries
                .iter()
                .zip(&rows)
                .map(|(entry, row)| LoggedAccess {
                    entry,
                    actor_username: row.actor_user_id.and_then(|id| names.get(&id)).map(String::as_str),
                    hash: &row.hash,
                })
                .collect();
            let csv = access_log_csv(&logged)?;
            match output {
                Some(path) => {
                    std::fs::write(&path, &csv).with_context(|| format!("kunde inte skriva {}", path.display()))?;
                    eprintln!("Skrev {} rader till {}.", rows.len(), path.display());
                }
                None => std::io::stdout().write_all(&csv)?,
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
