//! A committee's order: an agreement of kind `order` (no shared post, not invoiced) with its
//! obligations, and the executor's staffing.

use chrono::NaiveDate;
use diesel::prelude::*;
use etablera_domain::agreements::InvoiceSchedule;
use etablera_domain::agreements::order::{NewOrder, NewStaffing};
use etablera_domain::municipality::MunicipalityCode;

use super::{Agreement, Kind, NewVersion, RECORD, insert_version, load};
use crate::access::Actor;
use crate::access::log::{Action, Record, append};
use crate::schema::{agreements, obligations, staffing};
use crate::{DbConn, Result, StoreError, write};
use etablera_domain::text::Text;

/// Registers an order (as [`OrderForm::check`](etablera_domain::agreements::order::OrderForm::check)
/// gives it) with its first version and its obligations. The version and the duties' dates keep
/// their own rules whoever made them; an order is never invoiced.
pub fn create(conn: &mut DbConn, actor: &Actor, municipality: &MunicipalityCode, order: &NewOrder) -> Result<i32> {
    let NewOrder { title, first, duties } = order;
    if first.terms.schedule != InvoiceSchedule::None {
        return Err(StoreError::invalid("schedule", Text::new("order-not-invoiced")));
    }
    first.check()?;
    for duty in duties {
        duty.schedule.check().map_err(|m| StoreError::invalid(duty.code.code(), m))?;
    }
    write(conn, |conn| {
        let id: i32 = diesel::insert_into(agreements::table)
            .values((
                agreements::post_id.eq(None::<i32>),
                agreements::kind.eq(Kind::Order.code()),
                agreements::municipality_code.eq(municipality.as_str()),
                agreements::title.eq(title),
                agreements::created_at.eq(actor.at),
            ))
            .returning(agreements::id)
            .get_result(conn)?;
        insert_version(conn, actor, id, 1, first)?;
        for (position, duty) in duties.iter().enumerate() {
            diesel::insert_into(obligations::table)
                .values((
                    super::obligations::Dates::of(duty.schedule),
                    obligations::agreement_id.eq(id),
                    obligations::code.eq(duty.code.code()),
                    obligations::schedule.eq(duty.schedule.kind().code()),
                    obligations::position.eq(position as i32),
                ))
                .execute(conn)?;
        }
        append(conn, actor, Action::Create, &Record::new(RECORD, id).in_municipality(municipality.as_str()))?;
        Ok(id)
    })
}

pub use etablera_domain::agreements::order::Amendment;

/// Records an amendment of the municipality's current order as its next version.
pub fn amend(conn: &mut DbConn, actor: &Actor, municipality_code: &str, amendment: &Amendment) -> Result<i32> {
    let order = current(conn, municipality_code)?.ok_or(StoreError::NotFound)?;
    let now_version = order.current().clone();
    let start = order.starts_on();
    let parse = |text: &str| text.parse::<etablera_domain::identity::OrganisationNumber>();
    let (Ok(municipality_org_number), Ok(county_org_number)) =
        (parse(&now_version.municipality_org_number), parse(&now_version.county_org_number))
    else {
        return Err(StoreError::invalid("form", Text::new("order-org-number-unreadable")));
    };
    let version = NewVersion {
        effective_from: amendment.effective_from,
        registry_number: amendment.registry_number.clone(),
        decision: amendment.decision.clone(),
        signed_on: None,
        terms: etablera_domain::agreements::Terms {
            validity: etablera_domain::agreements::Validity::from_dates(start, amendment.end),
            notice_months: amendment.notice_months,
            refund_policy: now_version.terms.refund_policy,
            vacancy_threshold_months: None,
            schedule: InvoiceSchedule::None,
        },
        municipality_org_number,
        county_org_number,
        contacts: now_version.contacts.clone(),
        note: None,
    };
    super::amend(conn, actor, order.id, amendment.based_on, &version)
}

/// The municipality's newest order, with its contact persons (staff of the administration and
/// the committee, named in the order itself: not logged as personal data about the casework).
pub fn current(conn: &mut DbConn, municipality_code: &str) -> Result<Option<Agreement>> {
    let id: Option<i32> = agreements::table
        .filter(agreements::municipality_code.eq(municipality_code))
        .filter(agreements::kind.eq(Kind::Order.code()))
        .order(agreements::id.desc())
        .select(agreements::id)
        .first(conn)
        .optional()?;
    id.map(|id| load(conn, id, true)).transpose()
}

/// Records the staffing from a date (replacing a record from the same date), as
/// [`StaffingForm::check`](etablera_domain::agreements::order::StaffingForm::check) gives it.
pub fn record_staffing(
    conn: &mut DbConn,
    actor: &Actor,
    municipality_code: &str,
    staffing: &NewStaffing,
) -> Result<()> {
    let NewStaffing { from, hundredths, note } = staffing;
    let (from, hundredths) = (*from, *hundredths);
    write(conn, |conn| {
        diesel::delete(staffing::table.find((municipality_code, from))).execute(conn)?;
        diesel::insert_into(staffing::table)
            .values((
                staffing::municipality_code.eq(municipality_code),
                staffing::from_date.eq(from),
                staffing::posts_hundredths.eq(hundredths as i32),
                staffing::note.eq(note.as_deref()),
                staffing::recorded_at.eq(actor.at),
                staffing::recorded_by.eq(actor.user_id),
            ))
            .execute(conn)
            .map_err(StoreError::unique_as_stale)?;
        append(
            conn,
            actor,
            Action::Update,
            &Record::new(crate::access::log::RecordKind::Staffing, from).in_municipality(municipality_code),
        )
    })
}

/// The staffing in force on a day: from when, and in hundredths of a full-time post.
pub fn staffing_on(conn: &mut DbConn, municipality_code: &str, day: NaiveDate) -> Result<Option<(NaiveDate, u32)>> {
    let row: Option<(NaiveDate, i32)> = staffing::table
        .filter(staffing::municipality_code.eq(municipality_code))
        .filter(staffing::from_date.le(day))
        .order(staffing::from_date.desc())
        .select((staffing::from_date, staffing::posts_hundredths))
        .first(conn)
        .optional()?;
    Ok(row.map(|(from, h)| (from, h as u32)))
}
