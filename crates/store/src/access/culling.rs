//! Culling (gallring): finding the households whose record is due under the rule in force
//! (see [`etablera_domain::access::culling`]) and removing their personal data.
//!
//! A record waits, due or not, while a claim with its costs is undecided, a complaint about it
//! is open, or an activity of its persons has no end.
//!
//! A record's last entry is the latest moment anything was written in it: the household, its
//! persons and their corrections, case notes, activities, declines, exemptions and exits, its
//! temporary homes and their damages, support tasks, costs, documents and deviations. The
//! search is made in SQL, one municipality at a time, over the households not culled that
//! were registered before the last day a due record can have an entry.
//!
//! Culling keeps what the counts stand on: the household and its persons stay as rows (unit,
//! placement, category, birth and reception dates, exits, activities, homes' dates, costs and
//! claims), so that reports of past periods count the same; the monthly reports are signed
//! figures and are not touched. It removes names, numbers, languages, addresses, landlords,
//! free text (notes, descriptions, reasons), the history of corrections, support tasks,
//! notifications, and documents of the household, its persons and its homes. Receipts attached
//! to a cost or a claim are accounting records under the Bookkeeping Act and are kept.
//! Each household is culled in a transaction of its own, which checks again that it is due and
//! free, and logs the culling of the household and of each person (which records, never what
//! they held).

use std::sync::LazyLock;

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text};
use etablera_domain::access::culling::{Blocker, CullingRule, Schedule, rule_on};
use etablera_domain::economy::claims::ClaimStatus;

use super::Actor;
use super::log::{Action, Record, RecordKind, append, append_all};
use crate::paging::{Page, Paging};
use crate::raw::{self, Param};
use crate::schema::{
    activities, case_notes, declines, document_contents, documents, households, housing_damages, notifications,
    person_exits, persons, record_changes, support_tasks, temporary_housings, work_exemptions,
};
use crate::{DbConn, Result, read, write};

/// The latest entry in household `h`'s record, as an SQL expression of either backend.
static LAST_ENTRY: LazyLock<String> = LazyLock::new(|| {
    let person = |table: &str, alias: &str, column: &str| {
        format!(
            "SELECT MAX({alias}.{column}) FROM persons p JOIN {table} {alias} ON {alias}.person_id = p.id \
             WHERE p.household_id = h.id"
        )
    };
    let household = |table: &str, alias: &str, column: &str| {
        format!("SELECT MAX({alias}.{column}) FROM {table} {alias} WHERE {alias}.household_id = h.id")
    };
    let home = |table: &str, alias: &str, column: &str| {
        format!(
            "SELECT MAX({alias}.{column}) FROM temporary_housings t JOIN {table} {alias} ON {alias}.housing_id = t.id \
             WHERE t.household_id = h.id"
        )
    };
    let entries = [
        "SELECT h.created_at AS at".to_owned(),
        "SELECT h.first_contact_at".to_owned(),
        "SELECT MAX(p.created_at) FROM persons p WHERE p.household_id = h.id".to_owned(),
        "SELECT MAX(p.reception_date) FROM persons p WHERE p.household_id = h.id".to_owned(),
        format!(
            "SELECT MAX(r.changed_at) FROM record_changes r WHERE r.record_kind = '{}' AND r.record_id = h.id",
            RecordKind::Household.code()
        ),
        format!(
            "SELECT MAX(r.changed_at) FROM persons p JOIN record_changes r ON r.record_kind = '{}' \
             AND r.record_id = p.id WHERE p.household_id = h.id",
            RecordKind::Person.code()
        ),
        household("case_notes", "n", "written_at"),
        person("person_exits", "e", "recorded_at"),
        person("person_exits", "e", "exit_date"),
        person("person_exits", "e", "returned_on"),
        person("activities", "a", "created_at"),
        person("activities", "a", "start_date"),
        person("activities", "a", "end_date"),
        person("declines", "d", "recorded_at"),
        person("work_exemptions", "w", "recorded_at"),
        person("work_exemptions", "w", "end_date"),
        person("documents", "doc", "uploaded_at"),
        household("temporary_housings", "t", "created_at"),
        household("temporary_housings", "t", "contract_end"),
        household("temporary_housings", "t", "inspection_on"),
        household("temporary_housings", "t", "keys_returned_on"),
        home("housing_damages", "hd", "recorded_at"),
        home("documents", "doc", "uploaded_at"),
        household("support_tasks", "s", "created_at"),
        household("support_tasks", "s", "done_on"),
        household("costs", "c", "created_at"),
        household("costs", "c", "cost_date"),
        household("documents", "doc", "uploaded_at"),
        household("deviations", "dv", "changed_at"),
    ];
    format!("(SELECT MAX(at) FROM ({}) entries)", entries.join(" UNION ALL "))
});

/// The statuses of a claim Migrationsverket has not yet decided: its costs still need the
/// persons' identities.
fn open_claims() -> Vec<ClaimStatus> {
    ClaimStatus::ALL.iter().copied().filter(|s| !matches!(s, ClaimStatus::Decided | ClaimStatus::Paid)).collect()
}

/// The households of a municipality with their last entry and blockers, as a table `due` of
/// the ones whose last entry is old enough, with the values it binds.
fn due_table(code: &str, rule: &CullingRule, today: NaiveDate, household: Option<i32>) -> (String, Vec<Param>) {
    let before = rule.last_entry_due_by(today).succ_opt().unwrap_or(NaiveDate::MAX);
    let open = open_claims();
    let marks = vec!["?"; open.len()].join(", ");
    let sql = format!(
        "(SELECT * FROM (SELECT h.id, h.unit, \
           (SELECT COUNT(*) FROM persons p WHERE p.household_id = h.id) AS persons, \
           {last} AS last_entry, \
           CASE WHEN EXISTS (SELECT 1 FROM costs c JOIN claims cl ON cl.id = c.claim_id \
             WHERE c.household_id = h.id AND cl.status IN ({marks})) THEN 1 ELSE 0 END AS claim_open, \
           CASE WHEN EXISTS (SELECT 1 FROM deviations dv WHERE dv.household_id = h.id AND dv.closed_on IS NULL) \
             THEN 1 ELSE 0 END AS deviation_open, \
           CASE WHEN EXISTS (SELECT 1 FROM persons p JOIN activities a ON a.person_id = p.id \
             WHERE p.household_id = h.id AND a.end_date IS NULL) THEN 1 ELSE 0 END AS activity_open \
         FROM households h WHERE h.municipality_code = ? AND h.culled_on IS NULL AND h.created_at < ?{one}) entries \
         WHERE last_entry < ?) due",
        last = LAST_ENTRY.as_str(),
        one = if household.is_some() { " AND h.id = ?" } else { "" },
    );
    let mut params: Vec<Param> = open.iter().map(|s| s.code().into()).collect();
    params.push(code.into());
    params.push(before.into());
    if let Some(id) = household {
        params.push(id.into());
    }
    params.push(before.into());
    (sql, params)
}

/// The statement that lists what is due, with its values written in, for the plan test and
/// for reading its plan on a national caseload (`EXPLAIN`); the store binds them instead.
pub fn due_statement_for_plans(code: &str, today: NaiveDate) -> Option<String> {
    let (table, params) = due_table(code, rule_on(today)?, today, None);
    let mut values = params.iter().map(|p| match p {
        Param::Text(t) => format!("'{}'", t.replace('\'', "''")),
        Param::Date(d) => format!("'{d}'"),
        Param::Int(i) => i.to_string(),
        Param::BigInt(i) => i.to_string(),
    });
    let sql = format!("SELECT id, unit, persons, last_entry FROM {table} ORDER BY last_entry, id LIMIT 50");
    Some(sql.chars().map(|c| if c == '?' { values.next().unwrap_or_default() } else { c.to_string() }).collect())
}

#[derive(QueryableByName)]
struct DueRow {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Text)]
    unit: String,
    #[diesel(sql_type = BigInt)]
    persons: i64,
    #[diesel(sql_type = Text)]
    last_entry: String,
    #[diesel(sql_type = Integer)]
    claim_open: i32,
    #[diesel(sql_type = Integer)]
    deviation_open: i32,
    #[diesel(sql_type = Integer)]
    activity_open: i32,
}

/// A household whose record is due: no name, no number, only what the administrator needs to
/// see that the rule holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub household_id: i32,
    pub unit: String,
    pub persons: i64,
    pub last_entry: NaiveDate,
    pub schedule: Schedule,
    /// Empty when it may be culled now.
    pub blockers: Vec<Blocker>,
}

impl DueRow {
    fn due(self, rule: &CullingRule) -> Result<Due> {
        // Timestamps and dates alike begin with the day.
        let last_entry = self
            .last_entry
            .get(..10)
            .unwrap_or_default()
            .parse::<NaiveDate>()
            .map_err(crate::StoreError::unreadable)?;
        let blockers = [
            (self.claim_open, Blocker::ClaimOpen),
            (self.deviation_open, Blocker::DeviationOpen),
            (self.activity_open, Blocker::ActivityOpen),
        ]
        .into_iter()
        .filter(|(flag, _)| *flag != 0)
        .map(|(_, b)| b)
        .collect();
        Ok(Due {
            household_id: self.id,
            unit: self.unit,
            persons: self.persons,
            last_entry,
            schedule: rule.schedule(last_entry),
            blockers,
        })
    }
}

#[derive(QueryableByName)]
struct DueCount {
    #[diesel(sql_type = BigInt)]
    n: i64,
    #[diesel(sql_type = BigInt)]
    blocked: i64,
}

/// What is due in a municipality on a day: how many, how many of them may not be culled yet,
/// and a page of them (the oldest last entry first).
#[derive(Debug, Clone)]
pub struct DueList {
    pub rule: Option<CullingRule>,
    pub blocked: u64,
    pub page: Page<Due>,
}

fn due_count(conn: &mut DbConn, code: &str, rule: &CullingRule, today: NaiveDate) -> Result<(u64, u64)> {
    let (table, params) = due_table(code, rule, today, None);
    let counted: Vec<DueCount> = raw::load(
        conn,
        &format!(
            "SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN claim_open = 1 OR deviation_open = 1 OR activity_open = 1 THEN 1 ELSE 0 END), 0) \
             AS blocked FROM {table}"
        ),
        &params,
    )?;
    let (total, blocked) = counted.first().map_or((0, 0), |c| (c.n, c.blocked));
    Ok((u64::try_from(total).unwrap_or(0), u64::try_from(blocked).unwrap_or(0)))
}

fn due_rows(conn: &mut DbConn, code: &str, rule: &CullingRule, today: NaiveDate, paging: Paging) -> Result<Vec<Due>> {
    let (table, mut params) = due_table(code, rule, today, None);
    params.push(Param::BigInt(paging.limit()));
    params.push(Param::BigInt(paging.offset()));
    let rows: Vec<DueRow> = raw::load(
        conn,
        &format!(
            "SELECT id, unit, persons, CAST(last_entry AS TEXT) AS last_entry, claim_open, deviation_open, activity_open \
             FROM {table} ORDER BY last_entry, id LIMIT ? OFFSET ?"
        ),
        &params,
    )?;
    rows.into_iter().map(|r| r.due(rule)).collect()
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = Integer)]
    id: i32,
}

/// The households due and free to be culled: their ids only.
fn free_ids(conn: &mut DbConn, code: &str, rule: &CullingRule, today: NaiveDate) -> Result<Vec<i32>> {
    let (table, params) = due_table(code, rule, today, None);
    let ids: Vec<Id> = raw::load(
        conn,
        &format!(
            "SELECT id FROM {table} WHERE claim_open = 0 AND deviation_open = 0 AND activity_open = 0 ORDER BY id"
        ),
        &params,
    )?;
    Ok(ids.into_iter().map(|i| i.id).collect())
}

/// The records of a municipality due for culling on `today`, a page of them. Listing them is
/// logged as a reading of the municipality's households (they are named by number only).
pub fn due(conn: &mut DbConn, actor: &Actor, code: &str, today: NaiveDate, paging: Paging) -> Result<DueList> {
    let Some(rule) = rule_on(today) else {
        return Ok(DueList { rule: None, blocked: 0, page: Page { rows: Vec::new(), total: 0, paging } });
    };
    write(conn, |conn| {
        append(conn, actor, Action::Read, &Record::all(RecordKind::Household).in_municipality(code))?;
        let (total, blocked) = due_count(conn, code, rule, today)?;
        let rows = due_rows(conn, code, rule, today, paging)?;
        Ok(DueList { rule: Some(rule.clone()), blocked, page: Page { rows, total, paging } })
    })
}

/// What one round of culling removed, counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Culled {
    pub households: u64,
    pub persons: u64,
    pub notes: u64,
    pub documents: u64,
    /// Due but held back by a blocker.
    pub blocked: u64,
}

impl std::ops::AddAssign for Culled {
    fn add_assign(&mut self, other: Culled) {
        self.households += other.households;
        self.persons += other.persons;
        self.notes += other.notes;
        self.documents += other.documents;
        self.blocked += other.blocked;
    }
}

/// Culls every record of a municipality that is due on the actor's day and free of blockers.
pub fn cull_municipality(conn: &mut DbConn, actor: &Actor, code: &str) -> Result<Culled> {
    let today = actor.today();
    let Some(rule) = rule_on(today) else { return Ok(Culled::default()) };
    let (ids, (_, blocked)) =
        read(conn, |conn| Ok((free_ids(conn, code, rule, today)?, due_count(conn, code, rule, today)?)))?;
    let mut culled = Culled { blocked, ..Culled::default() };
    for id in ids {
        culled += cull_household(conn, actor, code, rule, id)?;
    }
    Ok(culled)
}

/// The municipalities that have households not culled.
fn municipalities_with_records(conn: &mut DbConn) -> Result<Vec<String>> {
    read(conn, |conn| {
        Ok(households::table
            .filter(households::culled_on.is_null())
            .select(households::municipality_code)
            .distinct()
            .order(households::municipality_code)
            .load(conn)?)
    })
}

/// Culls every municipality's due records: the server's daily round and `etablera cull`.
pub fn cull_all(conn: &mut DbConn, actor: &Actor) -> Result<Culled> {
    let codes = municipalities_with_records(conn)?;
    let mut culled = Culled::default();
    for code in codes {
        culled += cull_municipality(conn, actor, &code)?;
    }
    Ok(culled)
}

/// What is due in every municipality, without culling: `etablera cull --dry-run`.
pub fn due_everywhere(conn: &mut DbConn, actor: &Actor, today: NaiveDate) -> Result<Vec<(String, DueList)>> {
    let codes = municipalities_with_records(conn)?;
    let mut lists = Vec::new();
    for code in codes {
        let list = due(conn, actor, &code, today, Paging { page: 1, per_page: Paging::MAX_PER_PAGE })?;
        if list.page.total > 0 {
            lists.push((code, list));
        }
    }
    Ok(lists)
}

/// Culls one household when it is still due and free, in a transaction of its own.
fn cull_household(conn: &mut DbConn, actor: &Actor, code: &str, rule: &CullingRule, id: i32) -> Result<Culled> {
    let today = actor.today();
    write(conn, |conn| {
        let (table, params) = due_table(code, rule, today, Some(id));
        let still: Vec<DueRow> = raw::load(
            conn,
            &format!(
                "SELECT id, unit, persons, CAST(last_entry AS TEXT) AS last_entry, claim_open, deviation_open, \
                 activity_open FROM {table}"
            ),
            &params,
        )?;
        let Some(due) = still.into_iter().next() else { return Ok(Culled::default()) };
        if due.claim_open != 0 || due.deviation_open != 0 || due.activity_open != 0 {
            return Ok(Culled::default());
        }
        let person_ids: Vec<i32> =
            persons::table.filter(persons::household_id.eq(id)).select(persons::id).load(conn)?;
        let home_ids: Vec<i32> = temporary_housings::table
            .filter(temporary_housings::household_id.eq(id))
            .select(temporary_housings::id)
            .load(conn)?;

        let notes = diesel::delete(case_notes::table.filter(case_notes::household_id.eq(id))).execute(conn)?;
        let documents = remove_documents(conn, id)?;
        diesel::delete(
            record_changes::table
                .filter(record_changes::record_kind.eq(RecordKind::Household.code()))
                .filter(record_changes::record_id.eq(id)),
        )
        .execute(conn)?;
        diesel::delete(record_changes::table.filter(record_changes::record_kind.eq(RecordKind::Person.code())).filter(
            record_changes::record_id.eq_any(persons::table.filter(persons::household_id.eq(id)).select(persons::id)),
        ))
        .execute(conn)?;
        diesel::delete(support_tasks::table.filter(support_tasks::household_id.eq(id))).execute(conn)?;
        diesel::delete(notifications::table.filter(notifications::household_id.eq(id))).execute(conn)?;

        let of_household = persons::table.filter(persons::household_id.eq(id)).select(persons::id);
        diesel::update(person_exits::table.filter(person_exits::person_id.eq_any(of_household)))
            .set(person_exits::note.eq(None::<String>))
            .execute(conn)?;
        diesel::update(activities::table.filter(activities::person_id.eq_any(of_household)))
            .set(activities::note.eq(None::<String>))
            .execute(conn)?;
        diesel::update(work_exemptions::table.filter(work_exemptions::person_id.eq_any(of_household)))
            .set(work_exemptions::note.eq(None::<String>))
            .execute(conn)?;
        diesel::update(declines::table.filter(declines::person_id.eq_any(of_household)))
            .set(declines::reason.eq(""))
            .execute(conn)?;
        diesel::update(housing_damages::table.filter(housing_damages::housing_id.eq_any(&home_ids)))
            .set(housing_damages::description.eq(""))
            .execute(conn)?;
        diesel::update(temporary_housings::table.filter(temporary_housings::household_id.eq(id)))
            .set((
                temporary_housings::address.eq(""),
                temporary_housings::landlord.eq(None::<String>),
                temporary_housings::inspection_result.eq(None::<String>),
            ))
            .execute(conn)?;
        diesel::update(persons::table.filter(persons::household_id.eq(id)))
            .set((
                persons::given_name.eq(""),
                persons::family_name.eq(""),
                persons::search_name.eq(""),
                persons::reference.eq(None::<String>),
                persons::personal_number.eq(None::<String>),
                persons::dossier_number.eq(None::<String>),
                persons::languages.eq(""),
                persons::interpreter_needed.eq(false),
                persons::protected_identity.eq(false),
                persons::culled_on.eq(Some(today)),
            ))
            .execute(conn)?;
        diesel::update(households::table.find(id))
            .set((households::reference.eq(None::<String>), households::culled_on.eq(Some(today))))
            .execute(conn)?;

        let mut records = vec![Record::new(RecordKind::Household, id).in_municipality(code)];
        records.extend(person_ids.iter().map(|p| Record::new(RecordKind::Person, p).in_municipality(code)));
        append_all(conn, actor, Action::Cull, &records)?;
        crate::reporting::kept::changed(conn, code)?;
        Ok(Culled {
            households: 1,
            persons: person_ids.len() as u64,
            notes: notes as u64,
            documents: documents as u64,
            blocked: 0,
        })
    })
}

/// Removes the documents of the household, its persons and its homes, but not those that are
/// also receipts of a cost or a claim. Gives how many.
fn remove_documents(conn: &mut DbConn, household_id: i32) -> Result<usize> {
    let of_persons = persons::table.filter(persons::household_id.eq(household_id)).select(persons::id.nullable());
    let of_homes = temporary_housings::table
        .filter(temporary_housings::household_id.eq(household_id))
        .select(temporary_housings::id.nullable());
    let ids: Vec<i32> = documents::table
        .filter(
            documents::household_id
                .eq(household_id)
                .or(documents::person_id.eq_any(of_persons))
                .or(documents::housing_id.eq_any(of_homes)),
        )
        .filter(documents::cost_id.is_null())
        .filter(documents::claim_id.is_null())
        .select(documents::id)
        .load(conn)?;
    // A household's documents are few; the ids are bound in chunks all the same.
    for chunk in ids.chunks(500) {
        diesel::delete(document_contents::table.filter(document_contents::document_id.eq_any(chunk))).execute(conn)?;
        diesel::delete(documents::table.filter(documents::id.eq_any(chunk))).execute(conn)?;
    }
    Ok(ids.len())
}
