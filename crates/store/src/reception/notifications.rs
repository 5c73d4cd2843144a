//! Notifications in the application: an overdue first contact is told to the case workers and
//! unit managers who follow the household. A notification names the household, never a person.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use etablera_domain::access::Permission;
use etablera_domain::reception::first_contact::{DayCount, Status};

use super::Scope;
use super::households::label;
use crate::access::users;
use crate::schema::{households, notifications, user_municipalities, users as users_table};
use crate::{DbConn, Result, now, write};

pub const OVERDUE_FIRST_CONTACT: &str = "first_contact_overdue";

#[derive(Debug, Clone)]
pub struct Notification {
    pub id: i32,
    pub kind: String,
    pub household_id: i32,
    pub household_label: String,
    pub created_at: NaiveDateTime,
}

/// Makes a notification for every overdue first contact and every user who follows the
/// household, once. Returns how many were made.
pub fn notify_overdue(conn: &mut DbConn, today: NaiveDate, days: DayCount) -> Result<usize> {
    // Read first, without the write lock: most rounds find nothing to do.
    let overdue: Vec<(i32, String, String)> = super::households::summaries_for_notice(conn, today, days)?
        .into_iter()
        .filter(|s| matches!(s.first_contact, Some(Status::Overdue { .. })))
        .map(|s| (s.household.id, s.household.municipality_code, s.household.unit))
        .collect();
    if overdue.is_empty() {
        return Ok(0);
    }
    // Everyone who may work with cases in those municipalities, each loaded once.
    let codes: Vec<&str> = overdue.iter().map(|(_, code, _)| code.as_str()).collect();
    let mut user_ids: Vec<i32> = user_municipalities::table
        .filter(user_municipalities::municipality_code.eq_any(&codes))
        .select(user_municipalities::user_id)
        .load(conn)?;
    user_ids.sort_unstable();
    user_ids.dedup();
    let mut followers = Vec::new();
    for id in user_ids {
        let user = users::load(conn, id)?;
        if user.can(Permission::WriteCases) {
            followers.push((user.id, Scope::of(&user)));
        }
    }
    write(conn, |conn| {
        let mut made = 0;
        for (household_id, code, unit) in &overdue {
            for (user_id, _) in followers.iter().filter(|(_, scope)| scope.allows(code, unit)) {
                let exists: i64 = notifications::table
                    .filter(notifications::user_id.eq(user_id))
                    .filter(notifications::kind.eq(OVERDUE_FIRST_CONTACT))
                    .filter(notifications::household_id.eq(household_id))
                    .count()
                    .get_result(conn)?;
                if exists == 0 {
                    diesel::insert_into(notifications::table)
                        .values((
                            notifications::user_id.eq(user_id),
                            notifications::kind.eq(OVERDUE_FIRST_CONTACT),
                            notifications::household_id.eq(household_id),
                            notifications::created_at.eq(now()),
                        ))
                        .execute(conn)?;
                    made += 1;
                }
            }
        }
        Ok(made)
    })
}

/// A user's unread notifications, newest first.
pub fn unread(conn: &mut DbConn, user_id: i32) -> Result<Vec<Notification>> {
    let rows: Vec<(i32, String, i32, Option<String>, NaiveDateTime)> = notifications::table
        .inner_join(households::table)
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::read_at.is_null())
        .order(notifications::created_at.desc())
        .select((
            notifications::id,
            notifications::kind,
            notifications::household_id,
            households::reference,
            notifications::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, kind, household_id, reference, created_at)| Notification {
            id,
            kind,
            household_id,
            household_label: label(household_id, reference.as_deref()),
            created_at,
        })
        .collect())
}

/// Marks every notification about a household's first contact read, for everyone: the contact
/// has been made, so there is nothing left to tell or to e-mail.
pub(crate) fn settle(conn: &mut DbConn, household_id: i32) -> Result<()> {
    diesel::update(
        notifications::table
            .filter(notifications::household_id.eq(household_id))
            .filter(notifications::kind.eq(OVERDUE_FIRST_CONTACT))
            .filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(now()))
    .execute(conn)?;
    Ok(())
}

/// Marks one of the user's own notifications read.
pub fn mark_read(conn: &mut DbConn, user_id: i32, id: i32) -> Result<()> {
    diesel::update(notifications::table.find(id).filter(notifications::user_id.eq(user_id)))
        .set(notifications::read_at.eq(now()))
        .execute(conn)?;
    Ok(())
}

/// A notification waiting to be e-mailed: to whom, and what (the household's reference only).
#[derive(Debug, Clone)]
pub struct ToEmail {
    pub id: i32,
    pub email: String,
    pub kind: String,
    pub household_id: i32,
    pub household_label: String,
}

/// Notifications not yet e-mailed, to users who have an address and an enabled account.
pub fn to_email(conn: &mut DbConn) -> Result<Vec<ToEmail>> {
    let rows: Vec<(i32, String, String, i32, Option<String>)> = notifications::table
        .inner_join(households::table)
        .inner_join(users_table::table.on(users_table::id.eq(notifications::user_id)))
        .filter(notifications::emailed_at.is_null())
        .filter(notifications::read_at.is_null())
        .filter(users_table::disabled.eq(false))
        .filter(users_table::email.is_not_null())
        .order(notifications::id)
        .select((
            notifications::id,
            users_table::email.assume_not_null(),
            notifications::kind,
            notifications::household_id,
            households::reference,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, email, kind, household_id, reference)| ToEmail {
            id,
            email,
            kind,
            household_id,
            household_label: label(household_id, reference.as_deref()),
        })
        .collect())
}

/// Records that a notification was e-mailed, so that it is sent once.
pub fn mark_emailed(conn: &mut DbConn, id: i32) -> Result<()> {
    diesel::update(notifications::table.find(id)).set(notifications::emailed_at.eq(now())).execute(conn)?;
    Ok(())
}
