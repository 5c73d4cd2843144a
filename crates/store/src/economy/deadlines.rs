//! Money at risk, for the finance officer's start page: draft claims whose deadline is near, and
//! reimbursable costs in no claim whose deadline is near or passed. Households by reference only.

use chrono::NaiveDate;
use diesel::prelude::*;
use etablera_domain::economy::claims::ClaimStatus;
use etablera_domain::economy::rules::ClaimType;
use etablera_domain::money::Money;

use crate::access::{Scope, in_scope};
use crate::reception::households;
use crate::schema::{claims, costs, households as households_table};
use crate::{DbConn, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimAtRisk {
    pub claim_id: i32,
    pub claim_type: ClaimType,
    pub deadline: NaiveDate,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostsAtRisk {
    pub household_id: i32,
    pub household_label: String,
    pub claim_type: ClaimType,
    pub deadline: NaiveDate,
    pub costs: usize,
    pub amount: Money,
}

/// Within `days` of `today`, or already past (money that can no longer be claimed shows too).
pub fn at_risk(
    conn: &mut DbConn,
    scope: &Scope,
    today: NaiveDate,
    days: i64,
) -> Result<(Vec<ClaimAtRisk>, Vec<CostsAtRisk>)> {
    let horizon = today + chrono::Duration::days(days);
    let mut drafts = claims::table.into_boxed();
    if let Some(codes) = scope.municipalities.clone() {
        drafts = crate::access::among!(drafts, claims::municipality_code, codes);
    }
    let drafts: Vec<(i32, String, Option<NaiveDate>)> = drafts
        .filter(claims::status.eq_any([ClaimStatus::Draft.code(), ClaimStatus::SupplementRequested.code()]))
        .filter(claims::deadline.le(horizon))
        .order(claims::deadline)
        .select((claims::id, claims::claim_type, claims::deadline))
        .load(conn)?;
    let mut claims_at_risk = Vec::new();
    for (claim_id, claim_type, deadline) in drafts {
        let amounts: Vec<i64> =
            costs::table.filter(costs::claim_id.eq(claim_id)).select(costs::reimbursable_ore).load(conn)?;
        if let Some(deadline) = deadline {
            claims_at_risk.push(ClaimAtRisk {
                claim_id,
                claim_type: ClaimType::try_from(claim_type)?,
                deadline,
                amount: Money::from_ore(amounts.iter().sum()),
            });
        }
    }
    // Joined to the households in scope, not bound as their ids: a municipality can have more
    // households than a statement may bind variables.
    type Loose = (i32, Option<String>, Option<String>, Option<NaiveDate>, i64);
    let loose: Vec<Loose> = in_scope!(costs::table.inner_join(households_table::table).into_boxed(), scope)
        .filter(costs::claim_id.is_null())
        .filter(costs::reimbursable_ore.gt(0))
        .filter(costs::deadline.le(horizon))
        .order((costs::deadline, costs::household_id))
        .select((
            costs::household_id,
            households_table::reference,
            costs::claim_type,
            costs::deadline,
            costs::reimbursable_ore,
        ))
        .load(conn)?;
    let mut grouped: Vec<CostsAtRisk> = Vec::new();
    for (household_id, reference, claim_type, deadline, ore) in loose {
        let (Some(claim_type), Some(deadline)) = (claim_type, deadline) else { continue };
        let claim_type = ClaimType::try_from(claim_type)?;
        match grouped
            .iter_mut()
            .find(|g| g.household_id == household_id && g.claim_type == claim_type && g.deadline == deadline)
        {
            Some(g) => {
                g.costs += 1;
                g.amount = g.amount + Money::from_ore(ore);
            }
            None => {
                grouped.push(CostsAtRisk {
                    household_id,
                    household_label: households::label(household_id, reference.as_deref()),
                    claim_type,
                    deadline,
                    costs: 1,
                    amount: Money::from_ore(ore),
                });
            }
        }
    }
    Ok((claims_at_risk, grouped))
}
