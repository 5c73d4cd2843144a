//! A register extract of one person, for the unit manager to hand to the person who asked:
//! as JSON (everything, with codes) and as a PDF (the same, in words). Making one is logged as
//! an export of the person.

use axum::extract::{Path, State};
use axum::response::Response;
use etablera_domain::money::Money;
use etablera_reports::access::{ExtractDocument, ExtractSection, extract_pdf};
use etablera_store::access::extract::{self, Extract};

use crate::access::scope;
use crate::app::AppState;
use crate::context::Signed;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::pages::{download, local_time, pdf_download};

async fn read(state: &AppState, signed: &Signed, id: i32) -> AppResult<Extract> {
    let (actor, scope) = (signed.ctx.actor(), scope(&signed.user));
    Ok(state.store.run(move |conn| extract::person(conn, &actor, &scope, id)).await?)
}

pub async fn json(State(state): State<AppState>, signed: Signed, Path(id): Path<i32>) -> AppResult<Response> {
    let extract = read(&state, &signed, id).await?;
    let body = serde_json::to_vec_pretty(&extract).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download("application/json", format!("registerutdrag-{id}.json"), body))
}

pub async fn pdf(State(state): State<AppState>, signed: Signed, Path(id): Path<i32>) -> AppResult<Response> {
    let extract = read(&state, &signed, id).await?;
    let t = signed.ctx.tr();
    let document = document(&t, &extract);
    pdf_download(format!("registerutdrag-{id}.pdf"), move || extract_pdf(&document)).await
}

fn or_none(t: &Tr, value: Option<impl ToString>) -> String {
    value.map(|v| v.to_string()).unwrap_or_else(|| t.get("extract-none-value"))
}

fn yes_no(t: &Tr, value: bool) -> String {
    t.get(if value { "yes" } else { "no" })
}

fn kr(ore: i64) -> String {
    Money::from_ore(ore).to_string()
}

fn section(t: &Tr, heading: &str, headers: &[&str], rows: Vec<Vec<String>>) -> ExtractSection {
    ExtractSection {
        heading: t.get(heading),
        headers: headers.iter().map(|h| t.get(h)).collect(),
        rows,
        none: t.get("extract-section-empty"),
    }
}

/// The extract in the reader's words.
fn document(t: &Tr, x: &Extract) -> ExtractDocument {
    let p = &x.person;
    let h = &x.household;
    let name = format!("{} {}", p.given_name, p.family_name);
    let facts = vec![
        (t.get("extract-name"), name.clone()),
        (t.get("person-birth-date"), p.birth_date.clone()),
        (t.get("person-personal-number"), or_none(t, p.personal_number.as_deref())),
        (t.get("person-dossier-number"), or_none(t, p.dossier_number.as_deref())),
        (t.get("person-category"), t.get(&format!("category-{}", p.category))),
        (t.get("person-languages"), or_none(t, Some(p.languages.join(", ")).filter(|l| !l.is_empty()))),
        (t.get("person-interpreter"), yes_no(t, p.interpreter_needed)),
        (t.get("extract-protected-identity"), yes_no(t, p.protected_identity)),
        (t.get("person-reception-date"), or_none(t, p.reception_date)),
        (t.get("col-household"), h.label.clone()),
        (
            t.get("col-municipality"),
            format!("{} {}", h.municipality_code, etablera_domain::municipality::name_of(&h.municipality_code)),
        ),
        (t.get("household-unit"), h.unit.clone()),
        (t.get("household-placement-date"), h.placement_date.to_string()),
        (t.get("col-first-contact"), or_none(t, h.first_contact_at.map(local_time))),
        (t.get("household-responsible"), or_none(t, h.responsible.as_deref())),
        (t.get("extract-other-persons"), h.other_persons.to_string()),
    ];
    let sections = vec![
        section(
            t,
            "extract-history",
            &["col-time", "col-user", "extract-col-record", "extract-col-change"],
            x.history
                .iter()
                .map(|c| {
                    let what = c
                        .changes
                        .iter()
                        .map(|f| format!("{}: {} → {}", f.field, f.before, f.after))
                        .collect::<Vec<_>>()
                        .join("; ");
                    vec![
                        local_time(c.at),
                        or_none(t, c.by.as_deref()),
                        t.get(&format!("extract-record-{}", c.record)),
                        what,
                    ]
                })
                .collect(),
        ),
        section(
            t,
            "extract-exits",
            &["exit-date", "exit-reason", "exit-return", "activity-note"],
            x.exits
                .iter()
                .map(|e| {
                    vec![
                        e.exit_date.to_string(),
                        t.get(&format!("exit-{}", e.reason)),
                        or_none(t, e.returned_on),
                        e.note.clone().unwrap_or_default(),
                    ]
                })
                .collect(),
        ),
        section(
            t,
            "extract-activities",
            &["activity-type", "activity-start", "activity-end", "activity-extent", "activity-note"],
            x.activities
                .iter()
                .map(|a| {
                    let extent = match (a.hours_per_week, a.extent_percent) {
                        (_, Some(p)) => format!("{p} %"),
                        (Some(h), None) => t.with("hours-per-week", "hours", h),
                        (None, None) => String::new(),
                    };
                    vec![
                        a.type_name.clone(),
                        a.start_date.to_string(),
                        or_none(t, a.end_date),
                        extent,
                        a.note.clone().unwrap_or_default(),
                    ]
                })
                .collect(),
        ),
        section(
            t,
            "declines-title",
            &["decline-type", "decline-date", "decline-reason"],
            x.declines.iter().map(|d| vec![d.type_name.clone(), d.declined_on.to_string(), d.reason.clone()]).collect(),
        ),
        section(
            t,
            "extract-exemptions",
            &["exemption-reason", "activity-start", "activity-end", "activity-note"],
            x.exemptions
                .iter()
                .map(|e| {
                    vec![
                        t.get(&format!("exemption-{}", e.reason)),
                        e.start_date.to_string(),
                        or_none(t, e.end_date),
                        e.note.clone().unwrap_or_default(),
                    ]
                })
                .collect(),
        ),
        section(
            t,
            "extract-homes",
            &[
                "housing-address",
                "housing-landlord",
                "housing-start",
                "housing-end",
                "housing-rent",
                "extract-col-damages",
            ],
            x.homes
                .iter()
                .map(|home| {
                    let damages = home
                        .damages
                        .iter()
                        .map(|d| format!("{} {} ({})", d.damage_date, d.description, kr(d.cost_ore)))
                        .collect::<Vec<_>>()
                        .join("; ");
                    vec![
                        home.address.clone(),
                        home.landlord.clone().unwrap_or_default(),
                        home.contract_start.to_string(),
                        home.contract_end.to_string(),
                        home.rent_ore.map(kr).unwrap_or_default(),
                        damages,
                    ]
                })
                .collect(),
        ),
        section(
            t,
            "extract-tasks",
            &["task-title", "task-due", "task-responsible", "extract-col-done"],
            x.tasks
                .iter()
                .map(|task| {
                    vec![
                        task.title.clone(),
                        task.due_date.to_string(),
                        task.responsible.clone(),
                        or_none(t, task.done_on),
                    ]
                })
                .collect(),
        ),
        section(
            t,
            "extract-notes",
            &["col-time", "extract-col-author", "note-about", "note-text"],
            x.notes
                .iter()
                .map(|n| {
                    let about = if n.about_person { name.clone() } else { t.get("note-about-household") };
                    vec![local_time(n.written_at), or_none(t, n.author.as_deref()), about, n.text.clone()]
                })
                .collect(),
        ),
        section(
            t,
            "extract-costs",
            &["col-date", "cost-category", "col-amount", "extract-col-supplier", "extract-col-claim"],
            x.costs
                .iter()
                .map(|c| {
                    vec![
                        c.cost_date.to_string(),
                        t.get(&format!("cost-category-{}", c.category)),
                        kr(c.amount_ore),
                        c.supplier.clone(),
                        or_none(t, c.claim_id),
                    ]
                })
                .collect(),
        ),
        section(
            t,
            "extract-claims",
            &["col-number", "col-kind", "col-period", "col-status", "extract-col-granted"],
            x.claims
                .iter()
                .map(|c| {
                    vec![
                        c.id.to_string(),
                        t.get(&format!("claim-type-{}", c.claim_type)),
                        format!("{} – {}", c.period_start, c.period_end),
                        t.get(&format!("claim-status-{}", c.status)),
                        c.granted_ore.map(kr).unwrap_or_default(),
                    ]
                })
                .collect(),
        ),
        section(
            t,
            "extract-documents",
            &["col-file", "extract-col-title", "extract-col-size", "extract-col-uploaded", "extract-col-author"],
            x.documents
                .iter()
                .map(|d| {
                    vec![
                        d.file_name.clone(),
                        d.title.clone().unwrap_or_default(),
                        format!("{} kB", (d.size_bytes.max(0) as u32).div_ceil(1024)),
                        local_time(d.uploaded_at),
                        or_none(t, d.uploaded_by.as_deref()),
                    ]
                })
                .collect(),
        ),
        section(
            t,
            "extract-deviations",
            &["deviation-received-on", "col-kind", "deviation-description", "extract-col-closed"],
            x.deviations
                .iter()
                .map(|d| {
                    vec![
                        d.received_on.to_string(),
                        t.get(&format!("deviation-kind-{}", d.kind)),
                        d.description.clone(),
                        or_none(t, d.closed_on),
                    ]
                })
                .collect(),
        ),
        section(
            t,
            "extract-access",
            &["col-time", "col-user", "col-action", "col-record"],
            x.access
                .iter()
                .map(|a| {
                    vec![
                        local_time(a.at),
                        a.user.clone().unwrap_or_else(|| t.get("extract-system")),
                        t.get(&format!("action-{}", a.action)),
                        format!(
                            "{} {}",
                            t.get(&format!("extract-record-{}", a.record_kind)),
                            a.record_id.clone().unwrap_or_default()
                        ),
                    ]
                })
                .collect(),
        ),
    ];
    let made = local_time(x.made_at);
    ExtractDocument {
        title: t.with("extract-title", "name", &name),
        intro: t.text("extract-intro", &[("date", made.clone()), ("by", x.made_by.clone().unwrap_or_default())]),
        facts,
        sections,
        footer: t.text("extract-footer", &[("name", name.clone()), ("date", made)]),
        page_word: t.get("plan-document-page"),
        of_word: t.get("plan-document-of"),
        lang: t.get("plan-document-lang"),
    }
}
