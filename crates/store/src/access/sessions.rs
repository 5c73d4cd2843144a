//! Logging in and out, the server-side sessions behind the web's cookie, and the checks of a
//! password that a person types (at login, and to change it).

use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::log::{Action, Record, append};
use super::users::{self, User};
use super::{Actor, ago, passwords, random_token, token_hash};
use crate::schema::{login_attempts, sessions, users as users_table};
use crate::{DbConn, Result, StoreError, write};
use etablera_domain::access::{PasswordChange, check_new_password};
use etablera_domain::text::Text;

use super::throttle::{Throttle, insert_attempt, is_throttled, record_throttled, refused};

#[derive(Debug)]
pub enum LoginOutcome {
    /// The cookie's value; only its hash is stored.
    LoggedIn { token: String, user: User },
    /// Wrong user name or password, or a disabled account: the same answer for all three.
    Refused,
    /// Too many failures lately for this account or address.
    Throttled,
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
    let throttled = is_throttled(conn, &username_hash, &address, actor.at, throttle)?;
    let credentials = users::credentials(conn, &username)?;
    let known_id = credentials.as_ref().map(|c| c.0);
    let record = Record { kind: users::RECORD, id: known_id.map(|i| i.to_string()), municipality_code: None };

    if throttled {
        // Logged, but not counted: going on guessing does not go on extending the wait.
        record_throttled(conn, actor, &record)?;
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
        refused(conn, actor, &username_hash, &address, &record)?;
        return Ok(LoginOutcome::Refused);
    };

    let token = random_token(32);
    let user = write(conn, |conn| {
        insert_attempt(conn, actor, &username_hash, &address, true)?;
        // Attempts only serve the throttle: failures for a day, logins for as long as they make
        // a pair known.
        let stale_failure =
            login_attempts::succeeded.eq(false).and(login_attempts::at.lt(ago(actor.at, Duration::from_secs(86_400))));
        let stale = stale_failure.or(login_attempts::at.lt(ago(actor.at, throttle.known_for)));
        diesel::delete(login_attempts::table.filter(stale)).execute(conn)?;
        open(conn, actor, user_id, &token, false)?;
        append(conn, &actor.user(user_id), Action::Login, &record)?;
        users::load(conn, user_id)
    })?;
    Ok(LoginOutcome::LoggedIn { token, user })
}

/// Opens a session for the user behind the cookie `token` (only its hash is stored); `via_sso`
/// when the provider signed the user in, so that logging out ends its session too.
pub(crate) fn open(conn: &mut DbConn, actor: &Actor, user_id: i32, token: &str, via_sso: bool) -> Result<()> {
    diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(token_hash(token)),
            sessions::user_id.eq(user_id),
            sessions::csrf_token.eq(random_token(32)),
            sessions::created_at.eq(actor.at),
            sessions::last_seen_at.eq(actor.at),
            sessions::client_address.eq(&actor.client_address),
            sessions::via_sso.eq(via_sso),
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

/// How long a session lasts: it ends when it has been idle `idle`, and at the latest `lifetime`
/// after the login however busy it is (a stolen cookie does not live for ever, and roles taken
/// away reach everyone by the next working day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLimits {
    pub idle: Duration,
    pub lifetime: Duration,
}

impl Default for SessionLimits {
    /// Half an hour idle; a working day in all.
    fn default() -> SessionLimits {
        SessionLimits { idle: Duration::from_secs(30 * 60), lifetime: Duration::from_secs(12 * 60 * 60) }
    }
}

/// Finds the session behind a cookie, ends it when it has been idle too long at `at` or has
/// outlived its lifetime, and otherwise marks it as used then.
pub fn check(conn: &mut DbConn, token: &str, limits: SessionLimits, at: NaiveDateTime) -> Result<SessionCheck> {
    let found: Option<(i32, i32, String, NaiveDateTime, NaiveDateTime)> = sessions::table
        .filter(sessions::token_hash.eq(token_hash(token)))
        .select((sessions::id, sessions::user_id, sessions::csrf_token, sessions::created_at, sessions::last_seen_at))
        .first(conn)
        .optional()?;
    let Some((id, user_id, csrf_token, created_at, last_seen_at)) = found else {
        return Ok(SessionCheck::Unknown);
    };
    if last_seen_at < ago(at, limits.idle) || created_at < ago(at, limits.lifetime) {
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
/// Ends the session; whether the provider opened it (its session is then to be ended too).
pub fn logout(conn: &mut DbConn, actor: &Actor, session_id: i32) -> Result<bool> {
    write(conn, |conn| {
        let found: Option<(i32, bool)> =
            sessions::table.find(session_id).select((sessions::user_id, sessions::via_sso)).first(conn).optional()?;
        diesel::delete(sessions::table.find(session_id)).execute(conn)?;
        if let Some((user_id, _)) = found {
            append(conn, &actor.user(user_id), Action::Logout, &Record::new(users::RECORD, user_id))?;
        }
        Ok(found.is_some_and(|(_, via_sso)| via_sso))
    })
}

/// Removes sessions idle too long or past their lifetime at `at`; run at start and now and then.
pub fn prune(conn: &mut DbConn, limits: SessionLimits, at: NaiveDateTime) -> Result<usize> {
    let ended = sessions::last_seen_at.lt(ago(at, limits.idle)).or(sessions::created_at.lt(ago(at, limits.lifetime)));
    Ok(diesel::delete(sessions::table.filter(ended)).execute(conn)?)
}

/// Changes the signed-in user's own password, when `change.current` is their password now. A
/// wrong current password counts as a failed login (so a forgotten session cannot be used to
/// guess it) and is refused; the user's other sessions end, the one making the change goes on.
pub fn change_own_password(
    conn: &mut DbConn,
    actor: &Actor,
    session_id: i32,
    change: &PasswordChange,
    throttle: &Throttle,
) -> Result<()> {
    let user_id = actor.user_id.ok_or(StoreError::NotFound)?;
    let (username, hash): (String, String) =
        users_table::table.find(user_id).select((users_table::username, users_table::password_hash)).first(conn)?;
    let username_hash = token_hash(&username);
    let address = actor.client_address.clone().unwrap_or_default();
    let record = Record::new(users::RECORD, user_id);
    if is_throttled(conn, &username_hash, &address, actor.at, throttle)? {
        record_throttled(conn, actor, &record)?;
        return Err(StoreError::invalid("current_password", Text::new("account-throttled")));
    }
    if !passwords::verify(&change.current, &hash) {
        refused(conn, actor, &username_hash, &address, &record)?;
        return Err(StoreError::invalid("current_password", Text::new("account-current-wrong")));
    }
    check_new_password(&change.new).map_err(|m| StoreError::invalid("new_password", m))?;
    let new_hash = passwords::hash(&change.new);
    write(conn, |conn| {
        diesel::update(users_table::table.find(user_id))
            .set((users_table::password_hash.eq(&new_hash), users_table::version.eq(users_table::version + 1)))
            .execute(conn)?;
        diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id)).filter(sessions::id.ne(session_id)))
            .execute(conn)?;
        append(conn, actor, Action::SetPassword, &record)
    })
}

/// One of a user's open sessions, as their account page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenSession {
    pub id: i32,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub client_address: Option<String>,
}

/// The user's sessions that have not ended at `at`, the latest used first. A user has a
/// handful; the list is not paged.
pub fn open_sessions(
    conn: &mut DbConn,
    actor: &Actor,
    limits: SessionLimits,
    at: NaiveDateTime,
) -> Result<Vec<OpenSession>> {
    let user_id = actor.user_id.ok_or(StoreError::NotFound)?;
    write(conn, |conn| {
        append(conn, actor, Action::Read, &Record::new(users::RECORD, user_id))?;
        let rows: Vec<(i32, NaiveDateTime, NaiveDateTime, Option<String>)> = sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::last_seen_at.ge(ago(at, limits.idle)))
            .filter(sessions::created_at.ge(ago(at, limits.lifetime)))
            .order((sessions::last_seen_at.desc(), sessions::id.desc()))
            .select((sessions::id, sessions::created_at, sessions::last_seen_at, sessions::client_address))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(id, created_at, last_seen_at, client_address)| OpenSession {
                id,
                created_at,
                last_seen_at,
                client_address,
            })
            .collect())
    })
}

/// Ends the acting user's sessions: one (`Some(id)`), or all but `keep`. Another user's session
/// is not found.
pub fn end_own(conn: &mut DbConn, actor: &Actor, which: EndSessions) -> Result<usize> {
    let user_id = actor.user_id.ok_or(StoreError::NotFound)?;
    write(conn, |conn| {
        let own = sessions::table.filter(sessions::user_id.eq(user_id));
        let ended = match which {
            EndSessions::One(id) => diesel::delete(own.filter(sessions::id.eq(id))).execute(conn)?,
            EndSessions::AllBut(keep) => diesel::delete(own.filter(sessions::id.ne(keep))).execute(conn)?,
        };
        if ended == 0 && matches!(which, EndSessions::One(_)) {
            return Err(StoreError::NotFound);
        }
        append(conn, actor, Action::Logout, &Record::new(users::RECORD, user_id))?;
        Ok(ended)
    })
}

/// Which of a user's sessions to end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndSessions {
    One(i32),
    AllBut(i32),
}
