//! What each person should bring in as standard reimbursements, by reception date and age, for
//! checking Migrationsverket's payments. The list names persons, so reading it is logged.

use diesel::prelude::*;
use etablera_domain::economy::rules::ClaimType;
use etablera_domain::economy::standard::{Expected, expected};
use etablera_domain::money::Money;

use super::rules;
use crate::access::Actor;
use crate::access::log::{Record, logged_read};
use crate::access::{Scope, in_scope};
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

/// Every received person in the municipality, by reception date.
pub fn list(conn: &mut DbConn, actor: &Actor, scope: &Scope, municipality_code: &str) -> Result<Vec<ExpectedRow>> {
    let record = Record::all("person").in_municipality(municipality_code);
    logged_read(conn, actor, &record, |conn| {
        // Joined to the households in scope, not bound as their ids.
        let list: Vec<(Person, Option<String>)> =
            in_scope!(persons::table.inner_join(households_table::table).into_boxed(), scope)
                .filter(households_table::municipality_code.eq(municipality_code))
                .filter(persons::reception_date.is_not_null())
                .order((persons::reception_date.desc(), persons::household_id, persons::birth_date))
                .select((Person::as_select(), households_table::reference))
                .load(conn)?;
        let rules: Vec<_> = rules::all(conn)?.into_iter().map(|(_, r)| r).collect();
        let bases = rules::price_base_amounts(conn)?;
        let base = |year: i32| bases.iter().find(|(y, _)| *y == year).map(|(_, m)| *m);
        Ok(list
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
            .collect())
    })
}

/// The sums of the known amounts, and how many are missing.
pub fn sums(rows: &[ExpectedRow]) -> (Money, Money, usize) {
    let standard = rows.iter().filter_map(|r| r.standard.amount()).sum();
    let initial = rows.iter().filter_map(|r| r.initial.amount()).sum();
    let missing = rows.iter().filter(|r| r.standard == Expected::Missing || r.initial == Expected::Missing).count();
    (standard, initial, missing)
}
