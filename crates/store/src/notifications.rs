//! What Etablera tells its users, in the application and by e-mail: an overdue first contact
//! (about a household) or a serious complaint or deviation (about the case). A notification
//! names its subject by reference, never a person. The areas make them (`reception`,
//! `quality`); reading, marking and e-mailing are here, once.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use etablera_domain::ids::{DeviationId, HouseholdId, NotificationId, UserId};

use crate::access::Scope;
use crate::access::users::User;
use crate::reception::households::label;
use crate::schema::{households, notifications, user_municipalities, users};
use crate::{DbConn, Result};
use etablera_domain::access::Permission;

etablera_domain::coded! {
    /// What a notification tells.
    pub enum Kind {
        /// A household's first contact is overdue (`reception`).
        FirstContactOverdue = "first_contact_overdue",
        /// A serious complaint or deviation was registered (`quality`).
        DeviationSerious = "deviation_serious",
        /// Someone who may not see the household tried to register a number one of its persons
        /// holds (`reception`): for its unit managers to sort out.
        IdentityElsewhere = "identity_elsewhere",
    }
}

/// What a notification is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Household { id: HouseholdId, label: String },
    Deviation { id: DeviationId },
}

impl Subject {
    /// How the subject is named in the message.
    pub fn label(&self) -> String {
        match self {
            Subject::Household { label, .. } => label.clone(),
            Subject::Deviation { id } => deviation_label(*id),
        }
    }
}

/// A complaint or deviation as named to people: Ä and its number.
pub fn deviation_label(id: DeviationId) -> String {
    format!("Ä{id}")
}

#[derive(Debug, Clone)]
pub struct Notification {
    pub id: NotificationId,
    pub kind: Kind,
    pub subject: Subject,
    pub created_at: NaiveDateTime,
}

type Row = (i32, String, Option<i32>, Option<i32>, NaiveDateTime);

/// The rows with their subjects, the households' references read in one query.
fn with_subjects(conn: &mut DbConn, rows: Vec<Row>) -> Result<Vec<Notification>> {
    let ids: Vec<i32> = rows.iter().filter_map(|r| r.2).collect();
    let references: BTreeMap<i32, Option<String>> = households::table
        .filter(households::id.eq_any(&ids))
        .select((households::id, households::reference))
        .load::<(i32, Option<String>)>(conn)?
        .into_iter()
        .collect();
    let mut list = Vec::with_capacity(rows.len());
    for (id, kind, household_id, deviation_id, created_at) in rows {
        let subject = match (household_id, deviation_id) {
            (Some(h), _) => Subject::Household {
                id: HouseholdId::new(h),
                label: label(h, references.get(&h).and_then(|r| r.as_deref())),
            },
            (None, Some(d)) => Subject::Deviation { id: DeviationId::new(d) },
            (None, None) => continue,
        };
        list.push(Notification { id: NotificationId::new(id), kind: Kind::try_from(kind)?, subject, created_at });
    }
    Ok(list)
}

/// A user's unread notifications, newest first.
pub fn unread(conn: &mut DbConn, user_id: i32) -> Result<Vec<Notification>> {
    let rows: Vec<Row> = notifications::table
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::read_at.is_null())
        .order((notifications::created_at.desc(), notifications::id.desc()))
        .select((
            notifications::id,
            notifications::kind,
            notifications::household_id,
            notifications::deviation_id,
            notifications::created_at,
        ))
        .load(conn)?;
    with_subjects(conn, rows)
}

/// Marks one of the user's own notifications read, at `at`.
pub fn mark_read(conn: &mut DbConn, user_id: UserId, id: NotificationId, at: NaiveDateTime) -> Result<()> {
    diesel::update(notifications::table.find(id.get()).filter(notifications::user_id.eq(user_id.get())))
        .set(notifications::read_at.eq(at))
        .execute(conn)?;
    Ok(())
}

/// A notification waiting to be e-mailed, and to whom.
#[derive(Debug, Clone)]
pub struct ToEmail {
    pub email: String,
    pub notification: Notification,
}

/// Notifications not yet e-mailed, to users who have an address and an enabled account.
pub fn to_email(conn: &mut DbConn) -> Result<Vec<ToEmail>> {
    let rows: Vec<(String, Row)> = notifications::table
        .inner_join(users::table.on(users::id.eq(notifications::user_id)))
        .filter(notifications::emailed_at.is_null())
        .filter(notifications::read_at.is_null())
        .filter(users::disabled.eq(false))
        .filter(users::email.is_not_null())
        .order(notifications::id)
        .select((
            users::email.assume_not_null(),
            (
                notifications::id,
                notifications::kind,
                notifications::household_id,
                notifications::deviation_id,
                notifications::created_at,
            ),
        ))
        .load(conn)?;
    let emails: BTreeMap<NotificationId, String> =
        rows.iter().map(|(email, row)| (NotificationId::new(row.0), email.clone())).collect();
    let list = with_subjects(conn, rows.into_iter().map(|(_, row)| row).collect())?;
    Ok(list
        .into_iter()
        .filter_map(|notification| Some(ToEmail { email: emails.get(&notification.id)?.clone(), notification }))
        .collect())
}

/// Takes a notification for e-mailing: `true` when this caller got it. Two rounds that run at
/// once (the ten-minute round and a serious case's) never send the same message twice. The
/// notification is marked as e-mailed at `at`.
pub fn claim_for_email(conn: &mut DbConn, id: NotificationId, at: NaiveDateTime) -> Result<bool> {
    let claimed = diesel::update(notifications::table.find(id.get()).filter(notifications::emailed_at.is_null()))
        .set(notifications::emailed_at.eq(at))
        .execute(conn)?;
    Ok(claimed == 1)
}

/// Gives a claimed notification back when the e-mail could not be sent, to be tried again.
pub fn release_for_email(conn: &mut DbConn, id: NotificationId) -> Result<()> {
    diesel::update(notifications::table.find(id.get()))
        .set(notifications::emailed_at.eq(None::<NaiveDateTime>))
        .execute(conn)?;
    Ok(())
}

/// The users of these municipalities who have `permission`, each loaded once, with their ids:
/// those a notification about a household there may go to, once their scope allows it.
pub(crate) fn followers(conn: &mut DbConn, codes: &[&str], permission: Permission) -> Result<Vec<(i32, User)>> {
    let mut ids: Vec<i32> = user_municipalities::table
        .filter(user_municipalities::municipality_code.eq_any(codes))
        .select(user_municipalities::user_id)
        .load(conn)?;
    ids.sort_unstable();
    ids.dedup();
    let mut found = Vec::new();
    for id in ids {
        let user = crate::access::users::load(conn, id)?;
        if user.can(permission) {
            found.push((id, user));
        }
    }
    Ok(found)
}

/// Tells the unit managers who follow a household (those who manage the unit, in its
/// municipality) about it; once a day at most for the same household and kind, so that repeated
/// attempts do not flood them. The caller holds the transaction.
pub(crate) fn notify_unit_managers(
    conn: &mut DbConn,
    kind: Kind,
    municipality_code: &str,
    unit: &str,
    household_id: i32,
    at: NaiveDateTime,
) -> Result<usize> {
    let managers = followers(conn, &[municipality_code], etablera_domain::access::Permission::ManageUnit)?;
    let mut made = 0;
    for (id, _) in managers.iter().filter(|(_, user)| !user.disabled && Scope::of(user).allows(municipality_code, unit))
    {
        let recent: i64 = notifications::table
            .filter(notifications::user_id.eq(*id))
            .filter(notifications::kind.eq(kind.code()))
            .filter(notifications::household_id.eq(household_id))
            .filter(notifications::created_at.ge(at - chrono::Duration::days(1)))
            .count()
            .get_result(conn)?;
        if recent == 0 {
            diesel::insert_into(notifications::table)
                .values((
                    notifications::user_id.eq(*id),
                    notifications::kind.eq(kind.code()),
                    notifications::household_id.eq(household_id),
                    notifications::created_at.eq(at),
                ))
                .execute(conn)?;
            made += 1;
        }
    }
    Ok(made)
}
