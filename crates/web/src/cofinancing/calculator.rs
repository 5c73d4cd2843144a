//! The calculators: a post's cost, the apportionment of a total with the explanation of each
//! amount, and the check of a printed table.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use etablera_domain::cofinancing::{Allocation, ApportionForm, CostModelForm, TableCheck, TableCheckForm, Unit};
use etablera_domain::money::Money;
use etablera_store::cofinancing::population;

use super::county_of;
use crate::app::AppState;
use crate::context::Signed;
use crate::error::AppResult;
use crate::forms::{Asked, Filled, Submitted};
use crate::i18n::Tr;
use crate::pages::{PageContext, render_with};

// ---- cost ----

pub struct CostResult {
    pub total: String,
    pub total_kr: String,
    pub arithmetic: String,
}

#[derive(Template)]
#[template(path = "cofinancing/cost.html")]
struct CostPage {
    ctx: PageContext,
    f: Filled,
    result: Option<CostResult>,
}

/// Worked out once the form is sent; opened, it shows a year's usual figures.
pub async fn cost(Signed { ctx, .. }: Signed, Asked { input, fields }: Asked<CostModelForm>) -> AppResult<Response> {
    let t = ctx.tr();
    let (f, result) = if fields.is_empty() {
        (Filled::default(), None)
    } else {
        match input.check() {
            Ok((model, months)) => {
                let total = model.cost(months);
                let result = CostResult {
                    total: total.to_string(),
                    total_kr: total.format_number().replace('\u{a0}', ""),
                    arithmetic: format!(
                        "({} × (1 + {}) + {}) × {months} = {total}",
                        model.monthly_salary, model.on_cost, model.monthly_overhead
                    ),
                };
                (Filled::kept("cost", fields), Some(result))
            }
            Err(errors) => (Filled::failed("cost", fields, errors), None),
        }
    };
    let status = f.status();
    let page = CostPage { f, result, ctx: PageContext::new(&ctx, t.get("cost-title"), "/cofinancing/population") };
    Ok(render_with(status, &page))
}

// ---- apportionment ----

pub struct AllocationRow {
    pub code: String,
    pub name: String,
    pub population: String,
    pub share: String,
    pub amount: String,
    pub explanation: String,
    pub rounding: String,
}

#[derive(Template)]
#[template(path = "cofinancing/apportion.html")]
struct ApportionPage {
    ctx: PageContext,
    f: Filled,
    /// Each year with figures, and whether it is the one shown.
    years: Vec<(i32, bool)>,
    ore: bool,
    rows: Vec<AllocationRow>,
    /// The total as shared, formatted.
    shared: String,
    sum: String,
    population_total: String,
}

/// The explanation of one amount, in words and figures.
pub fn explain(a: &Allocation, t: &Tr) -> (String, String) {
    let explanation = t.text(
        "apportion-explanation",
        &[
            ("population", Money::from_kr(a.population as i64).format_number()),
            ("total_population", Money::from_kr(a.total_population as i64).format_number()),
            ("share", a.share_text()),
            ("total", a.total.to_string()),
            ("quota", a.quota_text()),
        ],
    );
    let key = match (a.rounded_up, a.unit) {
        (true, Unit::Krona) => "apportion-rounded-up-kr",
        (false, Unit::Krona) => "apportion-rounded-down-kr",
        (true, Unit::Ore) => "apportion-rounded-up-ore",
        (false, Unit::Ore) => "apportion-rounded-down-ore",
    };
    (explanation, t.text(key, &[("amount", a.amount.to_string()), ("rounding", a.rounding_text())]))
}

pub async fn apportion_page(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Asked { input, fields }: Asked<ApportionForm>,
) -> AppResult<Response> {
    let t = ctx.tr();
    let county = county_of(&user);
    let wanted = input.year;
    let (years, figures) = state
        .store
        .run(move |conn| {
            let years: Vec<i32> = population::years(conn)?.into_iter().map(|(y, _)| y).collect();
            let year = wanted.or_else(|| years.first().copied());
            let figures = match year {
                Some(y) => population::figures(conn, y, county.as_deref())?,
                None => Vec::new(),
            };
            Ok((years, figures))
        })
        .await?;
    let year = input.year.or_else(|| years.first().copied());
    let (mut rows, mut sum, mut shared) = (Vec::new(), String::new(), String::new());
    let f = match input.check(&figures) {
        None => Filled::kept("apportion", fields),
        Some(Ok((total, allocation))) => {
            shared = total.to_string();
            sum = allocation.iter().map(|a| a.amount).sum::<Money>().to_string();
            rows = allocation
                .iter()
                .map(|a| {
                    let (explanation, rounding) = explain(a, &t);
                    AllocationRow {
                        code: a.code.clone(),
                        name: a.name.clone(),
                        population: Money::from_kr(a.population as i64).format_number(),
                        share: a.share_text(),
                        amount: a.amount.to_string(),
                        explanation,
                        rounding,
                    }
                })
                .collect();
            Filled::kept("apportion", fields)
        }
        Some(Err(errors)) => Filled::failed("apportion", fields, errors),
    };
    let population_total = Money::from_kr(figures.iter().map(|f| f.population as i64).sum()).format_number();
    let status = f.status();
    let page = ApportionPage {
        years: years.iter().map(|y| (*y, Some(*y) == year)).collect(),
        ore: input.unit() == Unit::Ore,
        f,
        rows,
        shared,
        sum,
        population_total,
        ctx: PageContext::new(&ctx, t.get("apportion-title"), "/cofinancing/population"),
    };
    Ok(render_with(status, &page))
}

// ---- checking a printed table ----

#[derive(Template)]
#[template(path = "cofinancing/check.html")]
struct CheckPage {
    ctx: PageContext,
    f: Filled,
    check: Option<TableCheck>,
    /// The table's heading line, for a form opened empty.
    table_heading: &'static str,
}

const TABLE_HEADING: &str = "code,name,population,stated_kr\n";

pub async fn check_form(Signed { ctx, .. }: Signed) -> AppResult<Response> {
    let page = CheckPage {
        f: Filled::default(),
        check: None,
        table_heading: TABLE_HEADING,
        ctx: PageContext::new(&ctx, ctx.tr().get("check-title"), "/cofinancing/population"),
    };
    Ok(render_with(axum::http::StatusCode::OK, &page))
}

pub async fn check_submit(
    Signed { ctx, .. }: Signed,
    Submitted { input, fields }: Submitted<TableCheckForm>,
) -> AppResult<Response> {
    let (f, check) = match input.check() {
        Ok(check) => (Filled::kept("check", fields), Some(check)),
        Err(errors) => (Filled::failed("check", fields, errors), None),
    };
    let status = f.status();
    let page = CheckPage {
        f,
        check,
        table_heading: TABLE_HEADING,
        ctx: PageContext::new(&ctx, ctx.tr().get("check-title"), "/cofinancing/population"),
    };
    Ok(render_with(status, &page))
}
