//! The monthly review of the access log: starting one picks a municipality's reads of persons
//! and households in the month by the domain's reasons (see
//! [`etablera_domain::access::review`]) and keeps them, with why, as the review's items; the
//! reviewer marks each with a comment and signs the review when none is left. A signed review
//! is kept as it was signed.
//!
//! The month's rows are read in batches along the log's ids (the ids of the month are found
//! once through the index on time), and what each batch needs of households, persons and notes
//! is read for that batch only; the items are written in one short transaction afterwards, so
//! that a large month does not hold other writers up while it is read.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use etablera_domain::access::review::{self, Reason};
use etablera_domain::access::{Permission, Role};
use etablera_domain::reporting::monthly::Month;
use etablera_domain::text::Text;
use etablera_domain::time::{start_of_local_day, to_local};

use super::Actor;
use super::log::{Action, Record, RecordKind, append};
use crate::paging::{Page, Paging};
use crate::schema::{access_log, case_notes, households, log_review_items, log_reviews, persons, user_roles, users};
use crate::{DbConn, Result, StoreError, read, write};

const RECORD: RecordKind = RecordKind::LogReview;

/// How many log rows one batch reads.
const BATCH: i64 = 2000;

/// A review as listed and opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub id: i32,
    pub municipality_code: String,
    pub month: String,
    pub created_at: NaiveDateTime,
    pub created_by: Option<String>,
    pub signed_at: Option<NaiveDateTime>,
    pub signed_by: Option<String>,
    pub summary: Option<String>,
    pub items: i64,
    /// Not yet marked reviewed.
    pub open: i64,
}

/// One read picked for the review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub id: i32,
    pub log_id: i32,
    pub at: NaiveDateTime,
    pub reader: Option<String>,
    pub action: String,
    pub record_kind: String,
    pub record_id: Option<String>,
    pub reasons: Vec<Reason>,
    pub reviewed_at: Option<NaiveDateTime>,
    pub reviewed_by: Option<String>,
    pub comment: Option<String>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = log_reviews)]
struct ReviewRow {
    id: i32,
    municipality_code: String,
    month: String,
    created_at: NaiveDateTime,
    created_by: Option<i32>,
    signed_at: Option<NaiveDateTime>,
    signed_by: Option<i32>,
    summary: Option<String>,
}

fn reviews_query() -> log_reviews::BoxedQuery<'static, <DbConn as diesel::Connection>::Backend> {
    log_reviews::table.into_boxed()
}

fn to_reviews(conn: &mut DbConn, rows: Vec<ReviewRow>) -> Result<Vec<Review>> {
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let counts: Vec<(i32, i64, i64)> = if ids.is_empty() {
        Vec::new()
    } else {
        use diesel::dsl::{count_star, sql};
        log_review_items::table
            .filter(log_review_items::review_id.eq_any(&ids))
            .group_by(log_review_items::review_id)
            .select((
                log_review_items::review_id,
                count_star(),
                sql::<diesel::sql_types::BigInt>(
                    "COALESCE(SUM(CASE WHEN log_review_items.reviewed_at IS NULL THEN 1 ELSE 0 END), 0)",
                ),
            ))
            .load(conn)?
    };
    let people: Vec<i32> = rows.iter().flat_map(|r| [r.created_by, r.signed_by]).flatten().collect();
    let names = super::users::display_names(conn, &people)?;
    let name = |id: Option<i32>| id.and_then(|i| names.get(&i).cloned());
    Ok(rows
        .into_iter()
        .map(|r| {
            let (items, open) = counts.iter().find(|c| c.0 == r.id).map_or((0, 0), |c| (c.1, c.2));
            Review {
                id: r.id,
                municipality_code: r.municipality_code,
                month: r.month,
                created_at: r.created_at,
                created_by: name(r.created_by),
                signed_at: r.signed_at,
                signed_by: name(r.signed_by),
                summary: r.summary,
                items,
                open,
            }
        })
        .collect())
}

/// The reviews of the municipalities, the latest month first (twelve a year each; the last
/// 120 are listed).
pub fn list(conn: &mut DbConn, actor: &Actor, codes: &[String]) -> Result<Vec<Review>> {
    write(conn, |conn| {
        append(conn, actor, Action::Read, &Record::all(RECORD))?;
        let rows: Vec<ReviewRow> = reviews_query()
            .filter(log_reviews::municipality_code.eq_any(codes))
            .order((log_reviews::month.desc(), log_reviews::municipality_code))
            .limit(120)
            .select(ReviewRow::as_select())
            .load(conn)?;
        to_reviews(conn, rows)
    })
}

/// A review of one of the municipalities; "not found" for any other.
pub fn get(conn: &mut DbConn, actor: &Actor, codes: &[String], id: i32) -> Result<Review> {
    write(conn, |conn| {
        let review = find(conn, codes, id)?;
        append(conn, actor, Action::Read, &Record::new(RECORD, id).in_municipality(&review.municipality_code))?;
        Ok(review)
    })
}

fn find(conn: &mut DbConn, codes: &[String], id: i32) -> Result<Review> {
    let row: ReviewRow = reviews_query()
        .filter(log_reviews::id.eq(id))
        .filter(log_reviews::municipality_code.eq_any(codes))
        .select(ReviewRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)?;
    Ok(to_reviews(conn, vec![row])?.remove(0))
}

type ItemRow = (
    i32,
    i32,
    NaiveDateTime,
    Option<i32>,
    String,
    String,
    Option<String>,
    String,
    Option<NaiveDateTime>,
    Option<i32>,
    Option<String>,
);

/// A page of a review's items in the log's order; only those not yet reviewed when asked.
/// Read under the review's own reading (see [`get`]).
pub fn items(conn: &mut DbConn, codes: &[String], id: i32, open_only: bool, paging: Paging) -> Result<Page<Item>> {
    read(conn, |conn| {
        find(conn, codes, id)?;
        let base = || {
            let mut q = log_review_items::table.filter(log_review_items::review_id.eq(id)).into_boxed();
            if open_only {
                q = q.filter(log_review_items::reviewed_at.is_null());
            }
            q
        };
        let total: i64 = base().count().get_result(conn)?;
        let rows: Vec<ItemRow> = base()
            .order(log_review_items::id)
            .limit(paging.limit())
            .offset(paging.offset())
            .select((
                log_review_items::id,
                log_review_items::log_id,
                log_review_items::at,
                log_review_items::actor_user_id,
                log_review_items::action,
                log_review_items::record_kind,
                log_review_items::record_id,
                log_review_items::reasons,
                log_review_items::reviewed_at,
                log_review_items::reviewed_by,
                log_review_items::comment,
            ))
            .load(conn)?;
        let people: Vec<i32> = rows.iter().flat_map(|r| [r.3, r.9]).flatten().collect();
        let names = super::users::display_names(conn, &people)?;
        let name = |id: Option<i32>| id.and_then(|i| names.get(&i).cloned());
        let rows = rows
            .into_iter()
            .map(|r| Item {
                id: r.0,
                log_id: r.1,
                at: r.2,
                reader: name(r.3),
                action: r.4,
                record_kind: r.5,
                record_id: r.6,
                reasons: Reason::split(&r.7),
                reviewed_at: r.8,
                reviewed_by: name(r.9),
                comment: r.10,
            })
            .collect();
        Ok(Page { rows, total: u64::try_from(total).unwrap_or(0), paging })
    })
}

struct Picked {
    log_id: i32,
    at: NaiveDateTime,
    actor: Option<i32>,
    action: String,
    record_kind: String,
    record_id: Option<String>,
    reasons: String,
}

/// Starts the review of a municipality's month (which must have ended): picks the reads and
/// keeps them as its items. Gives the review's id; a month already under review is refused.
pub fn start(conn: &mut DbConn, actor: &Actor, codes: &[String], code: &str, month: Month) -> Result<i32> {
    if !codes.iter().any(|c| c == code) {
        return Err(StoreError::NotFound);
    }
    month.check_ended("month", actor.today()).map_err(|e| StoreError::invalid("month", e.message))?;
    let taken = |conn: &mut DbConn| -> Result<bool> {
        Ok(log_reviews::table
            .filter(log_reviews::municipality_code.eq(code))
            .filter(log_reviews::month.eq(month.code()))
            .select(log_reviews::id)
            .first::<i32>(conn)
            .optional()?
            .is_some())
    };
    if read(conn, taken)? {
        return Err(StoreError::invalid("month", Text::new("review-exists")));
    }
    let picked = read(conn, |conn| pick(conn, code, month))?;
    write(conn, |conn| {
        if taken(conn)? {
            return Err(StoreError::invalid("month", Text::new("review-exists")));
        }
        let id: i32 = diesel::insert_into(log_reviews::table)
            .values((
                log_reviews::municipality_code.eq(code),
                log_reviews::month.eq(month.code()),
                log_reviews::created_at.eq(actor.at),
                log_reviews::created_by.eq(actor.user_id),
            ))
            .returning(log_reviews::id)
            .get_result(conn)
            // Another reviewer started the same month at the same moment (PostgreSQL).
            .map_err(StoreError::unique_as_stale)?;
        let mut rows: Vec<_> = picked
            .iter()
            .map(|p| {
                (
                    log_review_items::review_id.eq(id),
                    log_review_items::log_id.eq(p.log_id),
                    log_review_items::at.eq(p.at),
                    log_review_items::actor_user_id.eq(p.actor),
                    log_review_items::action.eq(p.action.clone()),
                    log_review_items::record_kind.eq(p.record_kind.clone()),
                    log_review_items::record_id.eq(p.record_id.clone()),
                    log_review_items::reasons.eq(p.reasons.clone()),
                )
            })
            .collect();
        crate::db::insert_rows!(conn, log_review_items::table, rows);
        append(conn, actor, Action::Read, &Record::all(RecordKind::AccessLog).in_municipality(code))?;
        append(conn, actor, Action::Create, &Record::new(RECORD, id).in_municipality(code))?;
        Ok(id)
    })
}

/// What a batch of reads needs to know of a household.
struct HouseholdFacts {
    unit: String,
    protected: bool,
    /// The users related to the case: its responsible case worker, who registered it, who
    /// wrote notes in it.
    related: HashSet<i32>,
}

/// A reader: their unit, and whether they manage units.
struct Reader {
    unit: Option<String>,
    manager: bool,
}

fn pick(conn: &mut DbConn, code: &str, month: Month) -> Result<Vec<Picked>> {
    let from = start_of_local_day(month.first);
    let until = start_of_local_day(month.last.succ_opt().unwrap_or(month.last));
    let (lo, hi): (Option<i32>, Option<i32>) = access_log::table
        .filter(access_log::at.ge(from))
        .filter(access_log::at.lt(until))
        .select((diesel::dsl::min(access_log::id), diesel::dsl::max(access_log::id)))
        .first(conn)?;
    let (Some(lo), Some(hi)) = (lo, hi) else { return Ok(Vec::new()) };
    let readers = readers(conn)?;
    let kinds = [RecordKind::Person.code(), RecordKind::Household.code()];
    let actions = [Action::Read.code(), Action::Export.code()];
    let mut picked = Vec::new();
    let mut facts: HashMap<i32, HouseholdFacts> = HashMap::new();
    let mut after = lo - 1;
    loop {
        let rows: Vec<(i32, NaiveDateTime, Option<i32>, String, String, Option<String>)> = access_log::table
            // Along the primary key only: with the time, the kind of record or the actor in the
            // filter a planner may take the index on one of them and read far more than the
            // batch, for every batch. What is not a user's read of a person or a household, and
            // the few rows of the id range stamped outside the month, are left out below.
            .filter(access_log::id.gt(after))
            .filter(access_log::id.le(hi))
            .filter(access_log::municipality_code.eq(code))
            .filter(access_log::action.eq_any(actions))
            .order(access_log::id)
            .limit(BATCH)
            .select((
                access_log::id,
                access_log::at,
                access_log::actor_user_id,
                access_log::action,
                access_log::record_kind,
                access_log::record_id,
            ))
            .load(conn)?;
        let Some(last) = rows.last() else { break };
        after = last.0;
        let full = rows.len() == BATCH as usize;
        let rows: Vec<_> = rows
            .into_iter()
            .filter(|r| r.1 >= from && r.1 < until && r.2.is_some() && r.5.is_some() && kinds.contains(&r.4.as_str()))
            .collect();
        let person_ids: Vec<i32> = rows
            .iter()
            .filter(|r| r.4 == RecordKind::Person.code())
            .filter_map(|r| r.5.as_deref()?.parse().ok())
            .collect();
        let household_of_person: HashMap<i32, i32> = chunked(&person_ids, |ids| {
            Ok(persons::table
                .filter(persons::id.eq_any(ids))
                .select((persons::id, persons::household_id))
                .load(conn)?)
        })?
        .into_iter()
        .collect();
        let household_of = |r: &(i32, NaiveDateTime, Option<i32>, String, String, Option<String>)| -> Option<i32> {
            let id: i32 = r.5.as_deref()?.parse().ok()?;
            if r.4 == RecordKind::Person.code() { household_of_person.get(&id).copied() } else { Some(id) }
        };
        // A household read in one batch is read in the next: what is known of it is kept for
        // the month (at most the municipality's households).
        let unknown: Vec<i32> = {
            let mut ids: Vec<i32> = rows.iter().filter_map(household_of).filter(|h| !facts.contains_key(h)).collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        facts.extend(household_facts(conn, &unknown)?);
        for r in &rows {
            let Some(facts) = household_of(r).and_then(|h| facts.get(&h)) else { continue };
            let reader_id = r.2.unwrap_or_default();
            let reader = readers.get(&reader_id);
            let manager_here =
                reader.is_some_and(|u| u.manager && u.unit.as_deref().is_none_or(|unit| unit == facts.unit));
            let read = review::Read {
                local_at: to_local(r.1),
                protected: facts.protected,
                household_unit: &facts.unit,
                reader_unit: reader.and_then(|u| u.unit.as_deref()),
                related: manager_here || facts.related.contains(&reader_id),
            };
            let reasons = review::reasons(&read);
            if !reasons.is_empty() {
                picked.push(Picked {
                    log_id: r.0,
                    at: r.1,
                    actor: r.2,
                    action: r.3.clone(),
                    record_kind: r.4.clone(),
                    record_id: r.5.clone(),
                    reasons: Reason::join(&reasons),
                });
            }
        }
        if !full {
            break;
        }
    }
    Ok(picked)
}

/// Runs a query on the ids a few hundred at a time: a batch's ids, never an unbounded list.
fn chunked<T>(ids: &[i32], mut f: impl FnMut(&[i32]) -> Result<Vec<T>>) -> Result<Vec<T>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        out.extend(f(chunk)?);
    }
    Ok(out)
}

fn household_facts(conn: &mut DbConn, ids: &[i32]) -> Result<HashMap<i32, HouseholdFacts>> {
    let rows: Vec<(i32, String, Option<i32>, Option<i32>)> = chunked(ids, |ids| {
        Ok(households::table
            .filter(households::id.eq_any(ids))
            .select((households::id, households::unit, households::responsible_id, households::created_by))
            .load(conn)?)
    })?;
    let protected: HashSet<i32> = chunked(ids, |ids| {
        Ok(persons::table
            .filter(persons::household_id.eq_any(ids))
            .filter(persons::protected_identity.eq(true))
            .select(persons::household_id)
            .load(conn)?)
    })?
    .into_iter()
    .collect();
    let authors: Vec<(i32, Option<i32>)> = chunked(ids, |ids| {
        Ok(case_notes::table
            .filter(case_notes::household_id.eq_any(ids))
            .select((case_notes::household_id, case_notes::author_id))
            .distinct()
            .load(conn)?)
    })?;
    let mut facts: HashMap<i32, HouseholdFacts> = rows
        .into_iter()
        .map(|(id, unit, responsible, created_by)| {
            let related = [responsible, created_by].into_iter().flatten().collect();
            (id, HouseholdFacts { unit, protected: protected.contains(&id), related })
        })
        .collect();
    for (household, author) in authors {
        if let (Some(f), Some(author)) = (facts.get_mut(&household), author) {
            f.related.insert(author);
        }
    }
    Ok(facts)
}

/// The staff, a few hundred at most: their units and whether they manage one.
fn readers(conn: &mut DbConn) -> Result<HashMap<i32, Reader>> {
    let units: Vec<(i32, Option<String>)> = users::table.select((users::id, users::unit)).load(conn)?;
    let roles: Vec<(i32, String)> = user_roles::table.select((user_roles::user_id, user_roles::role)).load(conn)?;
    let managers: HashSet<i32> = roles
        .into_iter()
        .filter(|(_, role)| Role::from_code(role).is_some_and(|r| r.has(Permission::ManageUnit)))
        .map(|(id, _)| id)
        .collect();
    Ok(units.into_iter().map(|(id, unit)| (id, Reader { unit, manager: managers.contains(&id) })).collect())
}

fn open_for_change(conn: &mut DbConn, codes: &[String], id: i32) -> Result<Review> {
    let review = find(conn, codes, id)?;
    if review.signed_at.is_some() {
        return Err(StoreError::invalid("form", Text::new("review-signed-already")));
    }
    Ok(review)
}

/// Marks one item reviewed with the reviewer's comment (again, to change the comment, until the
/// review is signed).
pub fn mark(conn: &mut DbConn, actor: &Actor, codes: &[String], id: i32, item: i32, comment: &str) -> Result<()> {
    let comment = review::check_comment(comment).map_err(|e| StoreError::invalid("comment", e.message))?;
    write(conn, |conn| {
        let review = open_for_change(conn, codes, id)?;
        let changed = diesel::update(
            log_review_items::table.filter(log_review_items::id.eq(item)).filter(log_review_items::review_id.eq(id)),
        )
        .set((
            log_review_items::reviewed_at.eq(Some(actor.at)),
            log_review_items::reviewed_by.eq(actor.user_id),
            log_review_items::comment.eq(Some(comment)),
        ))
        .execute(conn)?;
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        append(conn, actor, Action::Update, &Record::new(RECORD, id).in_municipality(&review.municipality_code))
    })
}

/// Signs the review once every item is reviewed; the summary says what was found. Signed, it
/// changes no more.
pub fn sign(conn: &mut DbConn, actor: &Actor, codes: &[String], id: i32, summary: &str) -> Result<()> {
    let summary = review::check_comment(summary)
        .map_err(|_| StoreError::invalid("summary", Text::new("review-summary-needed")))?;
    write(conn, |conn| {
        let review = open_for_change(conn, codes, id)?;
        if review.open > 0 {
            return Err(StoreError::invalid("summary", Text::new("review-items-open").with("open", review.open)));
        }
        diesel::update(log_reviews::table.find(id).filter(log_reviews::signed_at.is_null()))
            .set((
                log_reviews::signed_at.eq(Some(actor.at)),
                log_reviews::signed_by.eq(actor.user_id),
                log_reviews::summary.eq(Some(summary)),
            ))
            .execute(conn)?;
        append(conn, actor, Action::Update, &Record::new(RECORD, id).in_municipality(&review.municipality_code))
    })
}
