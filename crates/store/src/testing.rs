//! A fresh, migrated database per test. The backend comes from `TEST_DATABASE_URL`: unset means
//! a SQLite file in a temporary folder; a `postgres://` URL names a server on which each test
//! gets a database of its own, dropped when the test ends.

use diesel::{Connection, PgConnection, RunQueryDsl};

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::access::Actor;
use crate::{Clock, DatabaseUrl, Store};

/// Now, by the system's clock: for tests that act in the present.
pub fn now() -> NaiveDateTime {
    Clock::system().now()
}

/// Today in Stockholm, by the system's clock.
pub fn today() -> NaiveDate {
    Clock::system().today()
}

/// Noon in Stockholm on `date` (in UTC, as stored): for a test that acts on a day of its own.
pub fn noon(date: NaiveDate) -> NaiveDateTime {
    let local = date.and_time(NaiveTime::from_hms_opt(12, 0, 0).expect("noon"));
    etablera_domain::time::from_local(local).expect("noon is on every day")
}

/// The command line acting now.
pub fn cli() -> Actor {
    Actor::command_line(now())
}

/// The command line acting at noon on `date`.
pub fn cli_on(date: NaiveDate) -> Actor {
    Actor::command_line(noon(date))
}

pub struct TestDatabase {
    pub store: Store,
    pub url: DatabaseUrl,
    cleanup: Cleanup,
}

enum Cleanup {
    Folder(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl TestDatabase {
    pub fn new() -> TestDatabase {
        match std::env::var("TEST_DATABASE_URL").ok().filter(|u| !u.is_empty()) {
            None => {
                let dir = tempfile::tempdir().expect("a temporary folder");
                let url = DatabaseUrl::parse(&format!("sqlite://{}", dir.path().join("test.db").display()))
                    .expect("a valid sqlite url");
                let store = Store::open(&url).expect("the test database opens and migrates");
                TestDatabase { store, url, cleanup: Cleanup::Folder(dir) }
            }
            Some(admin_url) => {
                let name = format!("etablera_test_{}", crate::access::random_token(8));
                let mut admin = PgConnection::establish(&admin_url).expect("TEST_DATABASE_URL answers");
                diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut admin).expect("create test database");
                let mut parsed = url::Url::parse(&admin_url).expect("TEST_DATABASE_URL is a URL");
                parsed.set_path(&name);
                let url = DatabaseUrl::parse(parsed.as_str()).expect("a valid postgres url");
                let store = Store::open(&url).expect("the test database opens and migrates");
                TestDatabase { store, url, cleanup: Cleanup::Postgres { admin_url, name } }
            }
        }
    }
}

impl TestDatabase {
    /// The same database through a pool of its own size and wait.
    pub fn with_pool(mut self, pool: crate::PoolSettings) -> TestDatabase {
        self.store = Store::open_with(&self.url, pool).expect("the test database opens");
        self
    }
}

impl TestDatabase {
    /// Takes a PostgreSQL test database down (its connections cut, new ones refused) or brings
    /// it back, as an outage would. `false` on SQLite, whose database is a file in this process
    /// and has no outage of its own.
    pub fn set_outage(&self, down: bool) -> bool {
        let Cleanup::Postgres { admin_url, name } = &self.cleanup else { return false };
        let mut admin = PgConnection::establish(admin_url).expect("TEST_DATABASE_URL answers");
        diesel::sql_query(format!("ALTER DATABASE {name} ALLOW_CONNECTIONS {}", !down))
            .execute(&mut admin)
            .expect("the test database's connections are switched");
        if down {
            diesel::sql_query(format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
            ))
            .execute(&mut admin)
            .expect("the test database's connections are cut");
        }
        true
    }
}

impl Default for TestDatabase {
    fn default() -> Self {
        TestDatabase::new()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Cleanup::Postgres { admin_url, name } = &self.cleanup
            && let Ok(mut admin) = PgConnection::establish(admin_url)
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin);
        }
    }
}
