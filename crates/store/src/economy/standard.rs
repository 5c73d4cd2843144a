//! What each person should bring in as standard reimbursements, by reception date and age, for
//! checking Migrationsverket's payments. The list names persons, so reading it is logged.

use diesel::QueryableByName;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer};
use etablera_domain::economy::rules::ClaimType;
use etablera_domain::economy::standard::{Expected, boundaries, day_of, expected, expected_at_age};
use etablera_domain::money::Money;

use super::rules;
use crate::access::Actor;
use crate::access::log::{Record, logged_read};
use crate::access::{Scope, in_scope};
use crate::paging::{Page, Paging, contains_pattern, lower};
use crate::raw::{self, Param};
use crate::reception::households::{self, Person};
use crate::schema::{households as households_table, persons};
use crate::{DbConn, Result};

#[derive(Debug, Clone)]
pub struct ExpectedRow {
    pub person: Person,
    pub household_label: String,
    pub standard: Expected,
    pub initial: Expected,
}

/// What every received person of the municipality in the caller's scope should bring in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub standard: Money,
    pub initial: Money,
    /// Persons for whom a rule applies but its amount (or price base amount) is not known.
    pub missing: u64,
}

/// Which persons a page shows, in what order.
#[derive(Debug, Clone, Default)]
pub struct StandardQuery {
    /// Part of a household's reference or of a person's name.
    pub search: Option<String>,
    /// Newest reception first unless `false`.
    pub descending: bool,
    pub paging: Paging,
}

/// A page of the received persons of the municipality, newest reception first unless asked, with
/// what each should bring in, and the totals of all of them (not only the page's).
pub fn page(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    municipality_code: &str,
    q: &StandardQuery,
) -> Result<(Page<ExpectedRow>, Totals)> {
    let record = Record::all(crate::access::log::RecordKind::Person).in_municipality(municipality_code);
    logged_read(conn, actor, &record, |conn| {
        let rules: Vec<_> = rules::all(conn)?.into_iter().map(|(_, r)| r).collect();
        let bases = rules::price_base_amounts(conn)?;
        let base = |year: i32| bases.iter().find(|(y, _)| *y == year).map(|(_, m)| *m);
        let selected = || {
            let mut query = in_scope!(persons::table.inner_join(households_table::table).into_boxed(), scope)
                .filter(persons::municipality_code.eq(municipality_code.to_owned()))
                .filter(persons::reception_date.is_not_null());
            if let Some(text) = q.search.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                let pattern = contains_pattern(text);
                query = query.filter(
                    lower(persons::given_name)
                        .like(pattern.clone())
                        .escape('\\')
                        .or(lower(persons::family_name).like(pattern.clone()).escape('\\'))
                        .or(lower(households_table::reference.assume_not_null()).like(pattern).escape('\\')),
                );
            }
            query
        };
        let total: i64 = selected().count().get_result(conn)?;
        let query = if q.descending {
            selected().order((persons::reception_date.desc(), persons::household_id.desc(), persons::birth_date))
        } else {
            selected().order((persons::reception_date.asc(), persons::household_id.asc(), persons::birth_date))
        };
        let list: Vec<(Person, Option<String>)> = query
            .limit(q.paging.limit())
            .offset(q.paging.offset())
            .select((Person::as_select(), households_table::reference))
            .load(conn)?;
        let rows = list
            .into_iter()
            .filter_map(|(person, reference)| {
                let reception = person.reception_date?;
                Some(ExpectedRow {
                    household_label: households::label(person.household_id, reference.as_deref()),
                    standard: expected(&rules, ClaimType::StandardReimbursement, person.birth_date, reception, base),
                    initial: expected(&rules, ClaimType::InitialCostStandard, person.birth_date, reception, base),
                    person,
                })
            })
            .collect();
        let totals = totals(conn, scope, municipality_code, &rules, &base)?;
        Ok((Page { rows, total: total as u64, paging: q.paging }, totals))
    })
}

#[derive(QueryableByName)]
struct Group {
    #[diesel(sql_type = Integer)]
    segment: i32,
    #[diesel(sql_type = Integer)]
    year: i32,
    #[diesel(sql_type = Integer)]
    age: i32,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// The age on the reception date as [`age_on`](etablera_domain::reception::person::age_on)
/// counts it (a birthday is reached when the month and day are), from the dates' ISO text: both
/// backends write a date as YYYY-MM-DD.
const AGE: &str = "CAST(substr(CAST(p.reception_date AS TEXT), 1, 4) AS INTEGER) \
    - CAST(substr(CAST(p.birth_date AS TEXT), 1, 4) AS INTEGER) \
    - CASE WHEN substr(CAST(p.reception_date AS TEXT), 6, 5) < substr(CAST(p.birth_date AS TEXT), 6, 5) \
      THEN 1 ELSE 0 END";

/// The totals, counted in the database: persons grouped by the stretch of the rules their
/// reception date falls in, its year and their age then; each group's amounts come from the
/// domain's rule for one day of it.
fn totals(
    conn: &mut DbConn,
    scope: &Scope,
    municipality_code: &str,
    rules: &[etablera_domain::economy::rules::Rule],
    base: &dyn Fn(i32) -> Option<Money>,
) -> Result<Totals> {
    let days = boundaries(rules);
    // One bound day per rule boundary (a handful), never one per person.
    let segment = if days.is_empty() {
        "0".to_owned()
    } else {
        let whens: String = (0..days.len()).map(|i| format!(" WHEN p.reception_date < ? THEN {i}")).collect();
        format!("CASE{whens} ELSE {} END", days.len())
    };
    if scope.municipalities.as_ref().is_some_and(|m| !m.iter().any(|c| c == municipality_code)) {
        return Ok(Totals::default());
    }
    let mut params: Vec<Param> = days.iter().map(|d| Param::Date(*d)).collect();
    params.push(Param::from(municipality_code));
    let mut within = "";
    if let Some(unit) = &scope.unit {
        within = " AND h.unit = ?";
        params.push(Param::from(unit.as_str()));
    }
    let sql = format!(
        "SELECT {segment} AS segment, CAST(substr(CAST(p.reception_date AS TEXT), 1, 4) AS INTEGER) AS year, \
         {AGE} AS age, count(*) AS n \
         FROM persons p JOIN households h ON h.id = p.household_id \
         WHERE p.municipality_code = ? AND p.reception_date IS NOT NULL{within} \
         GROUP BY 1, 2, 3"
    );
    let groups: Vec<Group> = raw::load(conn, &sql, &params)?;
    let mut totals = Totals::default();
    for g in groups {
        let (Ok(segment), Ok(age)) = (usize::try_from(g.segment), u32::try_from(g.age.max(0))) else { continue };
        let Some(day) = day_of(&days, segment, g.year) else { continue };
        let n = g.n;
        let standard = expected_at_age(rules, ClaimType::StandardReimbursement, age, day, base);
        let initial = expected_at_age(rules, ClaimType::InitialCostStandard, age, day, base);
        for (sum, e) in [(&mut totals.standard, standard), (&mut totals.initial, initial)] {
            if let Some(amount) = e.amount() {
                *sum = *sum + Money::from_ore(amount.ore() * n);
            }
        }
        if standard == Expected::Missing || initial == Expected::Missing {
            totals.missing += n as u64;
        }
    }
    Ok(totals)
}
