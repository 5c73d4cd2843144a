//! Logging in and out, and the server-side sessions behind the web's cookie.

use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::log::{Action, Record, append};
use super::users::{self, User};
use super::{Actor, passwords, random_token, token_hash};
use crate::schema::{login_attempts, sessions};
use crate::{DbConn, Result, write};

/// How many failed logins are allowed in a window before the account or address must wait.
#[derive(Debug, Clone, Copy)]
pub struct Throttle {
    pub window: Duration,
    pub max_failures_per_account: i64,
    pub max_failures_per_address: i64,
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle { window: Duration::from_secs(15 * 60), max_failures_per_account: 5, max_failures_per_address: 20 }
    }
}

#[derive(Debug)]
pub enum LoginOutcome {
    /// The cookie's value; only its hash is stored.
    LoggedIn { token: String, user: User },
    /// Wrong user name or password, or a disabled account: the same answer for all three.
    Refused,
    /// Too many failures lately for this account or address.
    Throttled,
}

fn ago(at: NaiveDateTime, duration: Duration) -> NaiveDateTime {
    at - chrono::Duration::from_std(duration).expect("configured durations are small")
}

fn failures_since(conn: &mut DbConn, username_hash: &str, address: &str, since: NaiveDateTime) -> Result<(i64, i64)> {
    let failed = login_attempts::table.filter(login_attempts::succeeded.eq(false)).filter(login_attempts::at.ge(since));
    let by_account = failed.filter(login_attempts::username_hash.eq(username_hash)).count().get_result(conn)?;
    let by_address = failed.filter(login_attempts::client_address.eq(address)).count().get_result(conn)?;
    Ok((by_account, by_address))
}

/// Checks the password and, when it is right, opens a session. Every attempt is logged.
pub fn login(
    conn: &mut DbConn,
    actor: &Actor,
    username: &str,
    password: &str,
    throttle: &Throttle,
) -> Result<LoginOutcome> {
    let username = username.trim().to_lowercase();
    let username_hash = token_hash(&username);
    let address = actor.client_address.clone().unwrap_or_default();
    let (by_account, by_address) = failures_since(conn, &username_hash, &address, ago(actor.at, throttle.window))?;
    let credentials = users::credentials(conn, &username)?;
    let known_id = credentials.as_ref().map(|c| c.0);
    let record = Record { kind: users::RECORD, id: known_id.map(|i| i.to_string()), municipality_code: None };

    if by_account >= throttle.max_failures_per_account || by_address >= throttle.max_failures_per_address {
        write(conn, |conn| {
            insert_attempt(conn, actor, &username_hash, &address, false)?;
            append(conn, actor, Action::LoginFailed, &record)
        })?;
        return Ok(LoginOutcome::Throttled);
    }

    // The password is checked outside the transaction: Argon2 takes a while and must not
    // hold the database's write lock.
    let verified = match &credentials {
        Some((_, hash, disabled)) => passwords::verify(password, hash) && !disabled,
        None => {
            passwords::verify_dummy(password);
            false
        }
    };
    let Some((user_id, _, _)) = credentials.filter(|_| verified) else {
        write(conn, |conn| {
            insert_attempt(conn, actor, &username_hash, &address, false)?;
            append(conn, actor, Action::LoginFailed, &record)
        })?;
        return Ok(LoginOutcome::Refused);
    };

    let token = random_token(32);
    let user = write(conn, |conn| {
        insert_attempt(conn, actor, &username_hash, &address, true)?;
        // Old attempts only serve throttling; keep a day of them.
        diesel::delete(login_attempts::table.filter(login_attempts::at.lt(ago(actor.at, Duration::from_secs(86_400)))))
            .execute(conn)?;
        let at = actor.at;
        diesel::insert_into(sessions::table)
            .values((
                sessions::token_hash.eq(token_hash(&token)),
                sessions::user_id.eq(user_id),
                sessions::csrf_token.eq(random_token(32)),
                sessions::created_at.eq(at),
                sessions::last_seen_at.eq(at),
            ))
            .execute(conn)?;
        append(conn, &actor.user(user_id), Action::Login, &record)?;
        users::load(conn, user_id)
    })?;
    Ok(LoginOutcome::LoggedIn { token, user })
}

fn insert_attempt(conn: &mut DbConn, actor: &Actor, username_hash: &str, address: &str, succeeded: bool) -> Result<()> {
    diesel::insert_into(login_attempts::table)
        .values((
            login_attempts::username_hash.eq(username_hash),
            login_attempts::client_address.eq(address),
            login_attempts::at.eq(actor.at),
            login_attempts::succeeded.eq(succeeded),
        ))
        .execute(conn)?;
    Ok(())
}

/// A live session: who, and the token its forms must carry.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: i32,
    pub user: User,
    pub csrf_token: String,
}

#[derive(Debug)]
pub enum SessionCheck {
    Valid(Session),
    /// The session was idle too long; it is gone now.
    Expired,
    Unknown,
}

/// Finds the session behind a cookie, ends it when it has been idle too long at `at`, and
/// otherwise marks it as used then.
pub fn check(conn: &mut DbConn, token: &str, idle_timeout: Duration, at: NaiveDateTime) -> Result<SessionCheck> {
    let found: Option<(i32, i32, String, NaiveDateTime)> = sessions::table
        .filter(sessions::token_hash.eq(token_hash(token)))
        .select((sessions::id, sessions::user_id, sessions::csrf_token, sessions::last_seen_at))
        .first(conn)
        .optional()?;
    let Some((id, user_id, csrf_token, last_seen_at)) = found else {
        return Ok(SessionCheck::Unknown);
    };
    if last_seen_at < at - chrono::Duration::from_std(idle_timeout).expect("configured durations are small") {
        diesel::delete(sessions::table.find(id)).execute(conn)?;
        return Ok(SessionCheck::Expired);
    }
    let user = users::load(conn, user_id)?;
    if user.disabled {
        diesel::delete(sessions::table.find(id)).execute(conn)?;
        return Ok(SessionCheck::Unknown);
    }
    // Writing on every request would serialise all page views on SQLite; a few seconds of
    // slack in the idle clock costs nothing.
    if at - last_seen_at > chrono::Duration::seconds(15) {
        diesel::update(sessions::table.find(id)).set(sessions::last_seen_at.eq(at)).execute(conn)?;
    }
    Ok(SessionCheck::Valid(Session { id, user, csrf_token }))
}

/// Ends a session.
pub fn logout(conn: &mut DbConn, actor: &Actor, session_id: i32) -> Result<()> {
    write(conn, |conn| {
        let user_id: Option<i32> = sessions::table.find(session_id).select(sessions::user_id).first(conn).optional()?;
        diesel::delete(sessions::table.find(session_id)).execute(conn)?;
        if let Some(user_id) = user_id {
            append(conn, &actor.user(user_id), Action::Logout, &Record::new(users::RECORD, user_id))?;
        }
        Ok(())
    })
}

/// Removes sessions idle longer than the timeout at `at`; run at start and now and then.
pub fn prune(conn: &mut DbConn, idle_timeout: Duration, at: NaiveDateTime) -> Result<usize> {
    Ok(diesel::delete(sessions::table.filter(sessions::last_seen_at.lt(ago(at, idle_timeout)))).execute(conn)?)
}
