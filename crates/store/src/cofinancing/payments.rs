//! Payments read from Bankgirot's file (BgMax): each settles the invoice its OCR number names
//! when the amount is the invoice's; the rest are listed for the coordinator. A file is read
//! once, in one transaction.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use etablera_domain::cofinancing::bgmax::{Payment, PaymentFile, Settlement, invoice_number, settle};
use etablera_domain::cofinancing::invoices::{InvoiceKind, InvoiceStatus};
use etablera_domain::cofinancing::payment::{OcrReference, PaymentAccount};
use etablera_domain::text::Text;
use sha2::{Digest, Sha256};

use super::{invoices, posts};
use crate::access::Actor;
use crate::schema::{agreements, invoices as invoice_table, payment_files};
use crate::{DbConn, Result, StoreError, write};

/// A payment of the file and what became of it.
#[derive(Debug, Clone)]
pub struct Settled {
    pub payment: Payment,
    pub settlement: Settlement,
}

/// A file read before.
#[derive(Debug, Clone, Queryable)]
pub struct ReadFile {
    pub file_name: Option<String>,
    pub payments: i32,
    pub settled: i32,
    pub imported_at: NaiveDateTime,
}

/// Settles the file's payments against the post's invoices, and keeps the file's fingerprint so
/// that it is not read twice. Refused, with nothing changed, when the file was read before or is
/// for another bankgiro than the post's.
pub fn read(
    conn: &mut DbConn,
    actor: &Actor,
    post_id: i32,
    file: &PaymentFile,
    bytes: &[u8],
    file_name: Option<&str>,
) -> Result<Vec<Settled>> {
    let sha256 = hex::encode(Sha256::digest(bytes));
    write(conn, |conn| {
        let before: Option<NaiveDateTime> = payment_files::table
            .filter(payment_files::post_id.eq(post_id))
            .filter(payment_files::sha256.eq(&sha256))
            .select(payment_files::imported_at)
            .first(conn)
            .optional()?;
        if let Some(at) = before {
            return Err(StoreError::invalid(
                "file",
                Text::new("payments-read-before").with("at", at.format("%Y-%m-%d %H:%M").to_string()),
            ));
        }
        let post = posts::get(conn, post_id)?;
        if let Some(PaymentAccount::Bankgiro(own)) = post.invoicing.as_ref().map(|i| &i.account)
            && own.digits() != file.bankgiro
        {
            return Err(StoreError::invalid(
                "file",
                Text::new("payments-other-bankgiro").with("file", &file.bankgiro).with("own", own.to_string()),
            ));
        }
        let mut out = Vec::with_capacity(file.payments.len());
        for payment in &file.payments {
            // The invoice the reference names, read before the domain decides what the payment
            // settles.
            let number = OcrReference::parse(&payment.reference).ok().and_then(|r| invoice_number(&r));
            let invoice: Option<invoices::Invoice> = match &number {
                Some(number) => invoice_table::table
                    .inner_join(agreements::table)
                    .filter(invoice_table::number.eq(number))
                    .filter(agreements::post_id.eq(post_id))
                    .select(invoices::Invoice::as_select())
                    .first(conn)
                    .optional()?,
                None => None,
            };
            let settlement = settle(payment, |_| {
                invoice.as_ref().map(|i| {
                    let payable = i.status == InvoiceStatus::Sent && i.kind != InvoiceKind::Credit;
                    (i.number.clone(), payable, i.amount())
                })
            });
            if let (Settlement::Paid { .. }, Some(invoice)) = (&settlement, &invoice) {
                invoices::advance(conn, invoice.id, invoice.version, InvoiceStatus::Paid, payment.deposited_on)?;
            }
            out.push(Settled { payment: payment.clone(), settlement });
        }
        let settled = out.iter().filter(|s| matches!(s.settlement, Settlement::Paid { .. })).count();
        diesel::insert_into(payment_files::table)
            .values((
                payment_files::post_id.eq(post_id),
                payment_files::sha256.eq(&sha256),
                payment_files::file_name.eq(file_name),
                payment_files::payments.eq(out.len() as i32),
                payment_files::settled.eq(settled as i32),
                payment_files::imported_at.eq(actor.at),
                payment_files::imported_by.eq(actor.user_id),
            ))
            .execute(conn)?;
        Ok(out)
    })
}

/// The post's files read so far, newest first (a page of them).
pub fn files(conn: &mut DbConn, post_id: i32) -> Result<Vec<ReadFile>> {
    Ok(payment_files::table
        .filter(payment_files::post_id.eq(post_id))
        .order(payment_files::id.desc())
        .limit(20)
        .select((payment_files::file_name, payment_files::payments, payment_files::settled, payment_files::imported_at))
        .load(conn)?)
}
