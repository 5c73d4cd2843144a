//! `/api/v1/cofinancing`: the same calculations as the pages, in öre.

use axum::Json;
use axum::extract::State;
use etablera_domain::cofinancing::{Claimant, CostModel, Percent, StatedRow, Unit, apportion, check_table};
use etablera_domain::money::Money;
use etablera_domain::municipality::MunicipalityCode;
use etablera_store::cofinancing::population;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::{JsonBody, Params};
use crate::app::AppState;
use crate::context::Signed;
use crate::error::{AppError, AppResult};

fn invalid(field: &str, message: impl Into<String>) -> AppError {
    AppError::Invalid { field: field.to_owned(), message: message.into() }
}

#[derive(Deserialize, IntoParams)]
pub struct PopulationQuery {
    /// The year of the figures.
    pub year: i32,
    /// Only this county's municipalities (two digits, e.g. 05).
    pub county: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PopulationRowBody {
    pub code: String,
    pub name: String,
    pub population: u64,
}

#[derive(Serialize, ToSchema)]
pub struct PopulationBody {
    pub year: i32,
    pub total: u64,
    pub rows: Vec<PopulationRowBody>,
}

/// Population per municipality for a year.
#[utoipa::path(get, path = "/api/v1/cofinancing/populations", tag = "cofinancing", params(PopulationQuery),
    security(("token" = []), ("session" = [])),
    responses((status = 200, body = PopulationBody), (status = 403, body = crate::api::ErrorBody)))]
pub async fn populations(State(state): State<AppState>, Signed { .. }: Signed, Params(q): Params<PopulationQuery>) -> AppResult<Json<PopulationBody>> {
    let county = q.county.clone();
    let figures = state.store.run(move |conn| population::figures(conn, q.year, county.as_deref())).await?;
    Ok(Json(PopulationBody {
        year: q.year,
        total: figures.iter().map(|f| f.population).sum(),
        rows: figures.into_iter().map(|f| PopulationRowBody { code: f.code, name: f.name, population: f.population }).collect(),
    }))
}

#[derive(Deserialize, IntoParams)]
pub struct ApportionQuery {
    /// The year of the population figures.
    pub year: i32,
    /// The total to split, in öre.
    pub total_ore: i64,
    /// `kr` (default) or `ore`: the rounding unit.
    pub unit: Option<String>,
    /// The county (two digits); default the caller's county.
    pub county: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AllocationBody {
    pub code: String,
    pub name: String,
    pub population: u64,
    pub amount_ore: i64,
    /// The share of the population, e.g. "5,9496 %".
    pub share: String,
    /// The exact quota before rounding, e.g. "41 737,6699 kr".
    pub exact_quota: String,
    pub rounded_up: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ApportionBody {
    pub total_ore: i64,
    pub sum_ore: i64,
    pub total_population: u64,
    pub rows: Vec<AllocationBody>,
}

/// Splits a total among a county's municipalities by population (largest remainder).
#[utoipa::path(get, path = "/api/v1/cofinancing/apportionment", tag = "cofinancing", params(ApportionQuery),
    security(("token" = []), ("session" = [])),
    responses((status = 200, body = ApportionBody), (status = 422, body = crate::api::ErrorBody)))]
pub async fn apportionment(State(state): State<AppState>, Signed { user, .. }: Signed, Params(q): Params<ApportionQuery>) -> AppResult<Json<ApportionBody>> {
    let unit = match q.unit.as_deref() {
        None | Some("kr") => Unit::Krona,
        Some("ore") => Unit::Ore,
        Some(_) => return Err(invalid("unit", "Enheten ska vara kr eller ore.")),
    };
    let county = q.county.clone().or_else(|| super::county_of(&user));
    let year = q.year;
    let figures = state.store.run(move |conn| population::figures(conn, year, county.as_deref())).await?;
    if figures.is_empty() {
        return Err(invalid("year", format!("Det finns ingen folkmängd för {year}.")));
    }
    let claimants: Vec<Claimant> = figures.iter().map(|f| Claimant { code: f.code.clone(), name: f.name.clone(), population: f.population }).collect();
    let total = Money::from_ore(q.total_ore);
    let allocation = apportion(total, unit, &claimants).map_err(|e| invalid("total_ore", e.to_string()))?;
    Ok(Json(ApportionBody {
        total_ore: total.ore(),
        sum_ore: allocation.iter().map(|a| a.amount.ore()).sum(),
        total_population: claimants.iter().map(|c| c.population).sum(),
        rows: allocation
            .iter()
            .map(|a| AllocationBody {
                code: a.code.clone(),
                name: a.name.clone(),
                population: a.population,
                amount_ore: a.amount.ore(),
                share: a.share_text(),
                exact_quota: a.quota_text(),
                rounded_up: a.rounded_up,
            })
            .collect(),
    }))
}

#[derive(Deserialize, IntoParams)]
pub struct CostQuery {
    pub monthly_salary_ore: i64,
    /// On-costs in percent, e.g. `48` or `31.42`.
    pub on_cost_percent: String,
    #[serde(default)]
    pub monthly_overhead_ore: i64,
    pub months: u32,
}

#[derive(Serialize, ToSchema)]
pub struct CostBody {
    pub total_ore: i64,
}

/// A post's cost for a number of months.
#[utoipa::path(get, path = "/api/v1/cofinancing/cost", tag = "cofinancing", params(CostQuery),
    security(("token" = []), ("session" = [])),
    responses((status = 200, body = CostBody), (status = 422, body = crate::api::ErrorBody)))]
pub async fn cost(Signed { .. }: Signed, Params(q): Params<CostQuery>) -> AppResult<Json<CostBody>> {
    let on_cost: Percent = q.on_cost_percent.parse().map_err(|e: etablera_domain::cofinancing::cost::PercentError| invalid("on_cost_percent", e.to_string()))?;
    if q.monthly_salary_ore < 0 || q.monthly_overhead_ore < 0 {
        return Err(invalid("monthly_salary_ore", "Beloppen kan inte vara negativa."));
    }
    if !(1..=1200).contains(&q.months) {
        return Err(invalid("months", "Antalet månader ska vara 1–1200."));
    }
    let model = CostModel { monthly_salary: Money::from_ore(q.monthly_salary_ore), on_cost, monthly_overhead: Money::from_ore(q.monthly_overhead_ore) };
    Ok(Json(CostBody { total_ore: model.cost(q.months).ore() }))
}

#[derive(Deserialize, ToSchema)]
pub struct StatedRowBody {
    pub code: String,
    #[serde(default)]
    pub name: String,
    pub population: u64,
    pub stated_ore: i64,
}

#[derive(Deserialize, ToSchema)]
pub struct TableCheckRequest {
    pub total_ore: i64,
    pub rows: Vec<StatedRowBody>,
}

#[derive(Serialize, ToSchema)]
pub struct CheckedRowBody {
    pub code: String,
    pub stated_ore: i64,
    pub expected_ore: i64,
    pub difference_ore: i64,
    pub flagged: bool,
}

#[derive(Serialize, ToSchema)]
pub struct TableCheckBody {
    pub stated_sum_ore: i64,
    pub sum_matches_total: bool,
    pub rows: Vec<CheckedRowBody>,
}

/// Checks a printed table against the exact allocation of its total.
#[utoipa::path(post, path = "/api/v1/cofinancing/table-check", tag = "cofinancing", request_body = TableCheckRequest,
    security(("token" = []), ("session" = [])),
    responses((status = 200, body = TableCheckBody), (status = 422, body = crate::api::ErrorBody)))]
pub async fn table_check(Signed { .. }: Signed, JsonBody(request): JsonBody<TableCheckRequest>) -> AppResult<Json<TableCheckBody>> {
    let mut rows = Vec::with_capacity(request.rows.len());
    for (i, r) in request.rows.iter().enumerate() {
        let code: MunicipalityCode = r.code.parse().map_err(|e| invalid("rows", format!("Rad {}: {e}.", i + 1)))?;
        let name = if r.name.is_empty() { code.name().to_owned() } else { r.name.clone() };
        rows.push(StatedRow { code: code.to_string(), name, population: r.population, stated: Money::from_ore(r.stated_ore) });
    }
    let check = check_table(Money::from_ore(request.total_ore), &rows).map_err(|e| invalid("rows", e.to_string()))?;
    Ok(Json(TableCheckBody {
        stated_sum_ore: check.stated_sum.ore(),
        sum_matches_total: check.sum_matches_total,
        rows: check
            .rows
            .iter()
            .map(|r| CheckedRowBody { code: r.code.clone(), stated_ore: r.stated.ore(), expected_ore: r.expected.ore(), difference_ore: r.difference.ore(), flagged: r.flagged })
            .collect(),
    }))
}
