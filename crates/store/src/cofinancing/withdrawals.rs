//! A party gives notice: the end date, and the refund of a paid period or the final amount of
//! an unpaid one, under that agreement's terms.

use chrono::NaiveDate;
use diesel::prelude::*;
use etablera_domain::agreements::{Termination as Outcome, TerminationInput, add_months, terminate};

use super::invoices::{self, Invoice, NewInvoice, Status};
use crate::access::Actor;
use crate::access::log::{Action, Record, append};
use crate::agreements;
use crate::schema::{invoices as invoice_table, terminations};
use crate::{DbConn, Result, StoreError, now, write};

#[derive(Debug, Clone)]
pub struct Withdrawal {
    pub end_date: NaiveDate,
    /// The invoice for the period the agreement ends in, when there is one.
    pub invoice: Option<Invoice>,
    pub outcome: Option<Outcome>,
    /// A credit note (refund) or a final invoice created by the withdrawal.
    pub created: Option<Invoice>,
}

/// What a notice on `notice_date` would give, without recording anything.
pub fn preview(conn: &mut DbConn, agreement_id: i32, notice_date: NaiveDate) -> Result<Withdrawal> {
    let agreement = agreements::for_post_one(conn, agreement_id)?;
    compute(conn, &agreement, notice_date)
}

fn compute(conn: &mut DbConn, agreement: &agreements::Agreement, notice_date: NaiveDate) -> Result<Withdrawal> {
    // The terms in force when notice is given.
    let version = agreement.version_on(notice_date).unwrap_or_else(|| &agreement.versions[0]);
    let terms = &version.terms;
    let Some(notice_months) = terms.notice_months else {
        return Err(StoreError::invalid(
            "notice_date",
            "Avtalet kan inte sägas upp i förtid; det löper ut vid sin slutdag.",
        ));
    };
    if notice_date < terms.validity.start() {
        return Err(StoreError::invalid("notice_date", "Uppsägningen är före avtalets början."));
    }
    let end_date = add_months(notice_date, notice_months);
    let invoice = invoices::for_agreement(conn, agreement.id)?
        .into_iter()
        .filter(|i| i.kind == "invoice" && i.status() != Status::Credited)
        .find(|i| i.period().contains(end_date));
    let outcome = invoice.as_ref().map(|i| {
        terminate(&TerminationInput {
            notice_date,
            notice_months,
            period: i.period(),
            amount: i.amount(),
            paid: i.status() == Status::Paid,
            policy: terms.refund_policy,
        })
    });
    Ok(Withdrawal { end_date, invoice, outcome, created: None })
}

/// Records the notice; a refund becomes a credit note, an unpaid period's remainder is
/// credited and a final invoice made. One transaction, logged.
pub fn withdraw(
    conn: &mut DbConn,
    actor: &Actor,
    agreement_id: i32,
    notice_date: NaiveDate,
    registry_number: Option<&str>,
) -> Result<Withdrawal> {
    write(conn, |conn| {
        let agreement = agreements::for_post_one(conn, agreement_id)?;
        if agreement.termination.is_some() {
            return Err(StoreError::invalid("notice_date", "Avtalet är redan uppsagt."));
        }
        let mut withdrawal = compute(conn, &agreement, notice_date)?;
        let (refund, due) = withdrawal.outcome.map_or((0, 0), |o| (o.refund.ore(), o.amount_due.ore()));
        diesel::insert_into(terminations::table)
            .values((
                terminations::agreement_id.eq(agreement_id),
                terminations::notice_date.eq(notice_date),
                terminations::end_date.eq(withdrawal.end_date),
                terminations::registry_number.eq(registry_number.map(str::trim).filter(|r| !r.is_empty())),
                terminations::refund_ore.eq(refund),
                terminations::amount_due_ore.eq(due),
                terminations::recorded_at.eq(now()),
                terminations::recorded_by.eq(actor.user_id),
            ))
            .execute(conn)?;
        if let (Some(invoice), Some(outcome)) = (&withdrawal.invoice, withdrawal.outcome) {
            let today = crate::today();
            if invoice.status() == Status::Paid && outcome.refund.ore() > 0 {
                withdrawal.created = Some(invoices::insert(
                    conn,
                    &NewInvoice {
                        agreement_id,
                        municipality_code: agreement.municipality_code.clone(),
                        kind: "credit",
                        period: invoice.period(),
                        due_date: today,
                        amount: -outcome.refund,
                        status: Status::Draft,
                        basis: format!(
                            "Återbetalning efter uppsägning {notice_date}: avtalet upphör {}, återbetalning från {} för {} av {} månader: {} × {} / {} = {}.",
                            outcome.end_date,
                            outcome.refund_from.map(|d| d.to_string()).unwrap_or_default(),
                            outcome.refund_months,
                            outcome.period_months,
                            invoice.amount(),
                            outcome.refund_months,
                            outcome.period_months,
                            outcome.refund
                        ),
                        issued_on: None,
                        paid_on: None,
                        credits_invoice_id: Some(invoice.id),
                    },
                )?);
            } else if invoice.status() != Status::Paid {
                // The unpaid invoice gives way to a final one for the months up to the end.
                diesel::update(invoice_table::table.find(invoice.id))
                    .set((
                        invoice_table::status.eq(Status::Credited.code()),
                        invoice_table::version.eq(invoice.version + 1),
                    ))
                    .execute(conn)?;
                withdrawal.created = Some(invoices::insert(
                    conn,
                    &NewInvoice {
                        agreement_id,
                        municipality_code: agreement.municipality_code.clone(),
                        kind: "final",
                        period: invoice.period(),
                        due_date: today,
                        amount: outcome.amount_due,
                        status: Status::Draft,
                        basis: format!(
                            "Slutfaktura efter uppsägning {notice_date} (ersätter faktura {}): avtalet upphör {}; {} × {} / {} månader = {}.",
                            invoice.number,
                            outcome.end_date,
                            invoice.amount(),
                            outcome.due_months,
                            outcome.period_months,
                            outcome.amount_due
                        ),
                        issued_on: None,
                        paid_on: None,
                        credits_invoice_id: Some(invoice.id),
                    },
                )?);
            }
        }
        append(
            conn,
            actor,
            Action::Update,
            &Record::new("agreement", agreement_id).in_municipality(agreement.municipality_code.clone()),
        )?;
        Ok(withdrawal)
    })
}
