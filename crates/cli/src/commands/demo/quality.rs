//! The demo's complaints and deviations and its signed monthly reports in Österåker: six
//! invented cases over the last seven months (one serious, told to the committee; two still
//! open), and the monthly reports of the two months before last signed by the unit manager, so
//! that last month waits for its signature. Written through the same store functions as the
//! pages; nothing in them names a person.

use chrono::{Duration, NaiveDate};
use etablera_domain::quality::deviations::DeviationForm;
use etablera_domain::reception::first_contact::DayCount;
use etablera_domain::reporting::monthly::Month;
use etablera_store::access::Actor;
use etablera_store::quality::deviations;
use etablera_store::reception::Scope;
use etablera_store::reporting::monthly;
use etablera_store::{DbConn, Result, StoreError};

pub struct Quality {
    pub cases: usize,
    pub signed: usize,
}

/// (kind, channel, category, severity, days ago received, days to close, description, actions)
type Case = (&'static str, &'static str, &'static str, &'static str, i64, Option<i64>, &'static str, &'static str);

const CASES: [Case; 6] = [
    (
        "complaint",
        "phone",
        "housing",
        "normal",
        200,
        Some(10),
        "Hyresvärden påpekade att flyttstädningen inte var bokad när kontraktet löpte ut.",
        "Rutinen för avflyttning ses över; städning bokad.",
    ),
    (
        "deviation",
        "internal",
        "reception",
        "normal",
        150,
        Some(1),
        "Första kontakten dröjde tre dagar på grund av sjukfrånvaro.",
        "Vikarie utsedd för första kontakter vid frånvaro.",
    ),
    (
        "complaint",
        "letter",
        "treatment",
        "normal",
        90,
        Some(20),
        "Brev om upplevt otrevligt bemötande vid ett hembesök.",
        "Samtal med den som skrev och med personalen.",
    ),
    (
        "deviation",
        "internal",
        "confidentiality",
        "serious",
        60,
        Some(5),
        "Ett beslut skickades till fel adress.",
        "Mottagaren kontaktad och brevet återsänt; incidenten anmäld till dataskyddsombudet.",
    ),
    (
        "complaint",
        "e_service",
        "availability",
        "normal",
        20,
        None,
        "Svårt att nå mottagningen på telefon under eftermiddagar.",
        "",
    ),
    (
        "deviation",
        "internal",
        "economy",
        "normal",
        10,
        None,
        "Ett kvitto saknades för en kostnad som ska återsökas.",
        "",
    ),
];

pub fn run(
    conn: &mut DbConn,
    actor: &Actor,
    municipality: &str,
    today: NaiveDate,
    unit_manager: Option<i32>,
) -> Result<Quality> {
    let scope = Scope::command_line();
    let by_manager = unit_manager.map_or_else(|| actor.clone(), |id| actor.user(id));
    for (kind, channel, category, severity, ago, close_after, description, actions) in CASES {
        let received = today - Duration::days(ago);
        let form = DeviationForm {
            kind: kind.into(),
            received_on: received.to_string(),
            channel: channel.into(),
            description: description.into(),
            category: category.into(),
            severity: severity.into(),
            actions: (!actions.is_empty()).then(|| actions.to_owned()),
            closed_on: close_after.map(|days| (received + Duration::days(days)).to_string()),
        };
        let case = form
            .check(today)
            .map_err(|e| StoreError::invalid("demo", format!("the demo's case does not pass: {e:?}")))?;
        deviations::create(conn, &by_manager, &scope, municipality, None, &case)?;
    }
    let last = Month::containing(today).previous();
    let mut signed = 0;
    for month in [last.previous().previous(), last.previous()] {
        monthly::sign(
            conn,
            &by_manager,
            municipality,
            month,
            today,
            DayCount::Calendar,
            Some("Granskad på enhetsmötet."),
        )?;
        signed += 1;
    }
    Ok(Quality { cases: CASES.len(), signed })
}
