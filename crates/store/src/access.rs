//! Users, roles, sessions, API tokens, login throttling and the access log.

pub mod checkpoints;
pub mod culling;
pub mod extract;
pub mod history;
pub mod log;
pub mod passwords;
pub mod review;
mod scope;
pub mod sessions;
pub mod sso;
pub mod throttle;
pub mod tokens;
pub mod users;

pub use scope::Scope;
pub(crate) use scope::{among, in_scope};

use chrono::{NaiveDate, NaiveDateTime};

/// Who is acting, and when, for the access log and every row the act stamps: the user (when
/// known), the request, the address, and the moment of the act.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<i32>,
    pub request_id: Option<String>,
    pub client_address: Option<String>,
    /// The moment of the act, in UTC to the microsecond (from a [`Clock`](crate::Clock)): what
    /// the rows it writes are stamped with, and what "today" is for the rules it runs.
    pub at: NaiveDateTime,
}

impl Actor {
    /// The command line, run by a person at the server: no user account, no request.
    pub fn command_line(at: NaiveDateTime) -> Actor {
        Actor { user_id: None, request_id: None, client_address: Some("cli".to_owned()), at }
    }

    /// Etablera itself, acting on no one's request (a background round).
    pub fn system(at: NaiveDateTime) -> Actor {
        Actor { user_id: None, request_id: None, client_address: None, at }
    }

    pub fn user(&self, user_id: i32) -> Actor {
        Actor { user_id: Some(user_id), ..self.clone() }
    }

    /// The Stockholm date of the act: the day deadlines, forms and new documents are dated by.
    pub fn today(&self) -> NaiveDate {
        etablera_domain::time::to_local(self.at).date()
    }
}

/// The moment `duration` before `at`: where a window of the throttle or a session's limit
/// begins.
pub(crate) fn ago(at: NaiveDateTime, duration: std::time::Duration) -> NaiveDateTime {
    at - chrono::Duration::from_std(duration).expect("configured durations are small")
}

/// A random token, hex encoded, from the operating system's generator.
pub fn random_token(bytes: usize) -> String {
    use rand::RngCore;
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    hex::encode(buf)
}

/// Tokens are stored as their SHA-256: a copy of the database gives no usable token.
pub fn token_hash(token: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(token.as_bytes()))
}
