//! The login throttle as the store keeps it: every attempt's row (the user name only as a
//! hash), the failures the domain's rule (`etablera_domain::access::throttle`) weighs, counted
//! in SQL, and the administrator's view of the locks.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::log::{Action, Record, append};
use super::{Actor, ago, token_hash, users};
use crate::schema::{login_attempts, users as users_table};
use crate::{DbConn, Result, StoreError, write};

pub use etablera_domain::access::throttle::{Failures, Lock, Throttle};

/// The failures the throttle weighs for this account at this address, counted in SQL.
fn failures(
    conn: &mut DbConn,
    username_hash: &str,
    address: &str,
    at: NaiveDateTime,
    throttle: &Throttle,
) -> Result<Failures> {
    let failed = login_attempts::table
        .filter(login_attempts::succeeded.eq(false))
        .filter(login_attempts::at.ge(ago(at, throttle.window)));
    let account = failed.filter(login_attempts::username_hash.eq(username_hash));
    let pair = account.filter(login_attempts::client_address.eq(address)).count().get_result(conn)?;
    let account = account.count().get_result(conn)?;
    let address_failures = failed.filter(login_attempts::client_address.eq(address)).count().get_result(conn)?;
    let known_pair = diesel::select(diesel::dsl::exists(
        login_attempts::table
            .filter(login_attempts::username_hash.eq(username_hash))
            .filter(login_attempts::client_address.eq(address))
            .filter(login_attempts::succeeded.eq(true))
            .filter(login_attempts::at.ge(ago(at, throttle.known_for))),
    ))
    .get_result(conn)?;
    Ok(Failures { pair, account, address: address_failures, known_pair })
}

pub(crate) fn is_throttled(
    conn: &mut DbConn,
    username_hash: &str,
    address: &str,
    at: NaiveDateTime,
    throttle: &Throttle,
) -> Result<bool> {
    Ok(throttle.lock(&failures(conn, username_hash, address, at, throttle)?).is_some())
}

/// An attempt refused because of the throttle: logged as a failed login, not counted as one.
pub(crate) fn record_throttled(conn: &mut DbConn, actor: &Actor, record: &Record) -> Result<()> {
    write(conn, |conn| append(conn, actor, Action::LoginFailed, record))
}

/// A failed password check: counted for the throttle and logged.
pub(crate) fn refused(
    conn: &mut DbConn,
    actor: &Actor,
    username_hash: &str,
    address: &str,
    record: &Record,
) -> Result<()> {
    write(conn, |conn| {
        insert_attempt(conn, actor, username_hash, address, false)?;
        append(conn, actor, Action::LoginFailed, record)
    })
}

pub(crate) fn insert_attempt(
    conn: &mut DbConn,
    actor: &Actor,
    username_hash: &str,
    address: &str,
    succeeded: bool,
) -> Result<()> {
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

/// The users by the hash of their name, as attempts keep it: the staff, a few hundred at most.
fn by_name_hash(conn: &mut DbConn) -> Result<std::collections::HashMap<String, (i32, String)>> {
    let users: Vec<(i32, String)> = users_table::table.select((users_table::id, users_table::username)).load(conn)?;
    Ok(users.into_iter().map(|(id, name)| (token_hash(&name), (id, name))).collect())
}

/// A login that must wait now: who (the account's name when it is a user's; a name no user has
/// is kept only as a hash), from where, why, and how many failures hold it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockedOut {
    pub lock: Lock,
    pub username_hash: Option<String>,
    pub username: Option<String>,
    pub address: Option<String>,
    pub failures: i64,
    pub last_failure: NaiveDateTime,
}

/// The logins that must wait at `at`, counted in SQL over the throttle's window, for the
/// administrator (most failures first). Seeing them is logged as a reading of the users.
pub fn locks(conn: &mut DbConn, actor: &Actor, throttle: &Throttle) -> Result<Vec<LockedOut>> {
    use diesel::dsl::{count_star, max};
    let since = ago(actor.at, throttle.window);
    write(conn, |conn| {
        append(conn, actor, Action::Read, &Record::all(users::RECORD))?;
        let failed =
            || login_attempts::table.filter(login_attempts::succeeded.eq(false)).filter(login_attempts::at.ge(since));
        let pairs: Vec<(String, String, i64, Option<NaiveDateTime>)> = failed()
            .group_by((login_attempts::username_hash, login_attempts::client_address))
            .having(count_star().ge(throttle.max_failures_per_pair))
            .select((
                login_attempts::username_hash,
                login_attempts::client_address,
                count_star(),
                max(login_attempts::at),
            ))
            .load(conn)?;
        let accounts: Vec<(String, i64, Option<NaiveDateTime>)> = failed()
            .group_by(login_attempts::username_hash)
            .having(count_star().ge(throttle.max_failures_per_account))
            .select((login_attempts::username_hash, count_star(), max(login_attempts::at)))
            .load(conn)?;
        let addresses: Vec<(String, i64, Option<NaiveDateTime>)> = failed()
            .group_by(login_attempts::client_address)
            .having(count_star().ge(throttle.max_failures_per_address))
            .select((login_attempts::client_address, count_star(), max(login_attempts::at)))
            .load(conn)?;
        let users = by_name_hash(conn)?;
        let named = |hash: &String| users.get(hash).map(|(_, name)| name.clone());
        let mut locks: Vec<LockedOut> = pairs
            .into_iter()
            .map(|(hash, address, failures, last)| LockedOut {
                lock: Lock::Pair,
                username: named(&hash),
                username_hash: Some(hash),
                address: Some(address),
                failures,
                last_failure: last.unwrap_or(since),
            })
            .chain(accounts.into_iter().map(|(hash, failures, last)| LockedOut {
                lock: Lock::Account,
                username: named(&hash),
                username_hash: Some(hash),
                address: None,
                failures,
                last_failure: last.unwrap_or(since),
            }))
            .chain(addresses.into_iter().map(|(address, failures, last)| LockedOut {
                lock: Lock::Address,
                username: None,
                username_hash: None,
                address: Some(address),
                failures,
                last_failure: last.unwrap_or(since),
            }))
            .collect();
        locks.sort_by(|a, b| b.failures.cmp(&a.failures).then(b.last_failure.cmp(&a.last_failure)));
        Ok(locks)
    })
}

/// Lifts a lock: forgets the failures within the window that hold it (of the account at the
/// address, of the account, or from the address). Logged as a change of the user, or of the
/// users when the lock names no user.
pub fn clear_lock(
    conn: &mut DbConn,
    actor: &Actor,
    throttle: &Throttle,
    username_hash: Option<&str>,
    address: Option<&str>,
) -> Result<usize> {
    if username_hash.is_none() && address.is_none() {
        return Err(StoreError::NotFound);
    }
    write(conn, |conn| {
        let mut failed = diesel::delete(login_attempts::table)
            .filter(login_attempts::succeeded.eq(false))
            .filter(login_attempts::at.ge(ago(actor.at, throttle.window)))
            .into_boxed();
        if let Some(hash) = username_hash {
            failed = failed.filter(login_attempts::username_hash.eq(hash.to_owned()));
        }
        if let Some(address) = address {
            failed = failed.filter(login_attempts::client_address.eq(address.to_owned()));
        }
        let cleared = failed.execute(conn)?;
        let user_id = match username_hash {
            Some(hash) => by_name_hash(conn)?.remove(hash).map(|(id, _)| id),
            None => None,
        };
        let record = match user_id {
            Some(id) => Record::new(users::RECORD, id),
            None => Record::all(users::RECORD),
        };
        append(conn, actor, Action::Unlock, &record)?;
        Ok(cleared)
    })
}
