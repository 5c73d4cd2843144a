//! Agreements: each is a series of dated versions, never overwritten. A version carries the
//! parties' organisation numbers, the decision behind it, the terms and the contact persons.
//! A co-financing agreement belongs to a shared post; a committee's order has obligations.

pub mod obligations;
pub mod orders;

use crate::access::log::RecordKind;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use etablera_domain::agreements::{
    Instalment, InvoiceSchedule, InvoiceScheduleKind, Period, RefundPolicy, Side, Terms, Validity,
};
use etablera_domain::cofinancing::payment::{PostalAddress, Postcode};
use etablera_domain::municipality::MunicipalityCode;
use etablera_domain::text::Text;
use serde::Serialize;

use crate::access::Actor;
use crate::access::log::{Action, Record, append};
use crate::schema::{agreement_contacts, agreement_instalments, agreement_versions, agreements, terminations};
use crate::{DbConn, Result, StoreError, write};

pub(crate) const RECORD: RecordKind = RecordKind::Agreement;

etablera_domain::coded! {
    /// What kind of agreement: a co-financing agreement, or (issue 6) a committee's order.
    pub enum Kind {
        Cofinancing = "cofinancing",
        Order = "order",
    }
}

pub use etablera_domain::agreements::{Contact, NewVersion};

#[derive(Debug, Clone)]
pub struct Version {
    pub version: i32,
    pub effective_from: NaiveDate,
    pub registry_number: Option<String>,
    pub decision: Option<String>,
    pub signed_on: Option<NaiveDate>,
    pub terms: Terms,
    pub municipality_org_number: String,
    pub county_org_number: String,
    pub contacts: Vec<Contact>,
    pub note: Option<String>,
    pub recorded_at: NaiveDateTime,
}

#[derive(Debug, Clone, Serialize)]
pub struct Termination {
    pub notice_date: NaiveDate,
    pub end_date: NaiveDate,
    pub registry_number: Option<String>,
    pub refund_ore: i64,
    pub amount_due_ore: i64,
}

#[derive(Debug, Clone)]
pub struct Agreement {
    pub id: i32,
    /// The shared post of a co-financing agreement; an order has none.
    pub post_id: Option<i32>,
    pub kind: Kind,
    pub municipality_code: String,
    pub title: String,
    /// Where the municipality's invoices are sent, once the coordinator has said.
    pub invoice_address: Option<PostalAddress>,
    /// Oldest first; the last is in force.
    pub versions: Vec<Version>,
    pub termination: Option<Termination>,
}

impl Agreement {
    pub fn current(&self) -> &Version {
        self.versions.last().expect("an agreement has at least one version")
    }

    /// The version in force on a date: the latest whose effective date is not after it.
    pub fn version_on(&self, date: NaiveDate) -> Option<&Version> {
        self.versions.iter().rev().find(|v| v.effective_from <= date)
    }

    /// The first day the agreement binds: its first version's start.
    pub fn starts_on(&self) -> NaiveDate {
        self.versions.first().expect("an agreement has at least one version").terms.validity.start()
    }

    /// The last day the agreement binds: a termination's end, else a fixed term's end.
    pub fn ends_on(&self) -> Option<NaiveDate> {
        self.termination.as_ref().map(|t| t.end_date).or_else(|| self.current().terms.validity.end())
    }

    /// The days the agreement binds, from its first day to its last.
    pub fn binds(&self) -> Validity {
        Validity::from_dates(self.starts_on(), self.ends_on())
    }
}

/// A municipality has one agreement about a post at a time: a version whose validity shares a
/// day with another of its agreements about the post is refused, naming that agreement.
fn check_no_overlap(
    conn: &mut DbConn,
    post_id: i32,
    municipality: &str,
    except: Option<i32>,
    validity: &Validity,
) -> Result<()> {
    let others: Vec<i32> = agreements::table
        .filter(agreements::post_id.eq(post_id))
        .filter(agreements::municipality_code.eq(municipality))
        .filter(agreements::id.ne(except.unwrap_or(0)))
        .select(agreements::id)
        .load(conn)?;
    for id in others {
        let other = load(conn, id, false)?;
        if other.binds().overlaps(validity) {
            let period = match other.ends_on() {
                Some(end) => Text::new("agreement-from-to").with("start", other.starts_on()).with("end", end),
                None => Text::new("agreement-from").with("start", other.starts_on()),
            };
            return Err(StoreError::invalid(
                "start_date",
                Text::new("agreement-overlaps").with("title", &other.title).with_text("period", period),
            ));
        }
    }
    Ok(())
}

/// Inserts a version; a number a concurrent amendment took first is stale.
pub(crate) fn insert_version(
    conn: &mut DbConn,
    actor: &Actor,
    agreement_id: i32,
    number: i32,
    new: &NewVersion,
) -> Result<()> {
    let terms = &new.terms;
    let (month, day) = match terms.schedule {
        InvoiceSchedule::Yearly { month, day } => (Some(month as i32), Some(day as i32)),
        InvoiceSchedule::Instalments(_) | InvoiceSchedule::None => (None, None),
    };
    let version_id: i32 = diesel::insert_into(agreement_versions::table)
        .values((
            agreement_versions::agreement_id.eq(agreement_id),
            agreement_versions::version.eq(number),
            agreement_versions::effective_from.eq(new.effective_from),
            agreement_versions::registry_number.eq(&new.registry_number),
            agreement_versions::decision.eq(&new.decision),
            agreement_versions::signed_on.eq(new.signed_on),
            agreement_versions::start_date.eq(terms.validity.start()),
            agreement_versions::end_date.eq(terms.validity.end()),
            agreement_versions::notice_months.eq(terms.notice_months.map(|m| m as i32)),
            agreement_versions::refund_policy.eq(terms.refund_policy.code()),
            agreement_versions::vacancy_threshold_months.eq(terms.vacancy_threshold_months.map(|m| m as i32)),
            agreement_versions::schedule.eq(terms.schedule.kind().code()),
            agreement_versions::yearly_due_month.eq(month),
            agreement_versions::yearly_due_day.eq(day),
            agreement_versions::municipality_org_number.eq(new.municipality_org_number.to_string()),
            agreement_versions::county_org_number.eq(new.county_org_number.to_string()),
            agreement_versions::note.eq(&new.note),
            agreement_versions::recorded_at.eq(actor.at),
            agreement_versions::recorded_by.eq(actor.user_id),
        ))
        .returning(agreement_versions::id)
        .get_result(conn)
        .map_err(StoreError::unique_as_stale)?;
    if let InvoiceSchedule::Instalments(list) = &terms.schedule {
        for i in list {
            diesel::insert_into(agreement_instalments::table)
                .values((
                    agreement_instalments::version_id.eq(version_id),
                    agreement_instalments::due_date.eq(i.due),
                    agreement_instalments::period_start.eq(i.period.start),
                    agreement_instalments::period_end.eq(i.period.end),
                ))
                .execute(conn)?;
        }
    }
    for c in &new.contacts {
        diesel::insert_into(agreement_contacts::table)
            .values((
                agreement_contacts::version_id.eq(version_id),
                agreement_contacts::side.eq(c.side.code()),
                agreement_contacts::name.eq(c.name.trim()),
                agreement_contacts::title.eq(&c.title),
                agreement_contacts::email.eq(&c.email),
                agreement_contacts::phone.eq(&c.phone),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Registers an agreement with its first version.
pub fn create(
    conn: &mut DbConn,
    actor: &Actor,
    post_id: i32,
    municipality: &MunicipalityCode,
    title: &str,
    first: &NewVersion,
) -> Result<i32> {
    if title.trim().is_empty() {
        return Err(StoreError::invalid("title", Text::new("agreement-title-needed")));
    }
    first.check()?;
    write(conn, |conn| {
        check_no_overlap(conn, post_id, municipality.as_str(), None, &first.terms.validity)?;
        let id: i32 = diesel::insert_into(agreements::table)
            .values((
                agreements::post_id.eq(post_id),
                agreements::kind.eq(Kind::Cofinancing.code()),
                agreements::municipality_code.eq(municipality.as_str()),
                agreements::title.eq(title.trim()),
                agreements::created_at.eq(actor.at),
            ))
            .returning(agreements::id)
            .get_result(conn)?;
        insert_version(conn, actor, id, 1, first)?;
        append(conn, actor, Action::Create, &Record::new(RECORD, id).in_municipality(municipality.as_str()))?;
        Ok(id)
    })
}

/// Records an amendment as a new version; earlier versions stay as they were. `based_on` is the
/// version the amendment was written from: when another has been recorded since, it is stale.
pub fn amend(conn: &mut DbConn, actor: &Actor, agreement_id: i32, based_on: i32, version: &NewVersion) -> Result<i32> {
    version.check()?;
    write(conn, |conn| {
        let (municipality, post_id): (String, Option<i32>) = agreements::table
            .find(agreement_id)
            .select((agreements::municipality_code, agreements::post_id))
            .first(conn)
            .optional()?
            .ok_or(StoreError::NotFound)?;
        if let Some(post_id) = post_id {
            check_no_overlap(conn, post_id, &municipality, Some(agreement_id), &version.terms.validity)?;
        }
        let last: Option<i32> = agreement_versions::table
            .filter(agreement_versions::agreement_id.eq(agreement_id))
            .select(diesel::dsl::max(agreement_versions::version))
            .first(conn)?;
        if last != Some(based_on) {
            return Err(StoreError::Stale);
        }
        let last_effective: Option<NaiveDate> = agreement_versions::table
            .filter(agreement_versions::agreement_id.eq(agreement_id))
            .select(diesel::dsl::max(agreement_versions::effective_from))
            .first(conn)?;
        if last_effective.is_some_and(|d| version.effective_from <= d) {
            return Err(StoreError::invalid("effective_from", Text::new("agreement-amendment-later")));
        }
        let number = last.unwrap_or(0) + 1;
        insert_version(conn, actor, agreement_id, number, version)?;
        append(conn, actor, Action::Update, &Record::new(RECORD, agreement_id).in_municipality(municipality))?;
        Ok(number)
    })
}

#[derive(Queryable)]
struct VersionRow {
    id: i32,
    version: i32,
    effective_from: NaiveDate,
    registry_number: Option<String>,
    decision: Option<String>,
    signed_on: Option<NaiveDate>,
    start_date: NaiveDate,
    end_date: Option<NaiveDate>,
    notice_months: Option<i32>,
    #[diesel(deserialize_as = String)]
    refund_policy: RefundPolicy,
    vacancy_threshold_months: Option<i32>,
    #[diesel(deserialize_as = String)]
    schedule: InvoiceScheduleKind,
    yearly_due_month: Option<i32>,
    yearly_due_day: Option<i32>,
    municipality_org_number: String,
    county_org_number: String,
    note: Option<String>,
    recorded_at: NaiveDateTime,
}

fn load_versions(conn: &mut DbConn, agreement_id: i32, with_contacts: bool) -> Result<Vec<Version>> {
    let rows: Vec<VersionRow> = agreement_versions::table
        .filter(agreement_versions::agreement_id.eq(agreement_id))
        .order(agreement_versions::version)
        .select((
            agreement_versions::id,
            agreement_versions::version,
            agreement_versions::effective_from,
            agreement_versions::registry_number,
            agreement_versions::decision,
            agreement_versions::signed_on,
            agreement_versions::start_date,
            agreement_versions::end_date,
            agreement_versions::notice_months,
            agreement_versions::refund_policy,
            agreement_versions::vacancy_threshold_months,
            agreement_versions::schedule,
            agreement_versions::yearly_due_month,
            agreement_versions::yearly_due_day,
            agreement_versions::municipality_org_number,
            agreement_versions::county_org_number,
            agreement_versions::note,
            agreement_versions::recorded_at,
        ))
        .load(conn)?;
    let mut versions = Vec::with_capacity(rows.len());
    for row in rows {
        let schedule = match row.schedule {
            InvoiceScheduleKind::Yearly => InvoiceSchedule::Yearly {
                month: row.yearly_due_month.unwrap_or(12) as u32,
                day: row.yearly_due_day.unwrap_or(10) as u32,
            },
            InvoiceScheduleKind::None => InvoiceSchedule::None,
            InvoiceScheduleKind::Instalments => {
                let instalments: Vec<(NaiveDate, NaiveDate, NaiveDate)> = agreement_instalments::table
                    .filter(agreement_instalments::version_id.eq(row.id))
                    .order(agreement_instalments::due_date)
                    .select((
                        agreement_instalments::due_date,
                        agreement_instalments::period_start,
                        agreement_instalments::period_end,
                    ))
                    .load(conn)?;
                InvoiceSchedule::Instalments(
                    instalments
                        .into_iter()
                        .map(|(due, start, end)| Instalment { due, period: Period { start, end } })
                        .collect(),
                )
            }
        };
        let contacts = if with_contacts {
            let rows: Vec<(String, String, Option<String>, Option<String>, Option<String>)> = agreement_contacts::table
                .filter(agreement_contacts::version_id.eq(row.id))
                .order(agreement_contacts::id)
                .select((
                    agreement_contacts::side,
                    agreement_contacts::name,
                    agreement_contacts::title,
                    agreement_contacts::email,
                    agreement_contacts::phone,
                ))
                .load(conn)?;
            rows.into_iter()
                .map(|(side, name, title, email, phone)| {
                    Ok(Contact { side: Side::try_from(side)?, name, title, email, phone })
                })
                .collect::<Result<_>>()?
        } else {
            Vec::new()
        };
        versions.push(Version {
            version: row.version,
            effective_from: row.effective_from,
            registry_number: row.registry_number,
            decision: row.decision,
            signed_on: row.signed_on,
            terms: Terms {
                validity: Validity::from_dates(row.start_date, row.end_date),
                notice_months: row.notice_months.map(|m| m as u32),
                refund_policy: row.refund_policy,
                vacancy_threshold_months: row.vacancy_threshold_months.map(|m| m as u32),
                schedule,
            },
            municipality_org_number: row.municipality_org_number,
            county_org_number: row.county_org_number,
            contacts,
            note: row.note,
            recorded_at: row.recorded_at,
        });
    }
    Ok(versions)
}

pub(crate) fn load(conn: &mut DbConn, id: i32, with_contacts: bool) -> Result<Agreement> {
    type Address = (Option<String>, Option<String>, Option<String>);
    let (post_id, kind, municipality_code, title, address): (Option<i32>, String, String, String, Address) =
        agreements::table
            .find(id)
            .select((
                agreements::post_id,
                agreements::kind,
                agreements::municipality_code,
                agreements::title,
                (agreements::invoice_street, agreements::invoice_postcode, agreements::invoice_city),
            ))
            .first(conn)
            .optional()?
            .ok_or(StoreError::NotFound)?;
    let termination = terminations::table
        .filter(terminations::agreement_id.eq(id))
        .select((
            terminations::notice_date,
            terminations::end_date,
            terminations::registry_number,
            terminations::refund_ore,
            terminations::amount_due_ore,
        ))
        .first::<(NaiveDate, NaiveDate, Option<String>, i64, i64)>(conn)
        .optional()?
        .map(|(notice_date, end_date, registry_number, refund_ore, amount_due_ore)| Termination {
            notice_date,
            end_date,
            registry_number,
            refund_ore,
            amount_due_ore,
        });
    Ok(Agreement {
        id,
        post_id,
        kind: Kind::try_from(kind)?,
        municipality_code,
        title,
        invoice_address: stored_address(address)?,
        versions: load_versions(conn, id, with_contacts)?,
        termination,
    })
}

/// An address as stored: all three parts or none; a postcode the form could not have written is
/// an error, not a guess.
pub(crate) fn stored_address(
    (street, postcode, city): (Option<String>, Option<String>, Option<String>),
) -> Result<Option<PostalAddress>> {
    match (street, postcode, city) {
        (Some(street), Some(postcode), Some(city)) => {
            let postcode = Postcode::parse(&postcode).map_err(|m| StoreError::invalid("postcode", m))?;
            Ok(Some(PostalAddress { street, postcode, city }))
        }
        _ => Ok(None),
    }
}

/// Sets where the municipality's invoices under an agreement are sent; logged as a change of
/// the agreement.
pub fn set_invoice_address(conn: &mut DbConn, actor: &Actor, id: i32, address: &PostalAddress) -> Result<()> {
    write(conn, |conn| {
        let municipality: String = agreements::table
            .find(id)
            .select(agreements::municipality_code)
            .first(conn)
            .optional()?
            .ok_or(StoreError::NotFound)?;
        diesel::update(agreements::table.find(id))
            .set((
                agreements::invoice_street.eq(&address.street),
                agreements::invoice_postcode.eq(address.postcode.digits()),
                agreements::invoice_city.eq(&address.city),
            ))
            .execute(conn)?;
        append(conn, actor, Action::Update, &Record::new(RECORD, id).in_municipality(municipality))?;
        Ok(())
    })
}

/// One agreement with its contact persons; the reading is logged.
pub fn get(conn: &mut DbConn, actor: &Actor, id: i32) -> Result<Agreement> {
    write(conn, |conn| {
        let agreement = load(conn, id, true)?;
        append(
            conn,
            actor,
            Action::Read,
            &Record::new(RECORD, id).in_municipality(agreement.municipality_code.clone()),
        )?;
        Ok(agreement)
    })
}

/// One agreement without contact persons (no personal data, nothing to log).
pub fn for_post_one(conn: &mut DbConn, id: i32) -> Result<Agreement> {
    load(conn, id, false)
}

/// A post's agreements without contact persons (no personal data), by municipality.
pub fn for_post(conn: &mut DbConn, post_id: i32) -> Result<Vec<Agreement>> {
    let ids: Vec<i32> = agreements::table
        .filter(agreements::post_id.eq(post_id))
        .order((agreements::municipality_code, agreements::id))
        .select(agreements::id)
        .load(conn)?;
    ids.into_iter().map(|id| load(conn, id, false)).collect()
}

/// A municipality's co-financing agreements, for its agreement contact.
pub fn for_municipality(conn: &mut DbConn, code: &str) -> Result<Vec<Agreement>> {
    let ids: Vec<i32> = agreements::table
        .filter(agreements::municipality_code.eq(code))
        .filter(agreements::kind.eq(Kind::Cofinancing.code()))
        .order(agreements::id)
        .select(agreements::id)
        .load(conn)?;
    ids.into_iter().map(|id| load(conn, id, false)).collect()
}
