//! The annual grant: its amount per municipality and year, what is charged to it, the account.
//! Nothing here names a person, so the committee may read it.

use crate::access::log::RecordKind;
use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use etablera_domain::economy::grant::{Account, Charge, ChargeCategory, NewGrant, account};
use etablera_domain::money::Money;

use crate::access::Actor;
use crate::access::log::{Action, Record, append};
use crate::schema::{grant_charges, grants};
use crate::{DbConn, Result, StoreError, write};

const GRANT: RecordKind = RecordKind::Grant;

/// Sets the year's grant (a new decision replaces the amount; the log keeps who did it).
/// `version` is the grant's version as the caller saw it, 0 when there was none; anything else
/// is refused as stale.
pub fn set(conn: &mut DbConn, actor: &Actor, municipality_code: &str, grant: &NewGrant, version: i32) -> Result<()> {
    let (year, amount, decision) = (grant.year.get(), grant.amount, grant.decision.as_deref());
    write(conn, |conn| {
        let key = grants::table.find((municipality_code, year));
        let values = (
            grants::amount_ore.eq(amount.ore()),
            grants::decision.eq(decision),
            grants::changed_at.eq(actor.at),
            grants::changed_by.eq(actor.user_id),
        );
        if version > 0 {
            let changed = diesel::update(key.filter(grants::version.eq(version)))
                .set((values, grants::version.eq(grants::version + 1)))
                .execute(conn)?;
            if changed == 0 {
                return Err(StoreError::Stale);
            }
        } else if key.count().get_result::<i64>(conn)? > 0 {
            return Err(StoreError::Stale);
        } else {
            diesel::insert_into(grants::table)
                .values((grants::municipality_code.eq(municipality_code), grants::year.eq(year), values))
                .execute(conn)?;
        }
        append(conn, actor, Action::Update, &Record::new(GRANT, year).in_municipality(municipality_code))
    })
}

/// A charge as listed: what it was for, without any person.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = grant_charges)]
pub struct ChargeRow {
    pub id: i32,
    pub charged_on: NaiveDate,
    #[diesel(deserialize_as = String)]
    pub category: ChargeCategory,
    pub amount_ore: i64,
    pub cost_id: Option<i32>,
    pub claim_id: Option<i32>,
    pub description: String,
}

/// The year's grant, its decision, the account and the charges.
#[derive(Debug, Clone)]
pub struct GrantYear {
    pub decision: Option<String>,
    /// 0 when no grant is recorded for the year.
    pub version: i32,
    pub account: Account,
    pub charges: Vec<ChargeRow>,
}

pub fn year(conn: &mut DbConn, municipality_code: &str, year: i32) -> Result<GrantYear> {
    let grant: Option<(i64, Option<String>, i32)> = grants::table
        .find((municipality_code, year))
        .select((grants::amount_ore, grants::decision, grants::version))
        .first(conn)
        .optional()?;
    let (from, to) = (
        NaiveDate::from_ymd_opt(year, 1, 1).ok_or(StoreError::NotFound)?,
        NaiveDate::from_ymd_opt(year, 12, 31).ok_or(StoreError::NotFound)?,
    );
    let charges: Vec<ChargeRow> = grant_charges::table
        .filter(grant_charges::municipality_code.eq(municipality_code))
        .filter(grant_charges::charged_on.between(from, to))
        .order((grant_charges::charged_on, grant_charges::id))
        .select(ChargeRow::as_select())
        .load(conn)?;
    let domain: Vec<Charge> = charges
        .iter()
        .map(|c| Charge { on: c.charged_on, category: c.category, amount: Money::from_ore(c.amount_ore) })
        .collect();
    let account = account(year, grant.as_ref().map(|(ore, ..)| Money::from_ore(*ore)), &domain);
    let version = grant.as_ref().map_or(0, |(.., v)| *v);
    Ok(GrantYear { decision: grant.and_then(|(_, d, _)| d), version, account, charges })
}

/// The years that have a grant or a charge, newest first, with the current year always there.
pub fn years(conn: &mut DbConn, municipality_code: &str, today: NaiveDate) -> Result<Vec<i32>> {
    let mut years: Vec<i32> =
        grants::table.filter(grants::municipality_code.eq(municipality_code)).select(grants::year).load(conn)?;
    let dates: Vec<NaiveDate> = grant_charges::table
        .filter(grant_charges::municipality_code.eq(municipality_code))
        .select(grant_charges::charged_on)
        .distinct()
        .load(conn)?;
    years.extend(dates.iter().map(|d| d.year()));
    years.push(today.year());
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    Ok(years)
}
