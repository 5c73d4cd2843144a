//! Claims to Migrationsverket: prepared from the costs not yet claimed, one row per person as on
//! form 4497, moved through their steps. Opening or exporting a claim shows identity numbers and
//! is logged.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use etablera_domain::economy::claims::{self as domain, ClaimRow, ClaimStatus, NewClaim, Step, StepInput, take};
use etablera_domain::economy::grant::ChargeCategory;
use etablera_domain::economy::rules::{CapKind, ClaimType, CostCategory};
use etablera_domain::ids::{HouseholdId, PersonId};
use etablera_domain::money::Money;
use etablera_domain::reception::person::Category;

use super::CLAIM;
use super::costs::persons_by_id;
use super::rules;
use crate::access::Actor;
use crate::access::Scope;
use crate::access::log::{Action, Record, append};
use crate::paging::{Page, Paging};
use crate::reception::households::{PERSON, Person};
use crate::schema::{claim_events, claims, costs, grant_charges, persons};
use crate::{DbConn, Result, StoreError, write};
use etablera_domain::text::Text;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = claims)]
pub struct Claim {
    pub id: i32,
    pub municipality_code: String,
    #[diesel(deserialize_as = String)]
    pub claim_type: ClaimType,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    #[diesel(deserialize_as = String)]
    pub status: ClaimStatus,
    pub deadline: Option<NaiveDate>,
    pub submitted_on: Option<NaiveDate>,
    pub decided_on: Option<NaiveDate>,
    pub granted_ore: Option<i64>,
    pub decision_reference: Option<String>,
    pub paid_on: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    pub version: i32,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = claim_events)]
pub struct Event {
    pub id: i32,
    #[diesel(deserialize_as = String)]
    pub step: Step,
    pub on_date: NaiveDate,
    pub granted_ore: Option<i64>,
    pub reference: Option<String>,
    pub note: Option<String>,
    pub recorded_at: NaiveDateTime,
}

/// A claim in a list: its amount, no person.
#[derive(Debug, Clone)]
pub struct Listed {
    pub claim: Claim,
    pub claimed: Money,
    pub costs: i64,
}

fn in_municipality(scope: &Scope, code: &str) -> Result<()> {
    if scope.municipalities.as_ref().is_none_or(|m| m.iter().any(|c| c == code)) {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

pub(crate) fn get(conn: &mut DbConn, scope: &Scope, id: i32) -> Result<Claim> {
    let claim: Claim =
        claims::table.find(id).select(Claim::as_select()).first(conn).optional()?.ok_or(StoreError::NotFound)?;
    in_municipality(scope, &claim.municipality_code)?;
    Ok(claim)
}

/// Moves the claim to its next version when it is still at `version`. Done first, so that on
/// PostgreSQL a second change of the same claim waits for this one and is then refused.
fn bump(conn: &mut DbConn, id: i32, version: i32) -> Result<()> {
    let changed = diesel::update(claims::table.find(id).filter(claims::version.eq(version)))
        .set(claims::version.eq(claims::version + 1))
        .execute(conn)?;
    if changed == 0 { Err(StoreError::Stale) } else { Ok(()) }
}

/// What a claim asks for (the reimbursable part of its costs), and how many costs it holds.
pub fn claimed(conn: &mut DbConn, id: i32) -> Result<(Money, i64)> {
    Ok(claimed_each(conn, &[id])?.remove(&id).unwrap_or_default())
}

/// [`claimed`] for several claims in one query. Summed here: SUM of a BIGINT is NUMERIC on
/// PostgreSQL, which the two backends do not share.
fn claimed_each(conn: &mut DbConn, ids: &[i32]) -> Result<std::collections::HashMap<i32, (Money, i64)>> {
    let rows: Vec<(Option<i32>, i64)> = costs::table
        .filter(costs::claim_id.eq_any(ids))
        .select((costs::claim_id, costs::reimbursable_ore))
        .load(conn)?;
    let mut out: std::collections::HashMap<i32, (Money, i64)> = std::collections::HashMap::new();
    for (claim, ore) in rows {
        let Some(claim) = claim else { continue };
        let entry = out.entry(claim).or_default();
        *entry = (entry.0 + Money::from_ore(ore), entry.1 + 1);
    }
    Ok(out)
}

/// Which claims a list shows, and in what order.
#[derive(Debug, Clone, Default)]
pub struct ClaimQuery {
    pub status: Option<ClaimStatus>,
    pub claim_type: Option<ClaimType>,
    pub sort: ClaimSort,
    pub descending: bool,
    pub paging: Paging,
}

etablera_domain::coded! {
    #[derive(Default)]
    pub enum ClaimSort {
        /// By number: the order they were prepared in.
        #[default]
        Number = "number",
        /// By the last day to apply (none last).
        Deadline = "deadline",
    }
}

fn selected(scope: &Scope, q: &ClaimQuery) -> claims::BoxedQuery<'static, <DbConn as diesel::Connection>::Backend> {
    let mut query = claims::table.into_boxed();
    if let Some(codes) = scope.municipalities.clone() {
        query = crate::access::among!(query, claims::municipality_code, codes);
    }
    if let Some(status) = q.status {
        query = query.filter(claims::status.eq(status.code()));
    }
    if let Some(claim_type) = q.claim_type {
        query = query.filter(claims::claim_type.eq(claim_type.code()));
    }
    query
}

/// A page of the claims of the caller's municipalities, with the count of all that match.
pub fn page(conn: &mut DbConn, scope: &Scope, q: &ClaimQuery) -> Result<Page<Listed>> {
    let total: i64 = selected(scope, q).count().get_result(conn)?;
    let query = selected(scope, q);
    let query = match (q.sort, q.descending) {
        (ClaimSort::Number, true) => query.order(claims::id.desc()),
        (ClaimSort::Number, false) => query.order(claims::id.asc()),
        (ClaimSort::Deadline, true) => {
            query.order((claims::deadline.is_null(), claims::deadline.desc(), claims::id.desc()))
        }
        (ClaimSort::Deadline, false) => {
            query.order((claims::deadline.is_null(), claims::deadline.asc(), claims::id.asc()))
        }
    };
    let list: Vec<Claim> =
        query.limit(q.paging.limit()).offset(q.paging.offset()).select(Claim::as_select()).load(conn)?;
    let ids: Vec<i32> = list.iter().map(|c| c.id).collect();
    let mut amounts = claimed_each(conn, &ids)?;
    let rows = list
        .into_iter()
        .map(|claim| {
            let (claimed, costs) = amounts.remove(&claim.id).unwrap_or_default();
            Listed { claim, claimed, costs }
        })
        .collect();
    Ok(Page { rows, total: total as u64, paging: q.paging })
}

/// Gathers the reimbursable costs of a type not yet in any claim, dated within the period, into
/// a new draft claim.
pub fn prepare(conn: &mut DbConn, actor: &Actor, scope: &Scope, claim: &NewClaim) -> Result<i32> {
    let NewClaim { ref municipality_code, claim_type, period_start, period_end } = *claim;
    let municipality_code = municipality_code.as_str();
    in_municipality(scope, municipality_code)
        .map_err(|_| StoreError::invalid("municipality", Text::new("claim-municipality-scope")))?;
    write(conn, |conn| {
        let pending = costs::table
            .filter(costs::municipality_code.eq(municipality_code))
            .filter(costs::claim_type.eq(claim_type.code()))
            .filter(costs::claim_id.is_null())
            .filter(costs::reimbursable_ore.gt(0))
            .filter(costs::cost_date.between(period_start, period_end));
        let (count, deadline): (i64, Option<NaiveDate>) =
            pending.select((diesel::dsl::count_star(), diesel::dsl::min(costs::deadline))).first(conn)?;
        if count == 0 {
            return Err(StoreError::invalid("period_start", Text::new("claim-no-costs")));
        }
        let id: i32 = diesel::insert_into(claims::table)
            .values((
                claims::municipality_code.eq(municipality_code),
                claims::claim_type.eq(claim_type.code()),
                claims::period_start.eq(period_start),
                claims::period_end.eq(period_end),
                claims::status.eq(ClaimStatus::Draft.code()),
                claims::deadline.eq(deadline),
                claims::created_at.eq(actor.at),
                claims::created_by.eq(actor.user_id),
            ))
            .returning(claims::id)
            .get_result(conn)?;
        diesel::update(costs::table)
            .filter(costs::municipality_code.eq(municipality_code))
            .filter(costs::claim_type.eq(claim_type.code()))
            .filter(costs::claim_id.is_null())
            .filter(costs::reimbursable_ore.gt(0))
            .filter(costs::cost_date.between(period_start, period_end))
            .set(costs::claim_id.eq(id))
            .execute(conn)?;
        append(conn, actor, Action::Create, &Record::new(CLAIM, id).in_municipality(municipality_code))?;
        Ok(id)
    })
}

/// Removes a draft and frees its costs for another claim.
pub fn discard(conn: &mut DbConn, actor: &Actor, scope: &Scope, id: i32, version: i32) -> Result<()> {
    write(conn, |conn| {
        let claim = get(conn, scope, id)?;
        bump(conn, id, version)?;
        if claim.status != ClaimStatus::Draft {
            return Err(StoreError::invalid("form", Text::new("claim-discard-draft-only")));
        }
        diesel::update(costs::table.filter(costs::claim_id.eq(id)))
            .set(costs::claim_id.eq(None::<i32>))
            .execute(conn)?;
        diesel::delete(claims::table.find(id)).execute(conn)?;
        append(conn, actor, Action::Update, &Record::new(CLAIM, id).in_municipality(&claim.municipality_code))
    })
}

/// One row of a claim with the person it is for.
#[derive(Debug, Clone)]
pub struct Row {
    pub person: Person,
    pub row: ClaimRow,
}

/// A claim opened: its rows with identity numbers, totals per column, and its steps.
#[derive(Debug, Clone)]
pub struct ClaimFile {
    pub claim: Claim,
    pub rows: Vec<Row>,
    pub columns: std::collections::BTreeMap<CostCategory, Money>,
    pub total: Money,
    pub events: Vec<Event>,
    pub documents: Vec<crate::documents::DocumentInfo>,
}

impl ClaimFile {
    /// What the decision did not grant.
    pub fn shortfall(&self) -> Option<Money> {
        self.claim.granted_ore.map(|g| self.total - Money::from_ore(g))
    }
}

fn file(conn: &mut DbConn, claim: Claim) -> Result<ClaimFile> {
    let in_claim: Vec<(Option<i32>, i32, String, NaiveDate, i64, Option<i32>)> = costs::table
        .filter(costs::claim_id.eq(claim.id))
        .order((costs::person_id.is_null(), costs::cost_date, costs::id))
        .select((
            costs::person_id,
            costs::household_id,
            costs::category,
            costs::cost_date,
            costs::reimbursable_ore,
            costs::rule_id,
        ))
        .load(conn)?;
    // The households with a cost in the claim, by subquery: a claim can hold a city's worth.
    let households = costs::table.filter(costs::claim_id.eq(claim.id)).select(costs::household_id);
    let members: Vec<Person> = persons::table
        .filter(persons::household_id.eq_any(households))
        .order((persons::household_id, persons::birth_date, persons::id))
        .select(Person::as_select())
        .load(conn)?;
    let caps_per_person: Vec<(i32, Option<i64>)> = rules::rows(conn)?
        .into_iter()
        .filter(|r| r.cap_kind == CapKind::PerPerson)
        .map(|r| (r.id, r.cap_per_person_ore))
        .collect();
    let members: Vec<domain::Member> = members
        .iter()
        .map(|p| domain::Member {
            id: PersonId::new(p.id),
            household_id: HouseholdId::new(p.household_id),
            birth_date: p.birth_date,
            resettled: p.category == Category::Resettled,
        })
        .collect();
    // Persons' own costs first (the order of the query), so that they take their room first.
    let in_claim: Vec<domain::InClaim> = in_claim
        .into_iter()
        .map(|(person_id, household_id, category, date, ore, rule_id)| {
            let category = CostCategory::try_from(category)?;
            let each = rule_id.and_then(|id| caps_per_person.iter().find(|(r, _)| *r == id)).and_then(|(_, c)| *c);
            Ok(domain::InClaim {
                person_id: person_id.map(PersonId::new),
                household_id: HouseholdId::new(household_id),
                category,
                date,
                amount: Money::from_ore(ore),
                cap_per_person: each.map(Money::from_ore),
            })
        })
        .collect::<Result<_>>()?;
    let claimed = domain::claimed(&in_claim, &members).ok_or(StoreError::NotFound)?;
    let rows = domain::rows(&claimed);
    let (columns, total) = domain::totals(&rows);
    let ids: Vec<i32> = rows.iter().map(|r| r.person_id.get()).collect();
    let people = persons_by_id(conn, &ids)?;
    let rows = rows
        .into_iter()
        .map(|row| {
            let person = people.iter().find(|p| p.id == row.person_id.get()).cloned().ok_or(StoreError::NotFound)?;
            Ok(Row { person, row })
        })
        .collect::<Result<Vec<_>>>()?;
    let events = claim_events::table
        .filter(claim_events::claim_id.eq(claim.id))
        .order(claim_events::id)
        .select(Event::as_select())
        .load(conn)?;
    let owner = etablera_domain::documents::Owner::new(etablera_domain::documents::OwnerKind::Claim, claim.id);
    let documents = crate::documents::of(conn, owner)?;
    Ok(ClaimFile { claim, rows, columns, total, events, documents })
}

/// Reads a claim in a read transaction, then logs the claim and each person on its rows (so a
/// review of who saw a person finds it) before it is handed out.
fn logged(conn: &mut DbConn, actor: &Actor, scope: &Scope, id: i32, action: Action) -> Result<ClaimFile> {
    let claim = get(conn, scope, id)?;
    let code = claim.municipality_code.clone();
    let value = crate::read(conn, |conn| file(conn, claim))?;
    crate::write(conn, |conn| {
        append(conn, actor, action, &Record::new(CLAIM, id).in_municipality(&code))?;
        for row in &value.rows {
            append(conn, actor, action, &Record::new(PERSON, row.person.id).in_municipality(&code))?;
        }
        Ok(())
    })?;
    Ok(value)
}

/// Opens a claim; the reading is logged.
pub fn open(conn: &mut DbConn, actor: &Actor, scope: &Scope, id: i32) -> Result<ClaimFile> {
    logged(conn, actor, scope, id, Action::Read)
}

/// The claim for a file (XLSX, PDF); the export is logged as one.
pub fn export(conn: &mut DbConn, actor: &Actor, scope: &Scope, id: i32) -> Result<ClaimFile> {
    logged(conn, actor, scope, id, Action::Export)
}

/// Takes a step. A decision granting less than was claimed charges the difference to the grant
/// (a later decision, after an appeal, charges or returns what changed).
pub fn step(conn: &mut DbConn, actor: &Actor, scope: &Scope, id: i32, input: &StepInput, version: i32) -> Result<()> {
    let today = actor.today();
    write(conn, |conn| {
        let claim = get(conn, scope, id)?;
        bump(conn, id, version)?;
        let last: Option<NaiveDate> = claim_events::table
            .filter(claim_events::claim_id.eq(id))
            .select(diesel::dsl::max(claim_events::on_date))
            .first(conn)?;
        let (total, count) = claimed(conn, id)?;
        let status = take(claim.status, last, claim.period_end, input, today, count as usize).map_err(|e| {
            let field = match e {
                domain::StepError::GrantedNeeded | domain::StepError::NegativeGranted => "granted",
                domain::StepError::ReferenceNeeded => "reference",
                domain::StepError::BeforeLast(_) | domain::StepError::Future | domain::StepError::PeriodNotOver(_) => {
                    "on"
                }
                _ => "step",
            };
            StoreError::invalid(field, e.text())
        })?;
        let reference = input.reference.as_deref().map(str::trim).filter(|r| !r.is_empty());
        let note = input.note.as_deref().map(str::trim).filter(|r| !r.is_empty());
        diesel::insert_into(claim_events::table)
            .values((
                claim_events::claim_id.eq(id),
                claim_events::step.eq(input.step.code()),
                claim_events::on_date.eq(input.on),
                claim_events::granted_ore.eq(input.granted.map(Money::ore)),
                claim_events::reference.eq(reference),
                claim_events::note.eq(note),
                claim_events::recorded_at.eq(actor.at),
                claim_events::recorded_by.eq(actor.user_id),
            ))
            .execute(conn)?;
        let target = claims::table.find(id);
        let bump = claims::status.eq(status.code());
        match input.step {
            Step::Submit => diesel::update(target).set((bump, claims::submitted_on.eq(input.on))).execute(conn)?,
            Step::Decide => {
                let granted = input.granted.unwrap_or_default();
                let charged: Vec<i64> = grant_charges::table
                    .filter(grant_charges::claim_id.eq(id))
                    .select(grant_charges::amount_ore)
                    .load(conn)?;
                let shortfall = (total - granted).ore().max(0);
                let change = shortfall - charged.iter().sum::<i64>();
                if change != 0 {
                    diesel::insert_into(grant_charges::table)
                        .values((
                            grant_charges::municipality_code.eq(&claim.municipality_code),
                            grant_charges::charged_on.eq(input.on),
                            grant_charges::category.eq(ChargeCategory::ClaimShortfall.code()),
                            grant_charges::amount_ore.eq(change),
                            grant_charges::claim_id.eq(id),
                            // The description is the grant's ledger, stored as written (in Swedish);
                            // the row keeps its figures (claim, amount) for anything to be said anew.
                            grant_charges::description
                                .eq(Text::new("grant-charge-claim-shortfall").with("id", id).swedish()),
                            grant_charges::created_at.eq(actor.at),
                            grant_charges::created_by.eq(actor.user_id),
                        ))
                        .execute(conn)?;
                }
                diesel::update(target)
                    .set((
                        bump,
                        claims::decided_on.eq(input.on),
                        claims::granted_ore.eq(granted.ore()),
                        claims::decision_reference.eq(reference),
                    ))
                    .execute(conn)?
            }
            Step::Pay => diesel::update(target).set((bump, claims::paid_on.eq(input.on))).execute(conn)?,
            Step::RequestSupplement | Step::Appeal => diesel::update(target).set(bump).execute(conn)?,
        };
        append(conn, actor, Action::Update, &Record::new(CLAIM, id).in_municipality(&claim.municipality_code))
    })
}

/// A year's claims in sums, for the committee: no person.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    pub claims: i64,
    pub claimed: Money,
    pub granted: Money,
    pub paid: Money,
}

/// The claims of a municipality prepared in `year`, in sums.
pub fn totals(conn: &mut DbConn, municipality_code: &str, year: i32) -> Result<Totals> {
    let (from, to) = (
        NaiveDate::from_ymd_opt(year, 1, 1).ok_or(StoreError::NotFound)?,
        NaiveDate::from_ymd_opt(year, 12, 31).ok_or(StoreError::NotFound)?,
    );
    let list: Vec<Claim> = claims::table
        .filter(claims::municipality_code.eq(municipality_code))
        .filter(claims::period_end.between(from, to))
        .select(Claim::as_select())
        .load(conn)?;
    let ids: Vec<i32> = list.iter().map(|c| c.id).collect();
    let amounts = claimed_each(conn, &ids)?;
    let mut t = Totals::default();
    for claim in list {
        let claimed = amounts.get(&claim.id).map_or(Money::ZERO, |(m, _)| *m);
        t.claims += 1;
        t.claimed = t.claimed + claimed;
        let granted = Money::from_ore(claim.granted_ore.unwrap_or(0));
        t.granted = t.granted + granted;
        if claim.status == ClaimStatus::Paid {
            t.paid = t.paid + granted;
        }
    }
    Ok(t)
}
