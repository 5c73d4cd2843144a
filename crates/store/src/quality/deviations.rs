//! A complaint or deviation: registered, changed as it is handled, closed. A serious one makes
//! a notification to every committee member of the municipality in the same transaction, and
//! the notification is in the access log. Its texts may name a household's affairs, so reading
//! one is logged.

use crate::access::log::RecordKind;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use etablera_domain::access::Role;
use etablera_domain::agreements::Side;
use etablera_domain::ids::{DeviationId, HouseholdId};
use etablera_domain::quality::deviations::{Category, Channel, Deviation, Kind, Severity};

use crate::access::Actor;
use crate::access::Scope;
use crate::access::log::{Action, Record, append, logged_read};
use crate::paging::{Page, Paging};
use crate::reception::households::label;
use crate::schema::{deviations, households, notifications, user_municipalities, user_roles, users};
use crate::{DbConn, Result, StoreError, write};
use etablera_domain::text::Text;

/// Access-log record kinds.
pub const DEVIATION: RecordKind = RecordKind::Deviation;
const NOTIFICATION: RecordKind = RecordKind::Notification;
/// The notification's kind.
pub const SERIOUS: crate::notifications::Kind = crate::notifications::Kind::DeviationSerious;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = deviations)]
pub struct DeviationRow {
    #[diesel(deserialize_as = i32)]
    pub id: DeviationId,
    pub municipality_code: String,
    #[diesel(deserialize_as = String)]
    pub kind: Kind,
    pub received_on: NaiveDate,
    #[diesel(deserialize_as = String)]
    pub channel: Channel,
    pub household_id: Option<i32>,
    pub description: String,
    #[diesel(deserialize_as = String)]
    pub category: Category,
    #[diesel(deserialize_as = String)]
    pub severity: Severity,
    pub actions: Option<String>,
    pub closed_on: Option<NaiveDate>,
    /// UTC.
    pub committee_notified_at: Option<NaiveDateTime>,
    pub version: i32,
    pub committee_summary: Option<String>,
    /// When the order's committee contact was e-mailed (or found to have no address).
    pub contact_emailed_at: Option<NaiveDateTime>,
}

impl DeviationRow {
    pub fn serious(&self) -> bool {
        self.severity == Severity::Serious
    }

    pub fn label(&self) -> String {
        crate::notifications::deviation_label(self.id)
    }
}

/// A complaint or deviation as listed or opened, with its household's reference when it has one
/// in the reader's scope.
#[derive(Debug, Clone)]
pub struct Listed {
    pub deviation: DeviationRow,
    pub household_label: Option<String>,
}

/// What a registration and a change both write.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = deviations, treat_none_as_null = true)]
struct Values<'a> {
    kind: &'static str,
    received_on: NaiveDate,
    channel: &'static str,
    household_id: Option<i32>,
    description: &'a str,
    category: &'static str,
    severity: &'static str,
    actions: Option<&'a str>,
    closed_on: Option<NaiveDate>,
    committee_summary: Option<&'a str>,
    changed_at: NaiveDateTime,
    changed_by: Option<i32>,
}

impl<'a> Values<'a> {
    fn of(actor: &Actor, household_id: Option<i32>, d: &'a Deviation) -> Values<'a> {
        Values {
            kind: d.kind.code(),
            received_on: d.received_on,
            channel: d.channel.code(),
            household_id,
            description: &d.description,
            category: d.category.code(),
            severity: d.severity.code(),
            actions: d.actions.as_deref(),
            closed_on: d.closed_on,
            committee_summary: d.committee_summary.as_deref(),
            changed_at: actor.at,
            changed_by: actor.user_id,
        }
    }
}

/// Where the municipality is in the caller's scope.
fn check_municipality(scope: &Scope, code: &str) -> Result<()> {
    if scope.municipalities.as_ref().is_none_or(|m| m.iter().any(|c| c == code)) {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// Whether the caller may see a case: its municipality is theirs and, when it concerns a
/// household, the household is in their scope (a case worker sees their own unit's).
fn visible(conn: &mut DbConn, scope: &Scope, code: &str, household_id: Option<i32>) -> Result<bool> {
    if check_municipality(scope, code).is_err() {
        return Ok(false);
    }
    Ok(household_id.is_none_or(|h| scope.household(conn, h).is_ok()))
}

/// The household a case is linked to: in scope, and in the case's municipality.
fn check_household(conn: &mut DbConn, scope: &Scope, code: &str, household_id: Option<i32>) -> Result<()> {
    if let Some(id) = household_id
        && scope.household(conn, id).ok().as_deref() != Some(code)
    {
        return Err(StoreError::invalid("household", Text::new("deviation-household-scope")));
    }
    Ok(())
}

/// Registers a complaint or deviation; a serious one is told to the committee at once.
pub fn create(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    municipality_code: &str,
    household_id: Option<HouseholdId>,
    d: &Deviation,
) -> Result<DeviationId> {
    let household_id = household_id.map(HouseholdId::get);
    check_municipality(scope, municipality_code)?;
    write(conn, |conn| {
        check_household(conn, scope, municipality_code, household_id)?;
        let id: i32 = diesel::insert_into(deviations::table)
            .values((
                Values::of(actor, household_id, d),
                deviations::municipality_code.eq(municipality_code),
                deviations::created_at.eq(actor.at),
                deviations::created_by.eq(actor.user_id),
            ))
            .returning(deviations::id)
            .get_result(conn)?;
        append(conn, actor, Action::Create, &Record::new(DEVIATION, id).in_municipality(municipality_code))?;
        if d.severity == Severity::Serious {
            notify_committee(conn, actor, municipality_code, id)?;
        }
        Ok(DeviationId::new(id))
    })
}

/// Changes a complaint or deviation as it is handled. `version` is the one the caller saw. One
/// that becomes serious is told to the committee then.
pub fn update(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    id: DeviationId,
    version: i32,
    household_id: Option<HouseholdId>,
    d: &Deviation,
) -> Result<()> {
    let (id, household_id) = (id.get(), household_id.map(HouseholdId::get));
    write(conn, |conn| {
        let (code, linked, notified): (String, Option<i32>, Option<NaiveDateTime>) = deviations::table
            .find(id)
            .select((deviations::municipality_code, deviations::household_id, deviations::committee_notified_at))
            .first(conn)
            .optional()?
            .ok_or(StoreError::NotFound)?;
        if !visible(conn, scope, &code, linked)? {
            return Err(StoreError::NotFound);
        }
        check_household(conn, scope, &code, household_id)?;
        let changed = diesel::update(deviations::table.find(id).filter(deviations::version.eq(version)))
            .set((Values::of(actor, household_id, d), deviations::version.eq(deviations::version + 1)))
            .execute(conn)?;
        if changed == 0 {
            return Err(StoreError::Stale);
        }
        append(conn, actor, Action::Update, &Record::new(DEVIATION, id).in_municipality(&code))?;
        if d.severity == Severity::Serious && notified.is_none() {
            notify_committee(conn, actor, &code, id)?;
        } else if d.severity != Severity::Serious {
            // No longer serious: what the committee was told leads nowhere now.
            diesel::update(
                notifications::table
                    .filter(notifications::deviation_id.eq(id))
                    .filter(notifications::kind.eq(SERIOUS.code()))
                    .filter(notifications::read_at.is_null()),
            )
            .set(notifications::read_at.eq(actor.at))
            .execute(conn)?;
        }
        Ok(())
    })
}

/// A notification to every enabled committee member of the municipality, once, logged; the
/// case records when the committee was told. Returns how many were told.
fn notify_committee(conn: &mut DbConn, actor: &Actor, municipality_code: &str, id: i32) -> Result<usize> {
    let members: Vec<i32> = users::table
        .inner_join(user_roles::table)
        .inner_join(user_municipalities::table)
        .filter(user_roles::role.eq(Role::Committee.code()))
        .filter(user_municipalities::municipality_code.eq(municipality_code))
        .filter(users::disabled.eq(false))
        .select(users::id)
        .distinct()
        .load(conn)?;
    for user_id in &members {
        diesel::insert_into(notifications::table)
            .values((
                notifications::user_id.eq(user_id),
                notifications::kind.eq(SERIOUS.code()),
                notifications::deviation_id.eq(id),
                notifications::created_at.eq(actor.at),
            ))
            .execute(conn)?;
    }
    // The order's committee contact is e-mailed by the mail round, unless there is no address
    // that the members' notices do not already reach.
    let contact_pending = !contact_addresses(conn, municipality_code)?.is_empty();
    if !members.is_empty() || contact_pending {
        diesel::update(deviations::table.find(id)).set(deviations::committee_notified_at.eq(actor.at)).execute(conn)?;
        append(conn, actor, Action::Create, &Record::new(NOTIFICATION, id).in_municipality(municipality_code))?;
    }
    if !contact_pending {
        diesel::update(deviations::table.find(id)).set(deviations::contact_emailed_at.eq(actor.at)).execute(conn)?;
    }
    Ok(members.len())
}

/// The e-mail addresses of the current order's committee contacts that are not an enabled
/// committee member's address (those get their own notice).
fn contact_addresses(conn: &mut DbConn, municipality_code: &str) -> Result<Vec<String>> {
    let Some(order) = crate::agreements::orders::current(conn, municipality_code)? else { return Ok(Vec::new()) };
    let members: Vec<Option<String>> = users::table
        .inner_join(user_roles::table)
        .inner_join(user_municipalities::table)
        .filter(user_roles::role.eq(Role::Committee.code()))
        .filter(user_municipalities::municipality_code.eq(municipality_code))
        .filter(users::disabled.eq(false))
        .select(users::email)
        .load(conn)?;
    let mut out: Vec<String> = order
        .current()
        .contacts
        .iter()
        .filter(|c| c.side == Side::Committee)
        .filter_map(|c| c.email.clone())
        .filter(|e| !members.iter().flatten().any(|m| m.eq_ignore_ascii_case(e)))
        .collect();
    out.sort();
    out.dedup();
    Ok(out)
}

/// A serious case whose order contact waits for an e-mail.
#[derive(Debug, Clone)]
pub struct ContactNotice {
    pub deviation_id: DeviationId,
    pub addresses: Vec<String>,
}

/// The serious cases whose committee contact is still to be e-mailed.
pub fn contact_notices(conn: &mut DbConn) -> Result<Vec<ContactNotice>> {
    let waiting: Vec<(i32, String)> = deviations::table
        .filter(deviations::severity.eq(Severity::Serious.code()))
        .filter(deviations::committee_notified_at.is_not_null())
        .filter(deviations::contact_emailed_at.is_null())
        .order(deviations::id)
        .select((deviations::id, deviations::municipality_code))
        .load(conn)?;
    let mut out = Vec::new();
    for (deviation_id, code) in waiting {
        out.push(ContactNotice {
            deviation_id: DeviationId::new(deviation_id),
            addresses: contact_addresses(conn, &code)?,
        });
    }
    Ok(out)
}

/// Takes a contact notice for sending: `true` when this caller got it (nobody else is sending
/// it), at `at`. The e-mail is in the access log, as Etablera's own act.
pub fn claim_contact_notice(conn: &mut DbConn, deviation_id: DeviationId, at: NaiveDateTime) -> Result<bool> {
    let deviation_id = deviation_id.get();
    write(conn, |conn| {
        let claimed =
            diesel::update(deviations::table.find(deviation_id).filter(deviations::contact_emailed_at.is_null()))
                .set(deviations::contact_emailed_at.eq(at))
                .execute(conn)?;
        if claimed == 1 {
            let code: String =
                deviations::table.find(deviation_id).select(deviations::municipality_code).first(conn)?;
            let record = Record::new(crate::access::log::RecordKind::ContactNotice, deviation_id).in_municipality(code);
            append(conn, &Actor::system(at), Action::Create, &record)?;
        }
        Ok(claimed == 1)
    })
}

/// Gives a claimed notice back when the e-mail could not be sent, to be tried again.
pub fn release_contact_notice(conn: &mut DbConn, deviation_id: DeviationId) -> Result<()> {
    diesel::update(deviations::table.find(deviation_id.get()))
        .set(deviations::contact_emailed_at.eq(None::<NaiveDateTime>))
        .execute(conn)?;
    Ok(())
}

/// How far the committee has been told: members notified, and of them e-mailed.
pub fn notice(conn: &mut DbConn, id: DeviationId) -> Result<(usize, usize)> {
    let rows: Vec<Option<NaiveDateTime>> = notifications::table
        .filter(notifications::deviation_id.eq(id.get()))
        .filter(notifications::kind.eq(SERIOUS.code()))
        .select(notifications::emailed_at)
        .load(conn)?;
    Ok((rows.len(), rows.iter().filter(|e| e.is_some()).count()))
}

fn with_labels(conn: &mut DbConn, scope: &Scope, rows: Vec<DeviationRow>) -> Result<Vec<Listed>> {
    let ids: Vec<i32> = rows.iter().filter_map(|r| r.household_id).collect();
    let in_scope: Vec<(i32, Option<String>)> = scope
        .households()
        .filter(households::id.eq_any(&ids))
        .select((households::id, households::reference))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|deviation| {
            let household_label = deviation
                .household_id
                .and_then(|h| in_scope.iter().find(|(id, _)| *id == h))
                .map(|(id, reference)| label(*id, reference.as_deref()));
            Listed { deviation, household_label }
        })
        .collect())
}

/// Which cases a list shows, and in what order.
#[derive(Debug, Clone, Default)]
pub struct DeviationQuery {
    /// Open or closed cases; both when `None`.
    pub open: Option<bool>,
    pub kind: Option<Kind>,
    pub severity: Option<Severity>,
    /// Newest received first unless `false`.
    pub descending: bool,
    pub paging: Paging,
}

type Boxed = diesel::helper_types::IntoBoxed<
    'static,
    diesel::helper_types::LeftJoin<deviations::table, households::table>,
    <DbConn as diesel::Connection>::Backend,
>;

/// The municipality's cases the caller may see: those of no household, and those of a household
/// in their scope (a case worker sees their own unit's).
fn selected(scope: &Scope, municipality_code: &str, q: &DeviationQuery) -> Boxed {
    let mut query = deviations::table
        .left_join(households::table)
        .filter(deviations::municipality_code.eq(municipality_code.to_owned()))
        .into_boxed();
    if let Some(unit) = scope.unit.clone() {
        query = query.filter(deviations::household_id.is_null().or(households::unit.nullable().eq(unit)));
    }
    match q.open {
        Some(true) => query = query.filter(deviations::closed_on.is_null()),
        Some(false) => query = query.filter(deviations::closed_on.is_not_null()),
        None => {}
    }
    if let Some(kind) = q.kind {
        query = query.filter(deviations::kind.eq(kind.code()));
    }
    if let Some(severity) = q.severity {
        query = query.filter(deviations::severity.eq(severity.code()));
    }
    query
}

/// A page of the municipality's complaints and deviations, open first, newest received first
/// unless asked, with the count of all that match.
pub fn page(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    municipality_code: &str,
    q: &DeviationQuery,
) -> Result<Page<Listed>> {
    check_municipality(scope, municipality_code)?;
    let record = Record::all(DEVIATION).in_municipality(municipality_code);
    logged_read(conn, actor, &record, |conn| {
        let total: i64 = selected(scope, municipality_code, q).count().get_result(conn)?;
        let query = selected(scope, municipality_code, q);
        // Open cases first, whichever way the dates run.
        let open_first = deviations::closed_on.is_not_null();
        let query = if q.descending {
            query.order((open_first, deviations::received_on.desc(), deviations::id.desc()))
        } else {
            query.order((open_first, deviations::received_on.asc(), deviations::id.asc()))
        };
        let rows: Vec<(DeviationRow, Option<i32>, Option<String>)> = query
            .limit(q.paging.limit())
            .offset(q.paging.offset())
            .select((DeviationRow::as_select(), households::id.nullable(), households::reference.nullable()))
            .load(conn)?;
        let rows = rows
            .into_iter()
            .map(|(deviation, household, reference)| Listed {
                household_label: household.map(|id| label(id, reference.as_deref())),
                deviation,
            })
            .collect();
        Ok(Page { rows, total: total as u64, paging: q.paging })
    })
}

/// The case's municipality and linked household when the caller may see it.
pub(crate) fn scoped(conn: &mut DbConn, scope: &Scope, id: DeviationId) -> Result<(String, Option<i32>)> {
    let (code, linked): (String, Option<i32>) = deviations::table
        .find(id.get())
        .select((deviations::municipality_code, deviations::household_id))
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)?;
    if !visible(conn, scope, &code, linked)? {
        return Err(StoreError::NotFound);
    }
    Ok((code, linked))
}

/// Opens one for the unit.
pub fn get(conn: &mut DbConn, actor: &Actor, scope: &Scope, id: DeviationId) -> Result<Listed> {
    let (code, _) = scoped(conn, scope, id)?;
    let id = id.get();
    logged_read(conn, actor, &Record::new(DEVIATION, id).in_municipality(&code), |conn| {
        let row = deviations::table.find(id).select(DeviationRow::as_select()).first(conn)?;
        Ok(with_labels(conn, scope, vec![row])?.remove(0))
    })
}

/// A serious case as the committee reads it: what it is, when, and the summary written for
/// the committee. Never the description, the actions or the household.
#[derive(Debug, Clone)]
pub struct CommitteeView {
    pub id: DeviationId,
    pub kind: Kind,
    pub received_on: NaiveDate,
    pub category: Category,
    pub severity: Severity,
    pub summary: Option<String>,
    pub closed_on: Option<NaiveDate>,
}

/// Opens a serious one for the committee, in one of `municipalities`. Anything else is "not
/// found".
pub fn get_serious(
    conn: &mut DbConn,
    actor: &Actor,
    municipalities: &[String],
    id: DeviationId,
) -> Result<CommitteeView> {
    let id = id.get();
    let row = deviations::table
        .find(id)
        .select(DeviationRow::as_select())
        .first(conn)
        .optional()?
        .filter(|r| r.serious() && municipalities.contains(&r.municipality_code))
        .ok_or(StoreError::NotFound)?;
    let record = Record::new(DEVIATION, id).in_municipality(&row.municipality_code);
    crate::access::log::record(conn, actor, Action::Read, &record)?;
    Ok(CommitteeView {
        id: row.id,
        kind: row.kind,
        received_on: row.received_on,
        category: row.category,
        severity: row.severity,
        summary: row.committee_summary,
        closed_on: row.closed_on,
    })
}
