use std::fmt;
use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::r2d2::{ManageConnection, Pool, R2D2Connection};
use diesel::{Connection, PgConnection, SqliteConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::{Result, StoreError};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Inserts `rows` (a `Vec` of value tuples or of rows that derive `Insertable` with
/// `treat_none_as_default_value = false`) into `table` a hundred rows a statement, on the
/// backend's own connection (the two-backend connection does not build a multi-row insert), and
/// empties them. A row of up to 300 values keeps a statement within what SQLite may bind.
macro_rules! insert_rows {
    ($conn:expr, $table:expr, $rows:expr) => {{
        match $conn {
            // PostgreSQL takes the rows as one COPY in its binary format: no statement to plan,
            // no limit on binds.
            $crate::DbConn::Postgres(c) => {
                if !$rows.is_empty() {
                    diesel::copy_from($table).from_insertable(&$rows).execute(c)?;
                }
            }
            // On SQLite whole chunks go as arrays: a statement of a fixed size is prepared once
            // and kept in the connection's cache, where a statement of any size would be parsed
            // anew each time (that parsing cost as much as the writing). The rest goes as one
            // statement.
            $crate::DbConn::Sqlite(c) => {
                const ROWS: usize = 100;
                let mut chunks = $rows.chunks_exact(ROWS);
                for chunk in &mut chunks {
                    let array: &[_; ROWS] = chunk.try_into().expect("a chunk of ROWS rows");
                    diesel::insert_into($table).values(array).execute(c)?;
                }
                let rest = chunks.remainder();
                if !rest.is_empty() {
                    diesel::insert_into($table).values(rest).execute(c)?;
                }
            }
        }
        $rows.clear();
    }};
}
pub(crate) use insert_rows;

/// Runs a large write (an import of thousands of rows) as one transaction. SQLite's page cache
/// is 2 MB a connection; a transaction that touches more spills its pages to the WAL midway and
/// writes them again at commit (12 % of a 100 000-person import), so the cache is raised for
/// the write (it takes memory only for the pages touched) and set back after.
///
/// On PostgreSQL, look rows up a batch at a time inside such a write, never a row at a time: a
/// prepared statement run more than five times keeps a generic plan made with the statistics of
/// that moment, when the tables being filled still look empty, and a lookup planned as a scan of
/// an empty table goes on scanning it as it grows (`reception::households::Taken`).
pub fn bulk_write<T>(conn: &mut DbConn, f: impl FnOnce(&mut DbConn) -> Result<T>) -> Result<T> {
    const LARGE: &str = "PRAGMA cache_size = -262144"; // 256 MiB at most
    const USUAL: &str = "PRAGMA cache_size = -2000"; // SQLite's default
    if let DbConn::Sqlite(c) = conn {
        c.batch_execute(LARGE)?;
    }
    let outcome = write(conn, f);
    if let DbConn::Sqlite(c) = conn {
        c.batch_execute(USUAL)?;
    }
    outcome
}

/// Brings the planner's statistics up to date after a large change (an import), as SQLite
/// advises; PostgreSQL's autovacuum does the same on its own.
pub fn optimize(conn: &mut DbConn) -> Result<()> {
    if let DbConn::Sqlite(c) = conn {
        c.batch_execute("PRAGMA analysis_limit = 1000; PRAGMA optimize;")?;
    }
    Ok(())
}

/// A connection to either backend; queries are written once against it.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// Where the database is: `sqlite://PATH` or `postgres://…`. Its `Display` hides any password.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite { path: String },
    Postgres { url: String },
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> Result<Self> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            url::Url::parse(url).map_err(|e| StoreError::Url(e.to_string()))?;
            return Ok(DatabaseUrl::Postgres { url: url.to_owned() });
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .ok_or_else(|| StoreError::Url("use sqlite://PATH or postgres://USER@HOST/DATABASE".to_owned()))?;
        if path.is_empty() {
            return Err(StoreError::Url("sqlite:// needs a file path".to_owned()));
        }
        Ok(DatabaseUrl::Sqlite { path: path.to_owned() })
    }

    pub fn backend(&self) -> Backend {
        match self {
            DatabaseUrl::Sqlite { .. } => Backend::Sqlite,
            DatabaseUrl::Postgres { .. } => Backend::Postgres,
        }
    }

    /// The full URL, password included: for handing to another process, never for printing.
    pub fn expose(&self) -> String {
        match self {
            DatabaseUrl::Sqlite { path } => format!("sqlite://{path}"),
            DatabaseUrl::Postgres { url } => url.clone(),
        }
    }

    /// The URL with any password replaced, for messages and logs.
    pub fn redacted(&self) -> String {
        match self {
            DatabaseUrl::Sqlite { path } => format!("sqlite://{path}"),
            DatabaseUrl::Postgres { url } => match url::Url::parse(url) {
                Ok(mut parsed) if parsed.password().is_some() => {
                    let _ = parsed.set_password(Some("***"));
                    parsed.to_string()
                }
                _ => url.clone(),
            },
        }
    }

    fn connect(&self) -> Result<DbConn> {
        match self {
            DatabaseUrl::Sqlite { path } => {
                let mut conn = SqliteConnection::establish(path).map_err(|e| StoreError::Connection(e.to_string()))?;
                // WAL lets readers go on while one writer writes; the busy timeout makes a second
                // writer wait instead of failing. FULL flushes the log at every commit, so that an
                // acknowledged write survives a power loss (ADR 0008).
                conn.batch_execute(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                )?;
                // The planner chooses between indexes by the tables' statistics: without them it
                // walks a municipality's every household in list order rather than the few
                // waiting for a first contact. Tables never analysed, or grown tenfold since,
                // are analysed now, reading a bounded sample of each.
                conn.batch_execute("PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002;")?;
                Ok(DbConn::Sqlite(conn))
            }
            DatabaseUrl::Postgres { url } => {
                PgConnection::establish(url).map(DbConn::Postgres).map_err(|e| StoreError::Connection(e.to_string()))
            }
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// Whether the database answered the last time a connection was made. While it does not, a
/// caller is told so after a short try, not after the pool's whole wait.
#[derive(Debug, Default)]
struct Reachability {
    down: std::sync::atomic::AtomicBool,
}

struct Manager {
    url: DatabaseUrl,
    reach: std::sync::Arc<Reachability>,
}

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConn, Self::Error> {
        let made = self.url.connect();
        self.reach.down.store(made.is_err(), std::sync::atomic::Ordering::Relaxed);
        made.map_err(|e| match e {
            StoreError::Database(e) => diesel::r2d2::Error::QueryError(e),
            other => diesel::r2d2::Error::ConnectionError(diesel::ConnectionError::BadConnection(other.to_string())),
        })
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), Self::Error> {
        conn.ping().map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        conn.is_broken()
    }
}

/// How many connections the pool holds, and how long a caller waits for a free one before the
/// store answers "busy" ([`StoreError::Pool`], which the server answers with 503).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolSettings {
    pub size: u32,
    pub wait: Duration,
}

impl PoolSettings {
    /// SQLite writes take turns, so more connections only queue inside the database; PostgreSQL
    /// runs them side by side. A request waits a few seconds at most, then is told to come back.
    pub fn default_for(backend: Backend) -> PoolSettings {
        let size = match backend {
            Backend::Sqlite => 8,
            Backend::Postgres => 16,
        };
        PoolSettings { size, wait: Duration::from_secs(5) }
    }
}

/// The database: a pool of connections to one backend, migrated when opened.
#[derive(Clone)]
pub struct Store {
    pool: Pool<Manager>,
    url: DatabaseUrl,
    reach: std::sync::Arc<Reachability>,
    wait: Duration,
}

/// How long a caller first waits for a connection: enough for a free one, or a new one to a
/// database that answers. Longer waits only a busy pool, not a database that is down.
const FIRST_TRY: Duration = Duration::from_millis(700);

impl Store {
    /// Opens the database and brings its schema up to date.
    pub fn open(url: &DatabaseUrl) -> Result<Store> {
        Store::open_with(url, PoolSettings::default_for(url.backend()))
    }

    /// Opens the database with a pool of its own size and wait, and migrates it.
    pub fn open_with(url: &DatabaseUrl, pool: PoolSettings) -> Result<Store> {
        let store = Store::connect(url, pool)?;
        store.migrate()?;
        Ok(store)
    }

    pub fn open_without_migrating(url: &DatabaseUrl) -> Result<Store> {
        Store::connect(url, PoolSettings::default_for(url.backend()))
    }

    fn connect(url: &DatabaseUrl, settings: PoolSettings) -> Result<Store> {
        let reach = std::sync::Arc::new(Reachability::default());
        let pool = Pool::builder()
            .max_size(settings.size)
            // A PostgreSQL connection can be cut by the server or the network, so it is tried
            // before use; an SQLite connection is a file in this process, and a query a
            // checkout (several a request) would only cost.
            .test_on_check_out(url.backend() == Backend::Postgres)
            .min_idle(Some(1))
            .connection_timeout(settings.wait)
            .build(Manager { url: url.clone(), reach: reach.clone() })?;
        Ok(Store { pool, url: url.clone(), reach, wait: settings.wait })
    }

    /// Runs the pending migrations; returns the versions it ran.
    pub fn migrate(&self) -> Result<Vec<String>> {
        let mut conn = self.checkout()?;
        let applied = match &mut *conn {
            DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS),
            DbConn::Postgres(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS),
        }
        .map_err(|e| StoreError::Migration(e.to_string()))?;
        let applied: Vec<String> = applied.iter().map(|v| v.to_string()).collect();
        if applied.iter().any(|v| v == "20261207000015") {
            crate::reception::households::fill_search_names(&mut *conn)?;
        }
        Ok(applied)
    }

    pub fn backend(&self) -> Backend {
        self.url.backend()
    }

    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// A connection from the pool. A database that is down is reported after the first short
    /// try ([`StoreError::Pool`], which the server answers with 503 and Retry-After); a pool
    /// that is only busy is waited on for the rest of its wait.
    fn checkout(&self) -> Result<diesel::r2d2::PooledConnection<Manager>> {
        let first = FIRST_TRY.min(self.wait);
        match self.pool.get_timeout(first) {
            Ok(conn) => Ok(conn),
            Err(e) if self.reach.down.load(std::sync::atomic::Ordering::Relaxed) => Err(e.into()),
            Err(_) => Ok(self.pool.get_timeout(self.wait.saturating_sub(first).max(Duration::from_millis(1)))?),
        }
    }

    /// Runs `f` on a pooled connection, on this thread. For the command line and tests.
    pub fn with_conn<T>(&self, f: impl FnOnce(&mut DbConn) -> Result<T>) -> Result<T> {
        let mut conn = self.checkout()?;
        f(&mut conn)
    }

    /// Runs `f` on a pooled connection on tokio's blocking thread pool. For async callers.
    pub async fn run<T, F>(&self, f: F) -> Result<T>
    where
        F: FnOnce(&mut DbConn) -> Result<T> + Send + 'static,
        T: Send + 'static,
    {
        let store = self.clone();
        match tokio::task::spawn_blocking(move || store.with_conn(f)).await {
            Ok(result) => result,
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    }
}

type Transactions = <DbConn as Connection>::TransactionManager;

fn in_transaction(conn: &mut DbConn) -> Result<bool> {
    Ok(Transactions::transaction_manager_status_mut(conn).transaction_depth()?.is_some())
}

/// Runs `f` in one write transaction. On SQLite the transaction takes the write lock at its
/// start (`BEGIN IMMEDIATE`), so a transaction that reads before it writes waits for other
/// writers instead of failing when it upgrades its lock.
///
/// Inside another transaction it becomes a savepoint of that one.
pub fn write<T>(conn: &mut DbConn, f: impl FnOnce(&mut DbConn) -> Result<T>) -> Result<T> {
    if in_transaction(conn)? {
        return conn.transaction(f);
    }
    match conn {
        DbConn::Sqlite(c) => {
            let _turn = SQLITE_WRITER.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
            finish(conn, f)
        }
        DbConn::Postgres(c) => {
            AnsiTransactionManager::begin_transaction(c)?;
            finish(conn, f)
        }
    }
}

/// SQLite lets one transaction write at a time, and a writer that finds the lock taken sleeps
/// in SQLite's busy handler for 1, 2, 5 … up to 100 ms before it looks again, however soon the
/// lock is free: with many writers (every logged page view is one) most of a request's time
/// was that sleep, and the slowest waited longest. The server's writers therefore take turns
/// here first, woken the moment the turn is theirs, and SQLite's lock is free when they reach
/// it. The busy timeout still covers writers in other processes (the command line). One lock
/// serves the process: a server serves one database, and a nested write runs inside the outer
/// transaction, never on a second connection.
static SQLITE_WRITER: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs `f` in one read transaction: every statement sees the database as it stood when the
/// first one ran (SQLite's WAL snapshot; PostgreSQL's repeatable read, read only), so a page or
/// a check made of several queries never mixes two moments. Inside another transaction it
/// reads in that one.
pub fn read<T>(conn: &mut DbConn, f: impl FnOnce(&mut DbConn) -> Result<T>) -> Result<T> {
    if in_transaction(conn)? {
        return f(conn);
    }
    match conn {
        DbConn::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN DEFERRED")?,
        DbConn::Postgres(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?
        }
    }
    finish(conn, f)
}

fn finish<T>(conn: &mut DbConn, f: impl FnOnce(&mut DbConn) -> Result<T>) -> Result<T> {
    match f(conn) {
        Ok(value) => match Transactions::commit_transaction(conn) {
            Ok(()) => Ok(value),
            Err(commit_error) => {
                let _ = Transactions::rollback_transaction(conn);
                Err(commit_error.into())
            }
        },
        Err(e) => {
            Transactions::rollback_transaction(conn)?;
            Err(e)
        }
    }
}
