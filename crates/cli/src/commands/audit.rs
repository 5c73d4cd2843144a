use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;
use clap::Subcommand;
use etablera_domain::text::Text;
use etablera_domain::time::start_of_local_day;
use etablera_reports::access::{LoggedAccess, access_log_csv};
use etablera_store::Store;
use etablera_store::access::checkpoints::Taken;
use etablera_store::access::log::{self, Filter};
use etablera_store::access::users;

use super::terminal_actor;
use crate::config::Settings;

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Check the access log's hash chain from its first row, and against the signed checkpoints
    /// when they are configured; exits 1 and names the first broken row if it is broken.
    Verify,
    /// Verify the chain and sign a checkpoint of it into the checkpoint file; prints the line
    /// for the operator to keep elsewhere too.
    Checkpoint,
    /// Write a new key for signing checkpoints to a file that must not exist yet (readable by
    /// its owner only).
    Key {
        #[arg(long, short)]
        output: PathBuf,
    },
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

pub fn run(command: AuditCommand, settings: &Settings) -> anyhow::Result<ExitCode> {
    let clock = settings.clock;
    match command {
        AuditCommand::Key { output } => {
            write_key(&output)?;
            println!(
                "Skrev en ny nyckel till {}. Ange den som audit_key_file (ETABLERA_AUDIT_KEY_FILE).",
                output.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::Verify => {
            let store = Store::open(&settings.database)?;
            let file = settings.checkpoint_file()?;
            let checkpoints = match &file {
                Some(file) => match file.read() {
                    Ok(checkpoints) => checkpoints,
                    Err(e) => {
                        println!("{}", Text::new("audit-verify-untrusted").with_text("reason", e).swedish());
                        return Ok(ExitCode::FAILURE);
                    }
                },
                None => Vec::new(),
            };
            let actor = terminal_actor(clock);
            let verification = store.with_conn(|conn| log::verify_as(conn, &actor, &checkpoints))?;
            match verification.first_break {
                None => {
                    println!("Åtkomstloggen är hel: {} rader kontrollerade.", verification.rows_checked);
                    println!("{}", verification.anchoring(file.is_some()).swedish());
                    Ok(ExitCode::SUCCESS)
                }
                Some(b) => {
                    println!("Åtkomstloggen är bruten vid rad {}: {}.", b.row(), b.describe().swedish());
                    println!("{} rader före den är hela.", verification.rows_checked);
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        AuditCommand::Checkpoint => {
            let Some(file) = settings.checkpoint_file()? else {
                anyhow::bail!(
                    "ange audit_checkpoints och audit_key_file (ETABLERA_AUDIT_CHECKPOINTS, ETABLERA_AUDIT_KEY_FILE)"
                );
            };
            let store = Store::open(&settings.database)?;
            let actor = terminal_actor(clock);
            match store.with_conn(|conn| file.take(conn, &actor))? {
                Err(e) => {
                    println!("Ingen kontrollpunkt: {}.", e.swedish());
                    Ok(ExitCode::FAILURE)
                }
                Ok(Taken::Broken(b)) => {
                    println!(
                        "Ingen kontrollpunkt: åtkomstloggen är bruten vid rad {}: {}.",
                        b.row(),
                        b.describe().swedish()
                    );
                    Ok(ExitCode::FAILURE)
                }
                Ok(Taken::Unchanged(last)) => {
                    println!("Loggen har inte vuxit sedan den senaste kontrollpunkten:\n{}", last.line());
                    Ok(ExitCode::SUCCESS)
                }
                Ok(Taken::Added(checkpoint)) => {
                    println!("Kontrollpunkt sparad i {}. Spara raden även utanför servern:", file.path.display());
                    println!("{}", checkpoint.line());
                    Ok(ExitCode::SUCCESS)
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
            let store = Store::open(&settings.database)?;
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

/// A new key file, created only if there is none (never overwriting a key that signed
/// checkpoints), readable by its owner alone.
fn write_key(path: &std::path::Path) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).with_context(|| format!("kunde inte skapa {}", path.display()))?;
    writeln!(file, "{}", etablera_store::access::random_token(etablera_domain::access::checkpoint::MIN_KEY_BYTES))?;
    file.sync_all()?;
    Ok(())
}
