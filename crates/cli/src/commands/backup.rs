use std::path::{Path, PathBuf};
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

/// Writes the copy under a name of its own beside the target, makes it durable, and only then
/// gives it the target's name (a link, which refuses an existing file): a backup killed half-way
/// leaves no file that looks whole and none that blocks the next one. Gives the copy's size.
fn write_copy(store: &Store, output: &Path) -> anyhow::Result<u64> {
    let dir = match output.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let partial = dir.join(format!(".{name}.{}.partial", std::process::id()));
    let _ = std::fs::remove_file(&partial);
    let written = (|| -> anyhow::Result<u64> {
        let target = partial.to_string_lossy().replace('\'', "''");
        // VACUUM INTO writes a consistent copy while the server goes on serving.
        store.with_conn(|conn| {
            diesel::sql_query(format!("VACUUM INTO '{target}'")).execute(conn)?;
            Ok(())
        })?;
        let file = std::fs::File::open(&partial)?;
        file.sync_all()?;
        let size = file.metadata()?.len();
        std::fs::hard_link(&partial, output).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => {
                anyhow::anyhow!(
                    "{} finns redan; välj ett nytt filnamn så att ingen kopia skrivs över",
                    output.display()
                )
            }
            _ => anyhow::Error::from(e),
        })?;
        Ok(size)
    })();
    let _ = std::fs::remove_file(&partial);
    let size = written?;
    // The new name is durable only once the directory is.
    std::fs::File::open(&dir)?.sync_all()?;
    Ok(size)
}

pub fn run(args: BackupArgs, database: &DatabaseUrl) -> anyhow::Result<ExitCode> {
    match database {
        DatabaseUrl::Sqlite { .. } => {
            let Some(output) = args.output else { bail!("ange --output FIL för säkerhetskopian") };
            if output.exists() {
                bail!("{} finns redan; välj ett nytt filnamn så att ingen kopia skrivs över", output.display());
            }
            let store = Store::open_without_migrating(database)?;
            let size = write_copy(&store, &output)?;
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
