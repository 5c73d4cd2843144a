//! Costs recorded against a household or a person. Each is measured against the rule in force
//! on its date when it is entered: the claim type, the part reimbursable under the cap (what
//! earlier costs of the household took of the cap counts), the part over it, and the deadline.
//! What cannot be reclaimed is charged to the year's grant in the same transaction.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use etablera_domain::economy::claims::ClaimStatus;
use etablera_domain::economy::costs::CostDetails;
pub use etablera_domain::economy::eligibility::NotReimbursable;
use etablera_domain::economy::eligibility::{Concerns, CostFacts, Household, Measured, measure, taken};
use etablera_domain::economy::grant::ChargeCategory;
use etablera_domain::economy::rules::{ClaimType, CostCategory, CostError};
use etablera_domain::ids::{HouseholdId, PersonId};
use etablera_domain::money::Money;
use etablera_domain::reception::person::Category;

use super::{COST, rules};
use crate::access::Actor;
use crate::access::Scope;
use crate::access::log::{Action, Record, append};
use crate::codes::NullableCode;
use crate::paging::{Page, Paging, contains_pattern};
use crate::reception::households::{self, Person};
use crate::schema::{costs, grant_charges, households as households_table, persons, work_exemptions};
use crate::{DbConn, Result, StoreError, write};
use etablera_domain::text::Text;

/// What the rule in force says about a cost, before or after it is recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// `None` when no rule covers the cost: all of it is charged to the grant.
    pub claim_type: Option<ClaimType>,
    pub rule_id: Option<i32>,
    pub reimbursable: Money,
    pub over_cap: Money,
    /// The household's whole cap in this category, when there is one.
    pub cap: Option<Money>,
    /// What the household's earlier costs already took of the cap.
    pub already: Money,
    pub cap_missing: bool,
    pub deadline: Option<NaiveDate>,
    /// Why nothing is reimbursable, when that is so.
    pub reason: Option<NotReimbursable>,
}

/// A cost to assess or record.
#[derive(Debug, Clone)]
pub struct NewCost {
    pub household_id: HouseholdId,
    pub person_id: Option<PersonId>,
    pub details: CostDetails,
}

/// Measures a cost against the rules. Reads the household's persons (not handed out) and its
/// earlier costs.
pub fn assess(conn: &mut DbConn, scope: &Scope, cost: &NewCost) -> Result<Assessment> {
    let (household_id, person_id) = (cost.household_id.get(), cost.person_id.map(PersonId::get));
    scope.household(conn, household_id)?;
    let persons = persons_of(conn, household_id)?;
    let person = match person_id {
        None => None,
        Some(id) => Some(
            persons
                .iter()
                .find(|p| p.id == id)
                .ok_or_else(|| StoreError::invalid("person", Text::new("cost-person-not-in-household")))?,
        ),
    };
    let d = &cost.details;
    if d.category == CostCategory::EconomicAssistance {
        let Some(p) = person else {
            return Err(StoreError::invalid("person", Text::new("cost-assistance-person")));
        };
        let exempt: i64 = work_exemptions::table
            .filter(work_exemptions::person_id.eq(p.id))
            .filter(work_exemptions::start_date.le(d.date))
            .filter(work_exemptions::end_date.is_null().or(work_exemptions::end_date.ge(d.date)))
            .count()
            .get_result(conn)?;
        if exempt == 0 {
            return Err(StoreError::invalid("person", Text::new("cost-no-exemption")));
        }
    }
    let reception = counted_from(conn, household_id, person, &persons)?
        .ok_or_else(|| StoreError::invalid("household", Text::new("cost-no-reception-date")))?;
    let rules = rules::all(conn)?;
    let only_rules: Vec<_> = rules.iter().map(|(_, r)| r.clone()).collect();
    let resettled = |p: &Person| p.category == Category::Resettled;
    let household =
        Household { members: count(persons.len()), resettled: count(persons.iter().filter(|p| resettled(p)).count()) };
    let concerns = person.map_or(Concerns::Household, |p| Concerns::Person { resettled: resettled(p) });
    // What the household's earlier costs took of the cap: those under the claim type of the rule
    // in force on the cost's date, in its category.
    let claim_type = etablera_domain::economy::rules::in_force(&only_rules, d.category, d.date).map(|r| r.claim_type);
    // No rule in force: nothing of a cap was taken.
    let earlier: Vec<(Option<i32>, Money)> = match claim_type {
        None => Vec::new(),
        Some(claim_type) => costs::table
            .filter(costs::household_id.eq(household_id))
            .filter(costs::category.eq(d.category.code()))
            .filter(costs::claim_type.eq(claim_type.code()))
            .select((costs::person_id, costs::reimbursable_ore))
            .load::<(Option<i32>, i64)>(conn)?
            .into_iter()
            .map(|(person, ore)| (person, Money::from_ore(ore)))
            .collect(),
    };
    let (already, person_already) = taken(&earlier, person.map(|p| p.id));
    let facts = CostFacts {
        amount: d.amount,
        days: d.days,
        reception,
        // The claim's period ends on the cost's date at the earliest.
        period_end: Some(d.date),
        already,
        person_already,
    };
    let measured = measure(&only_rules, d.category, d.date, household, concerns, facts).map_err(|e| {
        let field = match e {
            CostError::Negative => "amount",
            CostError::EmptyHousehold => "household",
            CostError::DaysNeeded => "days",
        };
        StoreError::invalid(field, e.text().sentence())
    })?;
    let (rule, r) = match measured {
        Measured::Reimbursable { rule, reimbursable } => (rule, reimbursable),
        Measured::Not(reason) => return Ok(nothing(d.amount, reason)),
    };
    Ok(Assessment {
        claim_type: Some(r.claim_type),
        rule_id: rules.iter().find(|(_, candidate)| *candidate == rule).map(|(id, _)| *id),
        reimbursable: r.reimbursable,
        over_cap: r.over_cap,
        cap: r.cap,
        already,
        cap_missing: r.cap_missing,
        deadline: r.deadline,
        reason: None,
    })
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn nothing(amount: Money, reason: NotReimbursable) -> Assessment {
    Assessment {
        claim_type: None,
        rule_id: None,
        reimbursable: Money::ZERO,
        over_cap: amount,
        cap: None,
        already: Money::ZERO,
        cap_missing: false,
        deadline: None,
        reason: Some(reason),
    }
}

/// The day a cost's deadline counts from: its person's reception, else the household's first,
/// else (before the arrival) the household's expected reception date.
fn counted_from(
    conn: &mut DbConn,
    household_id: i32,
    person: Option<&Person>,
    persons: &[Person],
) -> Result<Option<NaiveDate>> {
    match person.and_then(|p| p.reception_date).or_else(|| households::reception_date(persons)) {
        Some(date) => Ok(Some(date)),
        None => Ok(households::get(conn, household_id)?.expected_reception_date),
    }
}

/// Records a cost with its assessment, and charges what cannot be reclaimed to the grant.
pub fn record(conn: &mut DbConn, actor: &Actor, scope: &Scope, cost: &NewCost) -> Result<(i32, Assessment)> {
    write(conn, |conn| {
        let (household_id, person_id) = (cost.household_id.get(), cost.person_id.map(PersonId::get));
        let code = scope.household(conn, household_id)?;
        // The cap counts the household's earlier costs: lock the household so that two costs
        // entered at once do not both take the same room (SQLite's write lock does this already).
        diesel::update(households_table::table.find(household_id))
            .set(households_table::version.eq(households_table::version))
            .execute(conn)?;
        let a = assess(conn, scope, cost)?;
        let d = &cost.details;
        let id: i32 = diesel::insert_into(costs::table)
            .values((
                costs::municipality_code.eq(&code),
                costs::household_id.eq(household_id),
                costs::person_id.eq(person_id),
                costs::cost_date.eq(d.date),
                costs::category.eq(d.category.code()),
                costs::amount_ore.eq(d.amount.ore()),
                costs::vat_ore.eq(d.vat.ore()),
                costs::supplier.eq(&d.supplier),
                costs::receipt_reference.eq(&d.receipt_reference),
                costs::days.eq(d.days.map(|n| n as i32)),
                costs::claim_type.eq(a.claim_type.map(ClaimType::code)),
                costs::rule_id.eq(a.rule_id),
                costs::reimbursable_ore.eq(a.reimbursable.ore()),
                costs::over_cap_ore.eq(a.over_cap.ore()),
                costs::cap_ore.eq(a.cap.map(Money::ore)),
                costs::deadline.eq(a.deadline),
                costs::created_at.eq(actor.at),
                costs::created_by.eq(actor.user_id),
            ))
            .returning(costs::id)
            .get_result(conn)?;
        if a.over_cap.ore() > 0 {
            // The description is the grant's ledger, stored as written (in Swedish): why the
            // cost is charged to the grant is not kept in figures of its own.
            let why = Text::new(match a.reason {
                Some(NotReimbursable::NoRule) => "grant-charge-no-rule",
                Some(NotReimbursable::NotResettled) => "grant-charge-not-resettled",
                None if a.cap_missing => "grant-charge-cap-missing",
                None => "grant-charge-over-cap",
            });
            diesel::insert_into(grant_charges::table)
                .values((
                    grant_charges::municipality_code.eq(&code),
                    grant_charges::charged_on.eq(d.date),
                    grant_charges::category.eq(ChargeCategory::Cost(d.category).code()),
                    grant_charges::amount_ore.eq(a.over_cap.ore()),
                    grant_charges::cost_id.eq(id),
                    grant_charges::description
                        .eq(Text::new("grant-charge-cost").with("id", id).with_text("why", why).swedish()),
                    grant_charges::created_at.eq(actor.at),
                    grant_charges::created_by.eq(actor.user_id),
                ))
                .execute(conn)?;
        }
        append(conn, actor, Action::Create, &Record::new(COST, id).in_municipality(&code))?;
        Ok((id, a))
    })
}

/// A recorded cost, as lists show it: the household by its reference, never a name.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = costs)]
pub struct Cost {
    pub id: i32,
    pub municipality_code: String,
    pub household_id: i32,
    pub person_id: Option<i32>,
    pub cost_date: NaiveDate,
    #[diesel(deserialize_as = String)]
    pub category: CostCategory,
    pub amount_ore: i64,
    pub vat_ore: i64,
    pub supplier: String,
    pub receipt_reference: Option<String>,
    #[diesel(deserialize_as = NullableCode)]
    pub claim_type: Option<ClaimType>,
    pub reimbursable_ore: i64,
    pub over_cap_ore: i64,
    pub cap_ore: Option<i64>,
    pub deadline: Option<NaiveDate>,
    pub claim_id: Option<i32>,
    pub created_at: NaiveDateTime,
}

/// Which costs a list shows.
#[derive(Debug, Clone, Default)]
pub struct CostFilter {
    pub household_id: Option<i32>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Only those not yet in a claim.
    pub unclaimed: bool,
    /// Part of the household's reference.
    pub household: Option<String>,
}

/// How the cost list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CostSort {
    #[default]
    Date,
    Deadline,
}

/// What the cost list asks for.
#[derive(Debug, Clone, Default)]
pub struct CostQuery {
    pub filter: CostFilter,
    pub sort: CostSort,
    pub ascending: bool,
    pub paging: Paging,
}

/// A cost as listed: its household's label, and whether it may be removed (not in a claim, and
/// the household's newest in its category, since later costs were measured against it).
#[derive(Debug, Clone)]
pub struct Listed {
    pub cost: Cost,
    pub household: String,
    pub removable: bool,
}

/// A page of costs, and the sums of every cost the filter selects.
#[derive(Debug, Clone)]
pub struct CostPage {
    pub page: Page<Listed>,
    pub amount: Money,
    pub reimbursable: Money,
    pub over_cap: Money,
}

type Costs<'a> = costs::BoxedQuery<'a, <DbConn as diesel::Connection>::Backend>;

/// The costs in scope that `filter` selects. A cost's municipality is its household's
/// (households do not move), so the municipality scope is the cost's own column and its index
/// serves the list's order and sums alone; a unit or a search on the reference asks about the
/// cost's household (by its key) only when there is one.
fn selected<'a>(scope: &Scope, filter: &'a CostFilter) -> Costs<'a> {
    use diesel::dsl::exists;
    let mut query = costs::table.into_boxed();
    if let Some(codes) = scope.municipalities.clone() {
        query = crate::access::among!(query, costs::municipality_code, codes);
    }
    let household =
        || households_table::table.select(households_table::id).filter(households_table::id.eq(costs::household_id));
    if let Some(unit) = scope.unit.clone() {
        query = query.filter(exists(household().filter(households_table::unit.eq(unit))));
    }
    if let Some(text) = filter.household.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let named = crate::paging::lower(households_table::reference.assume_not_null())
            .like(contains_pattern(text))
            .escape('\\');
        query = query.filter(exists(household().filter(named)));
    }
    if let Some(h) = filter.household_id {
        query = query.filter(costs::household_id.eq(h));
    }
    if let Some(from) = filter.from {
        query = query.filter(costs::cost_date.ge(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(costs::cost_date.le(to));
    }
    if filter.unclaimed {
        query = query.filter(costs::claim_id.is_null());
    }
    query
}

/// A page of the costs in scope, newest first unless asked, with the sums of all selected.
pub fn page(conn: &mut DbConn, scope: &Scope, q: &CostQuery) -> Result<CostPage> {
    crate::read(conn, |conn| {
        use diesel::dsl::{count_star, sql};
        use diesel::sql_types::{BigInt, Nullable};
        // A sum of öre is a whole number; PostgreSQL widens it to numeric unless cast back.
        let sum = |column: &'static str| sql::<Nullable<BigInt>>(column);
        let (count, amount, reimbursable, over_cap): (i64, Option<i64>, Option<i64>, Option<i64>) =
            selected(scope, &q.filter)
                .select((
                    count_star(),
                    sum("CAST(SUM(costs.amount_ore) AS BIGINT)"),
                    sum("CAST(SUM(costs.reimbursable_ore) AS BIGINT)"),
                    sum("CAST(SUM(costs.over_cap_ore) AS BIGINT)"),
                ))
                .first(conn)?;
        let query = selected(scope, &q.filter);
        let query = match (q.sort, q.ascending) {
            (CostSort::Date, false) => query.order((costs::cost_date.desc(), costs::id.desc())),
            (CostSort::Date, true) => query.order((costs::cost_date.asc(), costs::id.asc())),
            (CostSort::Deadline, false) => query.order((costs::deadline.desc(), costs::id.desc())),
            (CostSort::Deadline, true) => query.order((costs::deadline.asc(), costs::id.asc())),
        };
        let rows: Vec<Cost> =
            query.limit(q.paging.limit()).offset(q.paging.offset()).select(Cost::as_select()).load(conn)?;
        // The page's households: their references, and the newest cost of each of their
        // categories (a page's ids).
        let households: Vec<i32> = rows.iter().map(|c| c.household_id).collect();
        let references: std::collections::HashMap<i32, Option<String>> = households_table::table
            .filter(households_table::id.eq_any(&households))
            .select((households_table::id, households_table::reference))
            .load(conn)?
            .into_iter()
            .collect();
        let newest: Vec<Option<i32>> = costs::table
            .filter(costs::household_id.eq_any(&households))
            .group_by((costs::household_id, costs::category))
            .select(diesel::dsl::max(costs::id))
            .load(conn)?;
        let rows = rows
            .into_iter()
            .map(|cost| Listed {
                household: households::label(
                    cost.household_id,
                    references.get(&cost.household_id).and_then(Option::as_deref),
                ),
                removable: cost.claim_id.is_none() && newest.contains(&Some(cost.id)),
                cost,
            })
            .collect();
        Ok(CostPage {
            page: Page { rows, total: u64::try_from(count).unwrap_or(0), paging: q.paging },
            amount: Money::from_ore(amount.unwrap_or(0)),
            reimbursable: Money::from_ore(reimbursable.unwrap_or(0)),
            over_cap: Money::from_ore(over_cap.unwrap_or(0)),
        })
    })
}

/// The persons of a household in scope, for choosing whom a cost concerns. Names are read, so
/// the reading is logged.
pub fn household_persons(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    household_id: i32,
) -> Result<(String, Vec<Person>)> {
    let code = scope.household(conn, household_id)?;
    let record = Record::new(crate::reception::households::HOUSEHOLD, household_id).in_municipality(&code);
    crate::access::log::logged_read(conn, actor, &record, |conn| {
        Ok((households::get(conn, household_id)?.label(), persons_of(conn, household_id)?))
    })
}

/// A household's persons, oldest first, without logging: for callers that log or hand out none.
pub(crate) fn persons_of(conn: &mut DbConn, household_id: i32) -> Result<Vec<Person>> {
    Ok(households::persons_of(conn, household_id)?.into_iter().map(|r| r.person).collect())
}

pub(crate) fn persons_by_id(conn: &mut DbConn, ids: &[i32]) -> Result<Vec<Person>> {
    Ok(persons::table.filter(persons::id.eq_any(ids)).select(Person::as_select()).load(conn)?)
}

/// One recorded cost in scope.
pub fn get(conn: &mut DbConn, scope: &Scope, id: i32) -> Result<Cost> {
    let cost: Cost =
        costs::table.find(id).select(Cost::as_select()).first(conn).optional()?.ok_or(StoreError::NotFound)?;
    scope.household(conn, cost.household_id)?;
    Ok(cost)
}

/// A cost as its page shows it: the cost, whose it is, and its documents (the receipt).
#[derive(Debug, Clone)]
pub struct CostFile {
    pub cost: Cost,
    pub household_label: String,
    /// The person the cost is for, when it is for one.
    pub person_name: Option<String>,
    pub documents: Vec<crate::documents::DocumentInfo>,
}

/// Opens one cost in scope; the reading is in the access log.
pub fn open(conn: &mut DbConn, actor: &Actor, scope: &Scope, id: i32) -> Result<CostFile> {
    let code = get(conn, scope, id)?.municipality_code;
    let record = Record::new(COST, id).in_municipality(&code);
    crate::access::log::logged_read(conn, actor, &record, |conn| {
        let cost = get(conn, scope, id)?;
        let reference: Option<String> =
            households_table::table.find(cost.household_id).select(households_table::reference).first(conn)?;
        let person_name = match cost.person_id {
            Some(person_id) => persons_by_id(conn, &[person_id])?.first().map(Person::name),
            None => None,
        };
        let owner = etablera_domain::documents::Owner::new(etablera_domain::documents::OwnerKind::Cost, id);
        Ok(CostFile {
            household_label: households::label(cost.household_id, reference.as_deref()),
            person_name,
            documents: crate::documents::of(conn, owner)?,
            cost,
        })
    })
}

/// Removes a cost entered by mistake, with what it charged to the grant. Only a cost in no claim,
/// and only the household's newest in its category: later costs were measured against the cap
/// with this one counted, so they are removed first.
pub fn remove(conn: &mut DbConn, actor: &Actor, scope: &Scope, id: i32) -> Result<()> {
    write(conn, |conn| {
        let cost = get(conn, scope, id)?;
        if cost.claim_id.is_some() {
            return Err(StoreError::invalid("form", Text::new("cost-in-claim")));
        }
        let newer: i64 = costs::table
            .filter(costs::household_id.eq(cost.household_id))
            .filter(costs::category.eq(cost.category.code()))
            .filter(costs::id.gt(id))
            .count()
            .get_result(conn)?;
        if newer > 0 {
            return Err(StoreError::invalid("form", Text::new("cost-remove-newer-first")));
        }
        diesel::delete(grant_charges::table.filter(grant_charges::cost_id.eq(id))).execute(conn)?;
        diesel::delete(costs::table.find(id)).execute(conn)?;
        append(conn, actor, Action::Delete, &Record::new(COST, id).in_municipality(&cost.municipality_code))
    })
}

/// Counts the deadlines of costs not yet sent in a claim again, from the reception dates and
/// rules as they are now: after an arrival is recorded (the deadline counted from the expected
/// date until then) or a rule is changed. `households` limits it; `None` is every household.
/// The deadlines of draft claims follow their costs.
pub(crate) fn refresh_deadlines(conn: &mut DbConn, households: Option<&[i32]>) -> Result<()> {
    use crate::schema::claims;
    use etablera_domain::economy::rules::last_arrival;
    let rules = rules::all(conn)?;
    let only: Vec<_> = rules.iter().map(|(_, r)| r.clone()).collect();
    let drafts = claims::table.filter(claims::status.eq(ClaimStatus::Draft.code())).select(claims::id.nullable());
    let mut query = costs::table
        .filter(costs::rule_id.is_not_null())
        .filter(costs::claim_id.is_null().or(costs::claim_id.eq_any(drafts)))
        .into_boxed();
    if let Some(ids) = households {
        query = query.filter(costs::household_id.eq_any(ids.to_vec()));
    }
    type Open = (i32, i32, Option<i32>, NaiveDate, Option<i32>, Option<NaiveDate>, Option<i32>);
    let open: Vec<Open> = query
        .order((costs::household_id, costs::id))
        .select((
            costs::id,
            costs::household_id,
            costs::person_id,
            costs::cost_date,
            costs::rule_id,
            costs::deadline,
            costs::claim_id,
        ))
        .load(conn)?;
    let mut touched_claims: Vec<i32> = Vec::new();
    // Ordered by household: each household's persons are read once.
    let mut persons: (i32, Vec<Person>) = (0, Vec::new());
    for (id, household_id, person_id, cost_date, rule_id, deadline, claim) in open {
        let Some(rule) = rules.iter().find(|(r, _)| Some(*r) == rule_id).map(|(_, r)| r) else { continue };
        if persons.0 != household_id {
            persons = (household_id, persons_of(conn, household_id)?);
        }
        let person = person_id.and_then(|p| persons.1.iter().find(|x| x.id == p));
        let Some(reception) = counted_from(conn, household_id, person, &persons.1)? else { continue };
        let now = last_arrival(&only, rule, reception, Some(cost_date), cost_date);
        if now != deadline {
            diesel::update(costs::table.find(id)).set(costs::deadline.eq(now)).execute(conn)?;
            touched_claims.extend(claim.filter(|c| !touched_claims.contains(c)));
        }
    }
    for claim in touched_claims {
        let earliest: Option<NaiveDate> =
            costs::table.filter(costs::claim_id.eq(claim)).select(diesel::dsl::min(costs::deadline)).first(conn)?;
        diesel::update(claims::table.find(claim)).set(claims::deadline.eq(earliest)).execute(conn)?;
    }
    Ok(())
}
