//! The administrator's view of culling (gallring): the records of a municipality due under the
//! rule in force, what holds any back, and culling them now rather than at the server's round.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use etablera_domain::access::culling::Blocker;
use etablera_domain::municipality::name_of;
use etablera_store::access::culling::{self, Culled};
use serde::Deserialize;

use crate::api::Params;
use crate::app::AppState;
use crate::context::Signed;
use crate::error::{AppError, AppResult};
use crate::forms::Submitted;
use crate::i18n::Text;
use crate::listing::{ListParams, Listing, Pager, number};
use crate::pages::{PageContext, municipality, render};

pub struct DueRow {
    pub household_id: i32,
    pub unit: String,
    pub persons: i64,
    pub last_entry: String,
    pub due_on: String,
    pub finish_by: String,
    /// "May be culled", "overdue", or what holds it back.
    pub status: String,
    pub late: bool,
}

#[derive(Template)]
#[template(path = "culling.html")]
struct CullingPage {
    ctx: PageContext,
    rule: Option<String>,
    schedule: String,
    municipalities: Vec<(String, String, bool)>,
    chosen: Option<String>,
    summary: Option<String>,
    free: u64,
    rows: Vec<DueRow>,
    pager: Pager,
    notice: Option<String>,
}

#[derive(Deserialize)]
pub struct CullingQuery {
    kommun: Option<String>,
    #[serde(flatten)]
    list: ListParams,
    #[serde(default, deserialize_with = "number")]
    culled: Option<u32>,
    #[serde(default, deserialize_with = "number")]
    persons: Option<u32>,
}

pub async fn page(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Params(q): Params<CullingQuery>,
) -> AppResult<Html<String>> {
    let t = ctx.tr();
    let chosen = municipality(&user, q.kommun.as_deref());
    let (actor, today, paging) = (ctx.actor(), ctx.today(), q.list.paging()?);
    let code = chosen.clone();
    let list = match code {
        Some(code) => Some(state.store.run(move |conn| culling::due(conn, &actor, &code, today, paging)).await?),
        None => None,
    };
    let listing = Listing::new("/admin/culling", "last_entry", false, paging).keep("kommun", chosen.as_deref());
    let empty = etablera_store::paging::Page { rows: Vec::<()>::new(), total: 0, paging };
    let pager = match &list {
        Some(list) => listing.pager(&t, &list.page),
        None => listing.pager(&t, &empty),
    };
    let rule = list
        .as_ref()
        .and_then(|l| l.rule.as_ref())
        .map(|r| t.say(&Text::new("culling-rule").with("years", r.years).with("source", &r.source)));
    let summary = list.as_ref().map(|l| {
        t.say(
            &Text::new("culling-due-summary")
                .with("municipality", chosen.as_deref().map(name_of).unwrap_or_default())
                .with("due", l.page.total)
                .with("blocked", l.blocked),
        )
    });
    let free = list.as_ref().map_or(0, |l| l.page.total - l.blocked);
    let rows = list
        .map(|l| l.page.rows)
        .unwrap_or_default()
        .into_iter()
        .map(|d| {
            let late = d.schedule.overdue(today);
            let status = if !d.blockers.is_empty() {
                let why: Vec<String> = d.blockers.iter().map(|b: &Blocker| t.say(&b.text())).collect();
                t.say(&Text::new("culling-row-blocked").with("why", why.join("; ")))
            } else if late {
                t.get("culling-overdue")
            } else {
                t.get("culling-free")
            };
            DueRow {
                household_id: d.household_id,
                unit: d.unit,
                persons: d.persons,
                last_entry: d.last_entry.to_string(),
                due_on: d.schedule.due_on.to_string(),
                finish_by: d.schedule.finish_by.to_string(),
                status,
                late,
            }
        })
        .collect();
    let municipalities = user
        .municipalities
        .iter()
        .map(|m| (m.as_str().to_owned(), format!("{} {}", m.as_str(), m.name()), Some(m.as_str()) == chosen.as_deref()))
        .collect();
    let schedule = match state.config.cull_at_hour {
        Some(hour) => t.with("culling-schedule", "hour", format!("{hour:02}:00")),
        None => t.get("culling-schedule-off"),
    };
    let notice = q.culled.map(|households| {
        t.say(&Text::new("culling-done-web").with("households", households).with("persons", q.persons.unwrap_or(0)))
    });
    render(&CullingPage {
        rule,
        schedule,
        municipalities,
        chosen,
        summary,
        free,
        rows,
        pager,
        notice,
        ctx: PageContext::new(&ctx, t.get("culling-title"), "/admin/culling"),
    })
}

#[derive(Deserialize)]
pub struct CullForm {
    #[serde(default)]
    kommun: String,
}

/// Culls the municipality's records that are due and free now.
pub async fn cull(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Submitted { input: form, .. }: Submitted<CullForm>,
) -> AppResult<Response> {
    let Some(code) = municipality(&user, Some(&form.kommun)).filter(|c| *c == form.kommun) else {
        return Err(AppError::NotFound);
    };
    let actor = ctx.actor();
    let target = code.clone();
    let culled: Culled = state.store.run(move |conn| culling::cull_municipality(conn, &actor, &target)).await?;
    tracing::info!(households = culled.households, persons = culled.persons, "culled records on request");
    Ok(Redirect::to(&format!("/admin/culling?kommun={code}&culled={}&persons={}", culled.households, culled.persons))
        .into_response())
}

/// The server's daily round: every municipality's records due and free are culled at the
/// configured hour (Stockholm time) by the clock the server runs on.
pub fn cull_in_background(state: AppState) {
    let Some(hour) = state.config.cull_at_hour else { return };
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(until_next(state.config.clock.now(), hour)).await;
            let actor = etablera_store::access::Actor::system(state.config.clock.now());
            match state.store.run(move |conn| culling::cull_all(conn, &actor)).await {
                Ok(c) => tracing::info!(
                    households = c.households,
                    persons = c.persons,
                    notes = c.notes,
                    documents = c.documents,
                    blocked = c.blocked,
                    "culled the records due"
                ),
                Err(e) => tracing::error!(error = %e, "culling failed; it is tried again at the next round"),
            }
        }
    });
}

/// How long from `now` (UTC) to the next time the Stockholm clock shows `hour`:00.
fn until_next(now: chrono::NaiveDateTime, hour: u32) -> std::time::Duration {
    use chrono::{Days, NaiveTime};
    let local = etablera_domain::time::to_local(now);
    let at = NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or(NaiveTime::MIN);
    let today = local.date().and_time(at);
    let next = if today > local { today } else { today + Days::new(1) };
    let wait = next - local;
    // A day of a change to or from summer time is an hour off at most; the round comes all the same.
    wait.to_std().unwrap_or(std::time::Duration::from_secs(60)).max(std::time::Duration::from_secs(60))
}

#[cfg(test)]
mod tests {
    use super::until_next;

    #[test]
    fn the_round_waits_until_the_hour_on_the_stockholm_clock() {
        let at = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        // 00:30 UTC in December is 01:30 in Stockholm: half an hour to 02:00.
        assert_eq!(until_next(at("2026-12-06 00:30"), 2).as_secs(), 30 * 60);
        // Just past 02:00 in Stockholm: the next is tomorrow's.
        assert_eq!(until_next(at("2026-12-06 01:00"), 2).as_secs(), 24 * 3600);
    }
}
