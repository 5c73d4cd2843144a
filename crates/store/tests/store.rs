//! The store's tests, run on the backend TEST_DATABASE_URL names (SQLite when unset).

mod access_log;
mod accounts;
mod cofinancing;
mod culling;
mod economy;
mod extract;
mod orders;
mod plans;
mod population;
mod quality;
mod reception;
mod reporting;
mod review;
mod schema;

use etablera_domain::access::Role;
use etablera_store::access::users::{self, NewUser, User};
use etablera_store::testing::TestDatabase;

pub const PASSWORD: &str = "korrekt häst batteri";

pub fn add_user(db: &TestDatabase, username: &str, roles: &[Role]) -> User {
    db.store
        .with_conn(|conn| {
            users::create(
                conn,
                &etablera_store::testing::cli(),
                &NewUser {
                    username: username.into(),
                    display_name: format!("Testperson {username}"),
                    password: PASSWORD.into(),
                    roles: roles.to_vec(),
                    municipalities: vec!["0117".parse().unwrap()],
                    unit: roles.contains(&Role::CaseWorker).then(|| "Mottagningen".to_owned()),
                    email: None,
                },
            )
        })
        .expect("user created")
}
