use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;
use clap::Args;
use diesel::RunQueryDsl;
use etablera_store::{DatabaseUrl, Store};

#[derive(Args)]
pub struct BackupArgs {
    /// The backup file to write (SQLite). It must not exist yet.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

pub fn run(args: BackupArgs, database: &DatabaseUrl) -> anyhow::Result<ExitCode> {
    match database {
        DatabaseUrl::Sqlite { .. } => {
            let Some(output) = args.output else { bail!("ange --output FIL för säkerhetskopian") };
            if output.exists() {
                bail!("{} finns redan; välj ett nytt filnamn så att ingen kopia skrivs över", output.display());
            }
            let target = output.to_string_lossy().replace('\'', "''");
            let store = Store::open_without_migrating(database)?;
            // VACUUM INTO writes a consistent copy while the server goes on serving.
            store.with_conn(|conn| {
                diesel::sql_query(format!("VACUUM INTO '{target}'")).execute(conn)?;
                Ok(())
            })?;
            let size = std::fs::metadata(&output)?.len();
            println!("Säkerhetskopia skriven till {} ({} kB).", output.display(), size / 1024);
        }
        DatabaseUrl::Postgres { url } => {
            let without_password = match url::Url::parse(url) {
                Ok(mut parsed) => {
                    let _ = parsed.set_password(None);
                    parsed.to_string()
                }
                Err(_) => database.redacted(),
            };
            let file = args.output.map(|p| p.display().to_string()).unwrap_or_else(|| "etablera.dump".into());
            println!("PostgreSQL säkerhetskopieras med pg_dump. Kör (lösenordet i PGPASSWORD eller ~/.pgpass):");
            println!();
            println!("  pg_dump --format=custom --file='{file}' '{without_password}'");
            println!();
            println!("Återställ med: pg_restore --clean --if-exists --dbname='{without_password}' '{file}'");
        }
    }
    Ok(ExitCode::SUCCESS)
}
