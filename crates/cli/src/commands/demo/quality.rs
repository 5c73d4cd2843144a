//! The demo's committee side in Österåker: the seed's order (from 2020-03-01, four years, six
//! months' notice) with an invented prolongation, 2,5 posts, its duties done with invented
//! registry numbers except the latest interim summary (overdue); six invented complaints and
//! deviations over the last seven months (one serious, told to the committee; two still open);
//! and the monthly reports signed by the unit manager from the order's start to the month before
//! last, so that last month waits for its signature. Written through the same store functions
//! as the pages; nothing in them names a person.

use chrono::{Datelike, Duration, NaiveDate};
use etablera_domain::agreements::obligations::{DutyKind, Status, default_duties};
use etablera_domain::agreements::order::{FulfilForm, NewOrder, StaffingForm};
use etablera_domain::agreements::{InvoiceSchedule, RefundPolicy, Side, Terms, Validity};
use etablera_domain::input::Invalid;
use etablera_domain::quality::deviations::{Category, Channel, DeviationForm, Kind, Severity};
use etablera_domain::reception::first_contact::DayCount;
use etablera_domain::reporting::monthly::{Month, SignForm};
use etablera_domain::text::Text;
use etablera_store::access::Actor;
use etablera_store::access::Scope;
use etablera_store::agreements::{self, Contact, NewVersion, obligations, orders};
use etablera_store::quality::deviations;
use etablera_store::reporting::monthly;
use etablera_store::{DbConn, Result, StoreError};

pub struct Quality {
    pub cases: usize,
    pub signed: usize,
    pub duties_done: usize,
}

/// A value the demo makes, through its form's check: a demo that does not pass is a bug.
fn checked<T>(what: &str, result: std::result::Result<T, Vec<Invalid>>) -> Result<T> {
    result.map_err(|e| {
        StoreError::invalid(
            "demo",
            Text::new("technical-detail").with("detail", format!("the demo's {what} does not pass: {e:?}")),
        )
    })
}

fn d(text: &str) -> NaiveDate {
    text.parse().expect("the demo's dates are dates")
}

fn order_version(start: NaiveDate, end: NaiveDate, registry: &str, note: Option<&str>) -> NewVersion {
    // A valid organisation number for the demo; check the municipality's own before real use.
    let org: etablera_domain::identity::OrganisationNumber = "212000-2882".parse().expect("a valid number");
    NewVersion {
        effective_from: start,
        registry_number: Some(registry.to_owned()),
        decision: Some(format!("Socialnämnden, beslut om beställning {registry}")),
        signed_on: start.pred_opt(),
        terms: Terms {
            validity: Validity::FixedTerm { start, end },
            notice_months: Some(6),
            refund_policy: RefundPolicy::None,
            vacancy_threshold_months: None,
            schedule: InvoiceSchedule::None,
        },
        municipality_org_number: org.clone(),
        county_org_number: org,
        contacts: vec![
            Contact {
                side: Side::Committee,
                name: "Demo Nämndsekreterare".into(),
                title: None,
                email: None,
                phone: None,
            },
            Contact { side: Side::Executor, name: "Demo Enhetschef".into(), title: None, email: None, phone: None },
        ],
        note: note.map(str::to_owned),
    }
}

/// (kind, channel, category, severity, days ago received, days to close, description, actions)
type Case = (Kind, Channel, Category, Severity, i64, Option<i64>, &'static str, &'static str);

const CASES: [Case; 6] = [
    (
        Kind::Complaint,
        Channel::Phone,
        Category::Housing,
        Severity::Normal,
        200,
        Some(10),
        "Hyresvärden påpekade att flyttstädningen inte var bokad när kontraktet löpte ut.",
        "Rutinen för avflyttning ses över; städning bokad.",
    ),
    (
        Kind::Deviation,
        Channel::Internal,
        Category::Reception,
        Severity::Normal,
        150,
        Some(1),
        "Första kontakten dröjde tre dagar på grund av sjukfrånvaro.",
        "Vikarie utsedd för första kontakter vid frånvaro.",
    ),
    (
        Kind::Complaint,
        Channel::Letter,
        Category::Treatment,
        Severity::Normal,
        90,
        Some(20),
        "Brev om upplevt otrevligt bemötande vid ett hembesök.",
        "Samtal med den som skrev och med personalen.",
    ),
    (
        Kind::Deviation,
        Channel::Internal,
        Category::Confidentiality,
        Severity::Serious,
        60,
        Some(5),
        "Ett beslut skickades till fel adress.",
        "Mottagaren kontaktad och brevet återsänt; incidenten anmäld till dataskyddsombudet.",
    ),
    (
        Kind::Complaint,
        Channel::EService,
        Category::Availability,
        Severity::Normal,
        20,
        None,
        "Svårt att nå mottagningen på telefon under eftermiddagar.",
        "",
    ),
    (
        Kind::Deviation,
        Channel::Internal,
        Category::Economy,
        Severity::Normal,
        10,
        None,
        "Ett kvitto saknades för en kostnad som ska återsökas.",
        "",
    ),
];

pub fn run(conn: &mut DbConn, actor: &Actor, municipality: &str, unit_manager: Option<i32>) -> Result<Quality> {
    let today = actor.today();
    let scope = Scope::command_line();
    let by_manager = unit_manager.map_or_else(|| actor.clone(), |id| actor.user(id));
    for (kind, channel, category, severity, ago, close_after, description, actions) in CASES {
        let received = today - Duration::days(ago);
        let form = DeviationForm {
            kind: kind.code().into(),
            received_on: received.to_string(),
            channel: channel.code().into(),
            description: description.into(),
            category: category.code().into(),
            severity: severity.code().into(),
            actions: (!actions.is_empty()).then(|| actions.to_owned()),
            closed_on: close_after.map(|days| (received + Duration::days(days)).to_string()),
            committee_summary: (severity == Severity::Serious).then(|| {
                "Ett beslut skickades till fel mottagare; rättat samma vecka och anmält som personuppgiftsincident."
                    .to_owned()
            }),
        };
        let case = checked("case", form.check(today))?;
        deviations::create(conn, &by_manager, &scope, municipality, None, &case)?;
    }
    let code: etablera_domain::municipality::MunicipalityCode = municipality.parse().map_err(|_| {
        StoreError::invalid("municipality", Text::new("technical-detail").with("detail", "a municipality code"))
    })?;
    let start = d("2020-03-01");
    let title = "Beställning av individinriktat mottagnings- och integrationsarbete";
    let first = order_version(start, d("2024-02-29"), "SN 2020/14", None);
    let order = NewOrder { title: title.to_owned(), first, duties: default_duties(start) };
    let order_id = orders::create(conn, &by_manager, &code, &order)?;
    let prolonged =
        order_version(start, d("2028-02-29"), "SN 2023/88", Some("Förlängd i fyra år (påhittat för demon)."));
    agreements::amend(conn, &by_manager, order_id, 1, &NewVersion { effective_from: d("2024-03-01"), ..prolonged })?;
    let staffing = StaffingForm {
        municipality: municipality.to_owned(),
        from: start.to_string(),
        posts: "2,5".into(),
        note: "Enligt beställningen, 1.4.1".into(),
    };
    orders::record_staffing(conn, &by_manager, municipality, &checked("staffing", staffing.check())?)?;

    let last = Month::containing(today).previous();
    let mut signed = 0;
    let mut month = Month::containing(start);
    while month.first < last.first {
        let form = SignForm {
            municipality: municipality.to_owned(),
            month: month.code(),
            note: "Granskad på enhetsmötet.".into(),
            ..Default::default()
        };
        let signature = checked("signature", form.check(month, today))?;
        monthly::sign(conn, &by_manager, municipality, &signature, DayCount::Calendar, None)?;
        signed += 1;
        month = Month::containing(month.last.succ_opt().expect("a day after"));
    }
    // Every duty due by now is done, but the latest interim summary.
    let order = orders::current(conn, municipality)?.ok_or(StoreError::NotFound)?;
    let mut duties_done = 0;
    for (obligation, standings) in obligations::standing(conn, &order, today, today)? {
        if obligation.code == obligations::MONTHLY_REPORT {
            continue;
        }
        let overdue: Vec<_> = standings.iter().filter(|s| matches!(s.status, Status::Overdue { .. })).collect();
        for (i, s) in overdue.iter().enumerate() {
            if obligation.code == DutyKind::InterimSummary && i + 1 == overdue.len() {
                continue;
            }
            let done_on = s.occurrence.due - Duration::days(3);
            let form = FulfilForm {
                municipality: municipality.to_owned(),
                obligation: obligation.id,
                period: s.occurrence.period.clone(),
                done_on: done_on.to_string(),
                document: format!("SN {}/{}", done_on.year(), 100 + duties_done),
            };
            let done = checked("duty done", form.check(today))?;
            obligations::fulfil(conn, &by_manager, obligation.id, &s.occurrence.period, &done)?;
            duties_done += 1;
        }
    }
    Ok(Quality { cases: CASES.len(), signed, duties_done })
}
