//! The calculators: a post's cost, the apportionment of a total with the explanation of each
//! amount, and the check of a printed table.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use etablera_domain::cofinancing::population::parse_stated_table_csv;
use etablera_domain::cofinancing::{
    Allocation, CostModel, Percent, StatedRow, TableCheck, Unit, apportion, check_table,
};
use etablera_domain::money::Money;
use etablera_store::cofinancing::population;
use serde::Deserialize;

use super::county_of;
use crate::api::Params;
use crate::app::AppState;
use crate::context::Signed;
use crate::error::AppResult;
use crate::i18n::{Text, Tr};
use crate::pages::{PageContext, render_with};
use crate::security::CsrfForm;

/// A field's error, for the summary at the top and the message at the field.
#[derive(Clone)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

fn field_error<'a>(errors: &'a [FieldError], field: &str) -> Option<&'a str> {
    errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
}

fn status(errors: &[FieldError]) -> StatusCode {
    if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY }
}

fn money_field(t: &Tr, text: &str, field: &'static str, errors: &mut Vec<FieldError>) -> Option<Money> {
    match Money::parse_kr(text) {
        Ok(m) if m.ore() >= 0 => Some(m),
        Ok(_) => {
            errors.push(FieldError { field, message: t.say(&Text::new("cost-amount-negative")) });
            None
        }
        Err(e) => {
            errors.push(FieldError { field, message: t.say(&e.text().sentence()) });
            None
        }
    }
}

// ---- cost ----

#[derive(Deserialize, Default)]
pub struct CostQuery {
    monthly_salary_kr: Option<String>,
    on_cost_percent: Option<String>,
    overhead_kr: Option<String>,
    months: Option<String>,
}

pub struct CostResult {
    pub total: String,
    pub total_kr: String,
    pub arithmetic: String,
}

#[derive(Template)]
#[template(path = "cofinancing/cost.html")]
struct CostPage {
    ctx: PageContext,
    salary: String,
    percent: String,
    overhead: String,
    months: String,
    errors: Vec<FieldError>,
    result: Option<CostResult>,
}

impl CostPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        field_error(&self.errors, field)
    }
}

pub async fn cost(Signed { ctx, .. }: Signed, Params(q): Params<CostQuery>) -> AppResult<Response> {
    let t = ctx.tr();
    let asked = q.monthly_salary_kr.is_some();
    let salary = q.monthly_salary_kr.unwrap_or_else(|| "39 500".into());
    let percent = q.on_cost_percent.unwrap_or_else(|| "48".into());
    let overhead = q.overhead_kr.unwrap_or_else(|| "0".into());
    let months = q.months.unwrap_or_else(|| "12".into());
    let mut errors = Vec::new();
    let mut result = None;
    if asked {
        let monthly_salary = money_field(&t, &salary, "monthly_salary_kr", &mut errors);
        let on_cost = percent
            .parse::<Percent>()
            .map_err(|e| errors.push(FieldError { field: "on_cost_percent", message: t.say(&e.text().sentence()) }))
            .ok();
        let monthly_overhead = money_field(&t, &overhead, "overhead_kr", &mut errors);
        let month_count = match months.trim().parse::<u32>() {
            Ok(m) if (1..=1200).contains(&m) => Some(m),
            _ => {
                errors.push(FieldError { field: "months", message: t.get("cost-bad-months") });
                None
            }
        };
        if let (Some(monthly_salary), Some(on_cost), Some(monthly_overhead), Some(m)) =
            (monthly_salary, on_cost, monthly_overhead, month_count)
        {
            let model = CostModel { monthly_salary, on_cost, monthly_overhead };
            let total = model.cost(m);
            result = Some(CostResult {
                total: total.to_string(),
                total_kr: total.format_number().replace('\u{a0}', ""),
                arithmetic: format!("({monthly_salary} × (1 + {on_cost}) + {monthly_overhead}) × {m} = {total}"),
            });
        }
    }
    let page = CostPage {
        salary,
        percent,
        overhead,
        months,
        result,
        ctx: PageContext::new(&ctx, t.get("cost-title"), "/cofinancing/population"),
        errors,
    };
    Ok(render_with(status(&page.errors), &page))
}

// ---- apportionment ----

#[derive(Deserialize, Default)]
pub struct ApportionQuery {
    year: Option<i32>,
    total_kr: Option<String>,
    unit: Option<String>,
}

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
    /// Each year with figures, and whether it is the one shown.
    years: Vec<(i32, bool)>,
    total: String,
    ore: bool,
    errors: Vec<FieldError>,
    rows: Vec<AllocationRow>,
    /// The total as shared, formatted.
    shared: String,
    sum: String,
    population_total: String,
}

impl ApportionPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        field_error(&self.errors, field)
    }
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
    Params(q): Params<ApportionQuery>,
) -> AppResult<Response> {
    let t = ctx.tr();
    let county = county_of(&user);
    let wanted = q.year;
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
    let year = q.year.or_else(|| years.first().copied());
    let ore = q.unit.as_deref() == Some("ore");
    let total_text = q.total_kr.clone().unwrap_or_default();
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    let mut sum = String::new();
    let mut shared = String::new();
    if q.total_kr.is_some() {
        let total = money_field(&t, &total_text, "total_kr", &mut errors);
        if figures.is_empty() {
            errors.push(FieldError { field: "year", message: t.get("apportion-no-figures") });
        }
        if let (Some(total), false) = (total, figures.is_empty()) {
            match apportion(total, if ore { Unit::Ore } else { Unit::Krona }, &figures) {
                Ok(allocation) => {
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
                }
                Err(e) => errors.push(FieldError { field: "total_kr", message: t.say(&e.text()) }),
            }
        }
    }
    let population_total = Money::from_kr(figures.iter().map(|f| f.population as i64).sum()).format_number();
    let page = ApportionPage {
        years: years.iter().map(|y| (*y, Some(*y) == year)).collect(),
        total: total_text,
        ore,
        errors,
        rows,
        shared,
        sum,
        population_total,
        ctx: PageContext::new(&ctx, t.get("apportion-title"), "/cofinancing/population"),
    };
    Ok(render_with(status(&page.errors), &page))
}

// ---- checking a printed table ----

#[derive(Template)]
#[template(path = "cofinancing/check.html")]
struct CheckPage {
    ctx: PageContext,
    total: String,
    table: String,
    errors: Vec<FieldError>,
    check: Option<TableCheck>,
}

impl CheckPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        field_error(&self.errors, field)
    }
}

pub async fn check_form(Signed { ctx, .. }: Signed) -> AppResult<Response> {
    let page = CheckPage {
        total: String::new(),
        table: "code,name,population,stated_kr\n".into(),
        errors: Vec::new(),
        check: None,
        ctx: PageContext::new(&ctx, ctx.tr().get("check-title"), "/cofinancing/population"),
    };
    Ok(render_with(StatusCode::OK, &page))
}

#[derive(Deserialize)]
pub struct CheckForm {
    #[serde(default)]
    total_kr: String,
    #[serde(default)]
    table: String,
}

pub async fn check_submit(Signed { ctx, .. }: Signed, CsrfForm(form): CsrfForm<CheckForm>) -> AppResult<Response> {
    let t = ctx.tr();
    let mut errors = Vec::new();
    let total = money_field(&t, &form.total_kr, "total_kr", &mut errors);
    let rows = match parse_stated_table_csv(&form.table) {
        Ok(rows) => Some(rows),
        Err(line_errors) => {
            errors.extend(
                line_errors.into_iter().map(|e| FieldError { field: "table", message: t.say(&e.text().capitalised()) }),
            );
            None
        }
    };
    let mut check = None;
    if let (Some(total), Some(rows)) = (total, rows) {
        let stated: Vec<StatedRow> = rows
            .into_iter()
            .map(|r| StatedRow {
                code: r.row.code.to_string(),
                name: r.row.name,
                population: r.row.population,
                stated: r.stated,
            })
            .collect();
        match check_table(total, &stated) {
            Ok(result) => check = Some(result),
            Err(e) => errors.push(FieldError { field: "table", message: ctx.tr().say(&e.text()) }),
        }
    }
    let page = CheckPage {
        total: form.total_kr,
        table: form.table,
        check,
        ctx: PageContext::new(&ctx, ctx.tr().get("check-title"), "/cofinancing/population"),
        errors,
    };
    Ok(render_with(status(&page.errors), &page))
}
