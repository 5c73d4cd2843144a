//! An overdue first contact is told to the case workers and unit managers who follow the
//! household (read, marked and e-mailed through `crate::notifications`).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use etablera_domain::access::Permission;
use etablera_domain::reception::first_contact::{DayCount, Status};

use crate::access::Scope;
use crate::notifications::Kind;
use crate::schema::notifications;
use crate::{DbConn, Result, write};

pub const OVERDUE_FIRST_CONTACT: Kind = Kind::FirstContactOverdue;

/// Makes a notification for every overdue first contact and every user who follows the
/// household, once, as things stand at `at` (UTC; the day is its Stockholm date). Returns how
/// many were made.
pub fn notify_overdue(conn: &mut DbConn, at: NaiveDateTime, days: DayCount) -> Result<usize> {
    let today = etablera_domain::time::to_local(at).date();
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
    let followers: Vec<(i32, Scope)> = crate::notifications::followers(conn, &codes, Permission::WriteCases)?
        .into_iter()
        .map(|(id, user)| (id, Scope::of(&user)))
        .collect();
    write(conn, |conn| {
        let mut made = 0;
        for (household_id, code, unit) in &overdue {
            for (user_id, _) in followers.iter().filter(|(_, scope)| scope.allows(code, unit)) {
                let exists: i64 = notifications::table
                    .filter(notifications::user_id.eq(user_id))
                    .filter(notifications::kind.eq(OVERDUE_FIRST_CONTACT.code()))
                    .filter(notifications::household_id.eq(household_id))
                    .count()
                    .get_result(conn)?;
                if exists == 0 {
                    diesel::insert_into(notifications::table)
                        .values((
                            notifications::user_id.eq(user_id),
                            notifications::kind.eq(OVERDUE_FIRST_CONTACT.code()),
                            notifications::household_id.eq(household_id),
                            notifications::created_at.eq(at),
                        ))
                        .execute(conn)?;
                    made += 1;
                }
            }
        }
        Ok(made)
    })
}

/// Marks every notification about a household's first contact read, for everyone: the contact
/// has been made (at `at`), so there is nothing left to tell or to e-mail.
pub(crate) fn settle(conn: &mut DbConn, household_id: i32, at: NaiveDateTime) -> Result<()> {
    diesel::update(
        notifications::table
            .filter(notifications::household_id.eq(household_id))
            .filter(notifications::kind.eq(OVERDUE_FIRST_CONTACT.code()))
            .filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(at))
    .execute(conn)?;
    Ok(())
}
