//! `/api/v1/economy`: what a cost would be reimbursed (the calculation of `etablera calc
//! reimbursable`, on the rules table) and the claims with their amounts. Amounts in öre.

use axum::Json;
use axum::extract::State;
use axum::response::IntoResponse;
use chrono::NaiveDate;
use etablera_domain::economy::claims::ClaimStatus;
use etablera_domain::economy::eligibility::{Household, Measured, NotReimbursable, quote};
use etablera_domain::economy::rules::{ClaimType, CostCategory};
use etablera_domain::money::Money;
use etablera_store::economy::claims::ClaimSort;
use etablera_store::economy::{claims, rules};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::access::scope;
use crate::api::{MAX_AMOUNT_ORE, Params, codes};
use crate::app::AppState;
use crate::context::Signed;
use crate::error::{AppError, AppResult};
use crate::i18n::Text;
use crate::listing::{Direction, ListParams};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReimbursableQuery {
    /// What the cost was for.
    #[param(schema_with = codes::<CostCategory>)]
    pub category: CostCategory,
    /// The cost excluding VAT, in öre.
    #[param(minimum = 0, maximum = 100_000_000_000_i64)]
    pub amount_ore: i64,
    /// The persons in the household.
    #[param(minimum = 1, maximum = 50)]
    pub household_size: u32,
    /// How many of them are quota refugees (at most `household_size`); all of them when left
    /// out. The initial costs of quota refugees cover and count quota refugees only.
    #[param(minimum = 0, maximum = 50)]
    pub resettled: Option<u32>,
    pub reception_date: NaiveDate,
}

#[derive(Serialize, ToSchema)]
pub struct ReimbursableBody {
    /// The claim type of the rule in force; none when the cost is not one it covers.
    pub claim_type: Option<String>,
    pub reimbursable_ore: i64,
    pub over_cap_ore: i64,
    pub cap_ore: Option<i64>,
    pub deadline: Option<String>,
    /// `not_resettled` when the rule covers quota refugees and the household has none.
    pub not_reimbursable: Option<String>,
}

fn invalid(field: &str, message: Text) -> AppError {
    AppError::Invalid { field: field.to_owned(), message }
}

/// How much of a cost the rules in force on the reception date reimburse.
#[utoipa::path(get, path = "/api/v1/economy/reimbursable", tag = "economy", params(ReimbursableQuery),
    responses((status = 200, body = ReimbursableBody)))]
pub async fn reimbursable_calc(
    State(state): State<AppState>,
    Signed { .. }: Signed,
    Params(q): Params<ReimbursableQuery>,
) -> AppResult<Json<ReimbursableBody>> {
    let (category, amount) = (q.category, Money::from_ore(q.amount_ore));
    if !(0..=MAX_AMOUNT_ORE).contains(&q.amount_ore) {
        return Err(invalid("amount_ore", Text::new("api-amount-range")));
    }
    let all: Vec<_> = state.store.run(rules::all).await?.into_iter().map(|(_, r)| r).collect();
    let household = household(q.household_size, q.resettled)?;
    let measured = quote(&all, category, amount, household, q.reception_date)
        .map_err(|e| invalid("household_size", e.text().sentence()))?;
    let r = match measured {
        Measured::Reimbursable { reimbursable, .. } => reimbursable,
        Measured::Not(NotReimbursable::NoRule) => {
            return Err(invalid("reception_date", Text::new("rule-none-for-category").with("date", q.reception_date)));
        }
        Measured::Not(NotReimbursable::NotResettled) => {
            return Ok(Json(ReimbursableBody {
                claim_type: None,
                reimbursable_ore: 0,
                over_cap_ore: amount.ore(),
                cap_ore: None,
                deadline: None,
                not_reimbursable: Some("not_resettled".into()),
            }));
        }
    };
    Ok(Json(ReimbursableBody {
        claim_type: Some(r.claim_type.code().to_owned()),
        reimbursable_ore: r.reimbursable.ore(),
        over_cap_ore: r.over_cap.ore(),
        cap_ore: r.cap.map(Money::ore),
        deadline: r.deadline.map(|d| d.to_string()),
        not_reimbursable: None,
    }))
}

/// The household as given: its size, and how many of it are quota refugees (all, unless said).
fn household(members: u32, resettled: Option<u32>) -> AppResult<Household> {
    if !(1..=50).contains(&members) {
        return Err(invalid("household_size", Text::new("household-size-range")));
    }
    let resettled = resettled.unwrap_or(members);
    if resettled > members {
        return Err(invalid("resettled", Text::new("household-resettled-too-many")));
    }
    Ok(Household { members, resettled })
}

#[derive(Serialize, ToSchema)]
pub struct ClaimBody {
    pub id: i32,
    pub municipality_code: String,
    pub claim_type: String,
    pub period_start: String,
    pub period_end: String,
    /// draft, submitted, supplement_requested, decided, appealed, paid
    pub status: String,
    pub deadline: Option<String>,
    pub claimed_ore: i64,
    pub granted_ore: Option<i64>,
    pub costs: i64,
}

/// Which claims, in what order, which page.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct ClaimsQuery {
    /// Every status when left out.
    #[param(schema_with = codes::<ClaimStatus>)]
    pub status: Option<ClaimStatus>,
    /// Both types when left out.
    #[param(schema_with = codes::<ClaimType>)]
    pub claim_type: Option<ClaimType>,
    /// `number` (the default: the order they were prepared in) or `deadline`.
    #[param(schema_with = codes::<ClaimSort>)]
    pub sort: Option<ClaimSort>,
    /// Number: newest first unless asked.
    #[param(schema_with = codes::<Direction>)]
    pub dir: Option<Direction>,
    /// The page, from 1.
    #[param(minimum = 1)]
    pub page: Option<i32>,
    /// Claims a page: 50 unless asked.
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i32>,
}

impl ClaimsQuery {
    pub fn store(&self) -> AppResult<claims::ClaimQuery> {
        let sort = self.sort.unwrap_or_default();
        let list =
            ListParams { dir: self.dir.map(|d| d.code().to_owned()), ..ListParams::from_api(self.page, self.per_page) };
        Ok(claims::ClaimQuery {
            status: self.status,
            claim_type: self.claim_type,
            sort,
            descending: list.descending(sort == ClaimSort::Number),
            paging: list.paging()?,
        })
    }
}

/// A page of the claims of the caller's municipalities, in sums (no person); the count of all
/// that match is in `X-Total-Count`.
#[utoipa::path(get, path = "/api/v1/economy/claims", tag = "economy", params(ClaimsQuery),
    responses((status = 200, body = Vec<ClaimBody>,
        headers(("X-Total-Count" = u64, description = "How many claims match, on every page")))))]
pub async fn claims_list(
    State(state): State<AppState>,
    Signed { user, .. }: Signed,
    Params(q): Params<ClaimsQuery>,
) -> AppResult<impl IntoResponse> {
    let (scope, query) = (scope(&user), q.store()?);
    let list = state.store.run(move |conn| claims::page(conn, &scope, &query)).await?;
    let total = list.total.to_string();
    let body: Vec<ClaimBody> = list
        .rows
        .into_iter()
        .map(|l| ClaimBody {
            id: l.claim.id,
            municipality_code: l.claim.municipality_code,
            claim_type: l.claim.claim_type.code().to_owned(),
            period_start: l.claim.period_start.to_string(),
            period_end: l.claim.period_end.to_string(),
            status: l.claim.status.code().to_owned(),
            deadline: l.claim.deadline.map(|d| d.to_string()),
            claimed_ore: l.claimed.ore(),
            granted_ore: l.claim.granted_ore,
            costs: l.costs,
        })
        .collect();
    Ok(([("x-total-count", total)], Json(body)))
}
