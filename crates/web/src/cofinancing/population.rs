use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use etablera_domain::cofinancing::Claimant;
use etablera_domain::cofinancing::population::{LineError, PopulationRow, parse_population_csv};
use etablera_domain::cofinancing::scb::{decode, parse_json_stat2, parse_scb_csv};
use etablera_domain::money::Money;
use etablera_domain::text::Text;
use etablera_store::cofinancing::population::{self, ImportRecord, Source};
use serde::Deserialize;

use crate::api::Params;
use crate::app::AppState;
use crate::context::{RequestContext, Signed};
use crate::error::AppResult;
use crate::pages::{PageContext, local_time, render_with};
use crate::security::CsrfMultipart;

pub struct ImportRow {
    pub when: String,
    pub year: i32,
    pub source: String,
    pub file_name: String,
    pub rows: i32,
    pub by: String,
}

#[derive(Template)]
#[template(path = "cofinancing/population.html")]
struct PopulationPage {
    ctx: PageContext,
    years: Vec<(i32, i64)>,
    year: Option<i32>,
    figures: Vec<Claimant>,
    total: String,
    imports: Vec<ImportRow>,
    notice: Option<String>,
    errors: Vec<LineError>,
    form_year: String,
    form_format: String,
}

impl PopulationPage {
    fn format_checked(&self, code: &str) -> bool {
        self.form_format == code
    }
}

#[derive(Deserialize)]
pub struct PageQuery {
    year: Option<i32>,
    imported: Option<usize>,
}

fn thousands(n: u64) -> String {
    Money::from_kr(n as i64).format_number()
}

async fn render_page(
    state: &AppState,
    ctx: &RequestContext,
    year: Option<i32>,
    status: StatusCode,
    notice: Option<String>,
    errors: Vec<LineError>,
    form: (String, String),
) -> AppResult<Response> {
    let t = ctx.tr();
    let (years, figures, history) = state
        .store
        .run(move |conn| {
            let years = population::years(conn)?;
            let year = year.or_else(|| years.first().map(|(y, _)| *y));
            let figures = match year {
                Some(y) => population::figures(conn, y, None)?,
                None => Vec::new(),
            };
            Ok((years, figures, population::imports(conn, 10)?))
        })
        .await?;
    let year = year.or_else(|| years.first().map(|(y, _)| *y));
    let page = PopulationPage {
        total: thousands(figures.iter().map(|f| f.population).sum()),
        imports: history
            .into_iter()
            .map(|i: ImportRecord| ImportRow {
                when: local_time(i.imported_at),
                year: i.year,
                source: t.get(&format!("population-source-{}", i.source.code())),
                file_name: i.file_name.unwrap_or_default(),
                rows: i.row_count,
                by: i.imported_by.unwrap_or_else(|| t.get("audit-system")),
            })
            .collect(),
        years,
        year,
        figures,
        notice,
        errors,
        form_year: form.0,
        form_format: form.1,
        ctx: PageContext::new(ctx, t.get("population-title"), "/cofinancing/population"),
    };
    Ok(render_with(status, &page))
}

pub async fn page(
    State(state): State<AppState>,
    Signed { ctx, .. }: Signed,
    Params(q): Params<PageQuery>,
) -> AppResult<Response> {
    let notice = q.imported.map(|n| {
        ctx.tr()
            .text("population-imported", &[("rows", n.to_string()), ("year", q.year.unwrap_or_default().to_string())])
    });
    render_page(&state, &ctx, q.year, StatusCode::OK, notice, Vec::new(), (String::new(), "scb-csv".into())).await
}

fn parse(format: &str, bytes: &[u8], year: Option<i32>) -> Result<(i32, Source, Vec<PopulationRow>), Vec<LineError>> {
    let missing_year = || vec![LineError::new(0, Text::new("population-year-needed"))];
    match format {
        "csv" => {
            let year = year.ok_or_else(missing_year)?;
            Ok((year, Source::Csv, parse_population_csv(&decode(bytes))?))
        }
        "json-stat2" => parse_json_stat2(bytes, year).map(|t| (t.year, Source::JsonStat2, t.rows)),
        _ => parse_scb_csv(bytes, year).map(|t| (t.year, Source::ScbCsv, t.rows)),
    }
}

/// Imports an uploaded file; any bad line refuses the whole file and lists every bad line.
pub async fn import(
    State(state): State<AppState>,
    Signed { ctx, .. }: Signed,
    form: CsrfMultipart,
) -> AppResult<Response> {
    let format = form.field("format").to_owned();
    let year_text = form.field("year").trim().to_owned();
    let keep = (year_text.clone(), format.clone());
    let refuse = |errors: Vec<LineError>| (errors, keep.clone());
    let year = match year_text.as_str() {
        "" => None,
        text => match text.parse::<i32>() {
            Ok(y) if (population::MIN_YEAR..=population::MAX_YEAR).contains(&y) => Some(y),
            _ => {
                let (errors, keep) = refuse(vec![LineError::new(
                    0,
                    Text::new("population-year-between")
                        .with("min", population::MIN_YEAR)
                        .with("max", population::MAX_YEAR),
                )]);
                return render_page(&state, &ctx, None, StatusCode::UNPROCESSABLE_ENTITY, None, errors, keep).await;
            }
        },
    };
    let Some(file) = form.file("file") else {
        let (errors, keep) = refuse(vec![LineError::new(0, Text::new("population-file-needed"))]);
        return render_page(&state, &ctx, None, StatusCode::UNPROCESSABLE_ENTITY, None, errors, keep).await;
    };
    let (year, source, rows) = match parse(&format, &file.bytes, year) {
        Ok(parsed) => parsed,
        Err(errors) => {
            let (errors, keep) = refuse(errors);
            return render_page(&state, &ctx, None, StatusCode::UNPROCESSABLE_ENTITY, None, errors, keep).await;
        }
    };
    let actor = ctx.actor();
    let file_name = file.file_name.clone();
    let summary = state
        .store
        .run(move |conn| population::import(conn, &actor, year, source, file_name.as_deref(), &rows))
        .await?;
    Ok(Redirect::to(&format!("/cofinancing/population?year={}&imported={}", summary.year, summary.rows))
        .into_response())
}
