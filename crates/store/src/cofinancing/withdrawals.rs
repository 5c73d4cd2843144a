//! A party gives notice: the end date, and the refund of a paid period or the final amount of
//! an unpaid one, under that agreement's terms.

use chrono::NaiveDate;
use diesel::prelude::*;
use etablera_domain::agreements::{Termination as Outcome, TerminationInput, add_months, terminate};

use etablera_domain::cofinancing::invoices::{Basis, InvoiceKind, InvoiceStatus};

use super::invoices::{self, Invoice, NewInvoice};
use crate::access::Actor;
use crate::access::log::{Action, Record, append};
use crate::agreements;
use crate::schema::terminations;
use crate::{DbConn, Result, StoreError, write};
use etablera_domain::ids::AgreementId;
use etablera_domain::text::Text;

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
        return Err(StoreError::invalid("notice_date", Text::new("withdrawal-fixed-term")));
    };
    if notice_date < terms.validity.start() {
        return Err(StoreError::invalid("notice_date", Text::new("withdrawal-before-start")));
    }
    let end_date = add_months(notice_date, notice_months);
    let invoice = invoices::for_agreement(conn, AgreementId::new(agreement.id))?
        .into_iter()
        .filter(|i| i.kind == InvoiceKind::Invoice && i.status != InvoiceStatus::Credited)
        .find(|i| i.period().contains(end_date));
    let outcome = invoice.as_ref().map(|i| {
        terminate(&TerminationInput {
            notice_date,
            notice_months,
            period: i.period(),
            amount: i.amount(),
            paid: i.status == InvoiceStatus::Paid,
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
            return Err(StoreError::invalid("notice_date", Text::new("withdrawal-already")));
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
                terminations::recorded_at.eq(actor.at),
                terminations::recorded_by.eq(actor.user_id),
            ))
            .execute(conn)?;
        if let (Some(invoice), Some(outcome)) = (&withdrawal.invoice, withdrawal.outcome) {
            let today = actor.today();
            if let (InvoiceStatus::Paid, Some(refund_from)) = (invoice.status, outcome.refund_from)
                && outcome.refund.ore() > 0
            {
                withdrawal.created = Some(invoices::insert(
                    conn,
                    actor,
                    &NewInvoice {
                        agreement_id: AgreementId::new(agreement_id),
                        municipality_code: agreement.municipality_code.clone(),
                        kind: InvoiceKind::Credit,
                        period: invoice.period(),
                        invoice_date: today,
                        amount: -outcome.refund,
                        status: InvoiceStatus::Draft,
                        basis: Basis::Refund {
                            notice_date,
                            end_date: outcome.end_date,
                            refund_from,
                            invoice_amount: invoice.amount(),
                            refund_months: outcome.refund_months,
                            period_months: outcome.period_months,
                            refund: outcome.refund,
                        },
                        issued_on: None,
                        paid_on: None,
                        credits_invoice_id: Some(invoice.id),
                    },
                )?);
            } else if invoice.status != InvoiceStatus::Paid {
                // The unpaid invoice gives way to a final one for the months up to the end.
                invoices::replace(conn, invoice)?;
                withdrawal.created = Some(invoices::insert(
                    conn,
                    actor,
                    &NewInvoice {
                        agreement_id: AgreementId::new(agreement_id),
                        municipality_code: agreement.municipality_code.clone(),
                        kind: InvoiceKind::Final,
                        period: invoice.period(),
                        invoice_date: today,
                        amount: outcome.amount_due,
                        status: InvoiceStatus::Draft,
                        basis: Basis::Final {
                            notice_date,
                            replaces: invoice.number.clone(),
                            end_date: outcome.end_date,
                            invoice_amount: invoice.amount(),
                            due_months: outcome.due_months,
                            period_months: outcome.period_months,
                            amount_due: outcome.amount_due,
                        },
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
            &Record::new(crate::access::log::RecordKind::Agreement, agreement_id)
                .in_municipality(agreement.municipality_code.clone()),
        )?;
        Ok(withdrawal)
    })
}
