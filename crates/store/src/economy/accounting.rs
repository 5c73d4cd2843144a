//! The accounts and cost centres a municipality books on, and a month's costs, claims and
//! charges to the grant as vouchers for its accounting system.

use crate::access::log::RecordKind;
use chrono::NaiveDate;
use diesel::prelude::*;
use etablera_domain::economy::accounting::{self, Accounts, MonthCharge, MonthClaim, MonthCost, Voucher};
use etablera_domain::economy::claims::Step;
use etablera_domain::economy::grant::ChargeCategory;
use etablera_domain::economy::rules::CostCategory;
use etablera_domain::money::Money;
use etablera_domain::time::{start_of_local_day, to_local};

use crate::access::Actor;
use crate::access::log::{Action, Record, append};
use crate::schema::{accounting_settings, claim_events, claims, costs, grant_charges};
use crate::{DbConn, Result, StoreError, write};
use etablera_domain::text::Text;

const SETTINGS: RecordKind = RecordKind::AccountingSettings;

fn invalid(e: accounting::AccountsError) -> StoreError {
    let field = match e {
        accounting::AccountsError::Account(key)
        | accounting::AccountsError::CostCentre(key)
        | accounting::AccountsError::OrgNumber(key) => key,
        accounting::AccountsError::CostCentresMissing => "cost_centre",
        accounting::AccountsError::OrgNumberMissing => "org_number",
        accounting::AccountsError::Unknown => "form",
    };
    StoreError::invalid(field, e.text())
}

/// The stored settings of a municipality, as (key, value).
pub fn stored(conn: &mut DbConn, municipality_code: &str) -> Result<Vec<(String, String)>> {
    Ok(accounting_settings::table
        .filter(accounting_settings::municipality_code.eq(municipality_code))
        .select((accounting_settings::key, accounting_settings::value))
        .load(conn)?)
}

/// Every key with its value: stored, or the default.
pub fn settings(conn: &mut DbConn, municipality_code: &str) -> Result<Vec<(String, String)>> {
    let stored = stored(conn, municipality_code)?;
    Ok(accounting::DEFAULTS
        .iter()
        .map(|(key, default)| {
            let value = stored.iter().find(|(k, _)| k == key).map_or_else(|| (*default).to_owned(), |(_, v)| v.clone());
            ((*key).to_owned(), value)
        })
        .collect())
}

/// Stores the settings, all checked first; unknown keys are refused.
pub fn set(conn: &mut DbConn, actor: &Actor, municipality_code: &str, values: &[(String, String)]) -> Result<()> {
    if let Some((key, _)) = values.iter().find(|(k, _)| accounting::key(k).is_none()) {
        return Err(StoreError::invalid("form", Text::new("accounts-unknown-key").with("key", key)));
    }
    write(conn, |conn| {
        let mut merged = stored(conn, municipality_code)?;
        merged.retain(|(k, _)| !values.iter().any(|(v, _)| v == k));
        merged.extend(values.iter().map(|(k, v)| (k.clone(), v.trim().to_owned())));
        Accounts::from_settings(&merged).map_err(invalid)?;
        for (key, value) in values {
            diesel::delete(accounting_settings::table.find((municipality_code, key))).execute(conn)?;
            diesel::insert_into(accounting_settings::table)
                .values((
                    accounting_settings::municipality_code.eq(municipality_code),
                    accounting_settings::key.eq(key),
                    accounting_settings::value.eq(value.trim()),
                    accounting_settings::changed_at.eq(actor.at),
                    accounting_settings::changed_by.eq(actor.user_id),
                ))
                .execute(conn)?;
        }
        append(
            conn,
            actor,
            Action::Update,
            &Record::new(SETTINGS, municipality_code).in_municipality(municipality_code),
        )
    })
}

/// The vouchers for what was recorded in the month (`first` to `last`). The export is logged.
pub fn month(
    conn: &mut DbConn,
    actor: &Actor,
    municipality_code: &str,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<Voucher>> {
    let vouchers = crate::read(conn, |conn| {
        let accounts = Accounts::from_settings(&stored(conn, municipality_code)?).map_err(invalid)?;
        // What was recorded in the month, by Stockholm's calendar.
        let (from, until) = (start_of_local_day(first), start_of_local_day(last + chrono::Duration::days(1)));
        let booked = |at: chrono::NaiveDateTime| to_local(at).date();
        let cost_rows: Vec<(i32, chrono::NaiveDateTime, NaiveDate, String, i64, i64, Option<String>)> = costs::table
            .filter(costs::municipality_code.eq(municipality_code))
            .filter(costs::created_at.ge(from))
            .filter(costs::created_at.lt(until))
            .order((costs::created_at, costs::id))
            .select((
                costs::id,
                costs::created_at,
                costs::cost_date,
                costs::category,
                costs::amount_ore,
                costs::vat_ore,
                costs::receipt_reference,
            ))
            .load(conn)?;
        let month_costs = cost_rows
            .into_iter()
            .map(|(id, at, cost_date, category, amount, vat, receipt)| {
                Ok(MonthCost {
                    id,
                    date: booked(at),
                    cost_date,
                    category: CostCategory::try_from(category)?,
                    amount: Money::from_ore(amount),
                    vat: Money::from_ore(vat),
                    receipt,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        // A claim is booked when its first sending is recorded; a supplement sent later is the
        // same claim.
        let submissions: Vec<(i32, chrono::NaiveDateTime)> = claim_events::table
            .inner_join(claims::table)
            .filter(claims::municipality_code.eq(municipality_code))
            .filter(claim_events::step.eq(Step::Submit.code()))
            .order((claim_events::claim_id, claim_events::recorded_at))
            .select((claim_events::claim_id, claim_events::recorded_at))
            .load(conn)?;
        let mut month_claims = Vec::new();
        for (i, (claim_id, at)) in submissions.iter().enumerate() {
            let first_submission = i == 0 || submissions[i - 1].0 != *claim_id;
            if first_submission && (from..until).contains(at) {
                let (claimed, _) = super::claims::claimed(conn, *claim_id)?;
                month_claims.push(MonthClaim { id: *claim_id, submitted_on: booked(*at), claimed });
            }
        }
        let charge_rows: Vec<(i32, chrono::NaiveDateTime, String, i64)> = grant_charges::table
            .filter(grant_charges::municipality_code.eq(municipality_code))
            .filter(grant_charges::created_at.ge(from))
            .filter(grant_charges::created_at.lt(until))
            .order((grant_charges::created_at, grant_charges::id))
            .select((grant_charges::id, grant_charges::created_at, grant_charges::category, grant_charges::amount_ore))
            .load(conn)?;
        let month_charges: Vec<MonthCharge> = charge_rows
            .into_iter()
            .map(|(id, at, category, amount)| {
                Ok(MonthCharge {
                    id,
                    date: booked(at),
                    category: ChargeCategory::try_from(category)?.cost(),
                    amount: Money::from_ore(amount),
                })
            })
            .collect::<Result<_>>()?;
        let vouchers = accounting::vouchers(&accounts, &month_costs, &month_claims, &month_charges).map_err(invalid)?;
        Ok::<_, StoreError>(vouchers)
    })?;
    crate::access::log::record(
        conn,
        actor,
        Action::Export,
        &Record::new(crate::access::log::RecordKind::Accounting, first.format("%Y-%m"))
            .in_municipality(municipality_code),
    )?;
    Ok(vouchers)
}
