//! Invoices between public bodies as Peppol BIS Billing 3.0 (UBL 2.1). Co-financing between a
//! county board and a municipality is outside the scope of VAT (category O).

use crate::table::{Cell, Table};
use std::fmt::Write;

use chrono::NaiveDate;
use etablera_domain::cofinancing::payment::{OcrReference, PaymentAccount, PostalAddress};
use etablera_domain::identity::OrganisationNumber;
use etablera_domain::money::Money;
use etablera_domain::text::Text;

pub struct UblParty {
    pub name: String,
    pub org_number: OrganisationNumber,
    pub address: Option<PostalAddress>,
    pub contact: Option<UblContact>,
}

/// Whom to ask about the invoice, on either side.
pub struct UblContact {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// How the invoice is paid: to the seller's account, with the OCR reference that matches the
/// payment to the invoice.
pub struct UblPayment {
    pub account: PaymentAccount,
    pub reference: OcrReference,
}

pub struct UblLine {
    pub description: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// Positive; a credit note's lines are positive too.
    pub amount: Money,
}

pub struct UblInvoice {
    pub number: String,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    /// The buyer's reference (BT-10), required by Swedish public buyers.
    pub buyer_reference: String,
    pub note: Option<String>,
    pub seller: UblParty,
    pub buyer: UblParty,
    pub lines: Vec<UblLine>,
    /// A credit note for the invoice with this number.
    pub credits: Option<String>,
    /// None until the seller's account is known; such an invoice is not sent.
    pub payment: Option<UblPayment>,
}

const CUSTOMIZATION: &str = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0";
const PROFILE: &str = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0";

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

use crate::table::decimal_point as amount;

fn party(out: &mut String, role: &str, p: &UblParty) {
    let digits = p.org_number.digits();
    let name = escape(&p.name);
    let address = match &p.address {
        Some(a) => format!(
            "<cbc:StreetName>{}</cbc:StreetName><cbc:CityName>{}</cbc:CityName><cbc:PostalZone>{}</cbc:PostalZone>",
            escape(&a.street),
            escape(&a.city),
            a.postcode
        ),
        None => String::new(),
    };
    let contact = match &p.contact {
        Some(c) => {
            let optional = |tag: &str, value: &Option<String>| {
                value.as_deref().map(|v| format!("<cbc:{tag}>{}</cbc:{tag}>", escape(v))).unwrap_or_default()
            };
            format!(
                "<cac:Contact><cbc:Name>{}</cbc:Name>{}{}</cac:Contact>",
                escape(&c.name),
                optional("Telephone", &c.phone),
                optional("ElectronicMail", &c.email)
            )
        }
        None => String::new(),
    };
    let _ = write!(
        out,
        "<cac:{role}><cac:Party>\
         <cbc:EndpointID schemeID=\"0007\">{digits}</cbc:EndpointID>\
         <cac:PartyIdentification><cbc:ID schemeID=\"0007\">{digits}</cbc:ID></cac:PartyIdentification>\
         <cac:PartyName><cbc:Name>{name}</cbc:Name></cac:PartyName>\
         <cac:PostalAddress>{address}<cac:Country><cbc:IdentificationCode>SE</cbc:IdentificationCode></cac:Country></cac:PostalAddress>\
         <cac:PartyLegalEntity><cbc:RegistrationName>{name}</cbc:RegistrationName><cbc:CompanyID schemeID=\"0007\">{digits}</cbc:CompanyID></cac:PartyLegalEntity>\
         {contact}</cac:Party></cac:{role}>"
    );
}

/// Credit transfer (code 30) to the seller's account, as the Swedish Peppol rules want it (SE-R-007
/// to SE-R-012): a giro number's digits with `SE:BANKGIRO` or `SE:PLUSGIRO` as its branch, or an
/// IBAN with its BIC; the OCR reference as the payment id.
fn payment_means(out: &mut String, payment: &UblPayment) {
    let (account, branch) = match &payment.account {
        PaymentAccount::Bankgiro(b) => (b.digits(), "SE:BANKGIRO"),
        PaymentAccount::Plusgiro(p) => (p.digits(), "SE:PLUSGIRO"),
        PaymentAccount::Iban { iban, bic } => (iban.as_str(), bic.as_str()),
    };
    let _ = write!(
        out,
        "<cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode><cbc:PaymentID>{}</cbc:PaymentID>\
         <cac:PayeeFinancialAccount><cbc:ID>{account}</cbc:ID>\
         <cac:FinancialInstitutionBranch><cbc:ID>{branch}</cbc:ID></cac:FinancialInstitutionBranch>\
         </cac:PayeeFinancialAccount></cac:PaymentMeans>",
        payment.reference
    );
}

/// The terms of payment in words, as the PDF prints them too.
pub fn payment_terms(invoice: &UblInvoice) -> String {
    let text = match (&invoice.credits, &invoice.payment) {
        (Some(_), _) => Text::new("ubl-credit-note-terms").with("due", invoice.due_date),
        (None, Some(p)) => Text::new("ubl-payment-terms")
            .with("due", invoice.due_date)
            .with("account", p.account.to_string())
            .with("ocr", p.reference.to_string()),
        (None, None) => Text::new("ubl-payment-terms-no-account").with("due", invoice.due_date),
    };
    text.swedish()
}

/// Outside the scope of VAT: category O with no rate (BR-O-05).
const LINE_TAX_CATEGORY: &str = "<cbc:ID>O</cbc:ID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>";

/// The UBL document: an Invoice, or a CreditNote when `credits` names the invoice.
pub fn ubl(invoice: &UblInvoice) -> String {
    let credit = invoice.credits.is_some();
    let (root, namespace, type_code, line_tag, quantity_tag) = if credit {
        (
            "CreditNote",
            "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
            "<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>",
            "CreditNoteLine",
            "CreditedQuantity",
        )
    } else {
        (
            "Invoice",
            "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
            "<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>",
            "InvoiceLine",
            "InvoicedQuantity",
        )
    };
    let total: Money = invoice.lines.iter().map(|l| l.amount).sum();
    let mut out = String::new();
    let _ = write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{root} xmlns=\"{namespace}\" \
         xmlns:cac=\"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2\" \
         xmlns:cbc=\"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2\">\
         <cbc:CustomizationID>{CUSTOMIZATION}</cbc:CustomizationID><cbc:ProfileID>{PROFILE}</cbc:ProfileID>\
         <cbc:ID>{}</cbc:ID><cbc:IssueDate>{}</cbc:IssueDate>",
        escape(&invoice.number),
        invoice.issue_date,
    );
    if !credit {
        let _ = write!(out, "<cbc:DueDate>{}</cbc:DueDate>", invoice.due_date);
    }
    out.push_str(type_code);
    if let Some(note) = &invoice.note {
        let _ = write!(out, "<cbc:Note>{}</cbc:Note>", escape(note));
    }
    let _ = write!(
        out,
        "<cbc:DocumentCurrencyCode>SEK</cbc:DocumentCurrencyCode><cbc:BuyerReference>{}</cbc:BuyerReference>",
        escape(&invoice.buyer_reference)
    );
    if let Some(number) = &invoice.credits {
        let _ = write!(
            out,
            "<cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>{}</cbc:ID></cac:InvoiceDocumentReference></cac:BillingReference>",
            escape(number)
        );
    }
    party(&mut out, "AccountingSupplierParty", &invoice.seller);
    party(&mut out, "AccountingCustomerParty", &invoice.buyer);
    if let Some(payment) = &invoice.payment {
        payment_means(&mut out, payment);
    }
    let _ =
        write!(out, "<cac:PaymentTerms><cbc:Note>{}</cbc:Note></cac:PaymentTerms>", escape(&payment_terms(invoice)));
    let _ = write!(
        out,
        "<cac:TaxTotal><cbc:TaxAmount currencyID=\"SEK\">0.00</cbc:TaxAmount><cac:TaxSubtotal>\
         <cbc:TaxableAmount currencyID=\"SEK\">{t}</cbc:TaxableAmount><cbc:TaxAmount currencyID=\"SEK\">0.00</cbc:TaxAmount>\
         <cac:TaxCategory>{category_head}<cbc:TaxExemptionReasonCode>VATEX-EU-O</cbc:TaxExemptionReasonCode>\
         <cbc:TaxExemptionReason>{exemption}</cbc:TaxExemptionReason>{scheme}</cac:TaxCategory>\
         </cac:TaxSubtotal></cac:TaxTotal>\
         <cac:LegalMonetaryTotal><cbc:LineExtensionAmount currencyID=\"SEK\">{t}</cbc:LineExtensionAmount>\
         <cbc:TaxExclusiveAmount currencyID=\"SEK\">{t}</cbc:TaxExclusiveAmount><cbc:TaxInclusiveAmount currencyID=\"SEK\">{t}</cbc:TaxInclusiveAmount>\
         <cbc:PayableAmount currencyID=\"SEK\">{t}</cbc:PayableAmount></cac:LegalMonetaryTotal>",
        t = amount(total),
        category_head = "<cbc:ID>O</cbc:ID>",
        exemption = escape(&Text::new("ubl-vat-exemption").swedish()),
        scheme = "<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>",
    );
    for (i, line) in invoice.lines.iter().enumerate() {
        let _ = write!(
            out,
            "<cac:{line_tag}><cbc:ID>{}</cbc:ID><cbc:{quantity_tag} unitCode=\"C62\">1</cbc:{quantity_tag}>\
             <cbc:LineExtensionAmount currencyID=\"SEK\">{a}</cbc:LineExtensionAmount>\
             <cac:InvoicePeriod><cbc:StartDate>{}</cbc:StartDate><cbc:EndDate>{}</cbc:EndDate></cac:InvoicePeriod>\
             <cac:Item><cbc:Name>{}</cbc:Name><cac:ClassifiedTaxCategory>{LINE_TAX_CATEGORY}</cac:ClassifiedTaxCategory></cac:Item>\
             <cac:Price><cbc:PriceAmount currencyID=\"SEK\">{a}</cbc:PriceAmount></cac:Price></cac:{line_tag}>",
            i + 1,
            line.period_start,
            line.period_end,
            escape(&line.description),
            a = amount(line.amount),
        );
    }
    let _ = write!(out, "</{root}>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_have_two_decimals() {
        assert_eq!(amount(Money::from_kr(45_837)), "45837.00");
        assert_eq!(amount(Money::from_ore(-5)), "-0.05");
    }
}

const INVOICE_TEMPLATE: &str = include_str!("../templates/invoice.typ");

/// The invoice (or credit note) as a PDF for people: the same document as the UBL, with the
/// basis of the amount. `kind` is the document's name, e.g. "Faktura".
pub fn invoice_pdf(invoice: &UblInvoice, kind: &str, basis: &str) -> Result<Vec<u8>, crate::pdf::PdfError> {
    let total: Money = invoice.lines.iter().map(|l| l.amount).sum();
    let period =
        match (invoice.lines.iter().map(|l| l.period_start).min(), invoice.lines.iter().map(|l| l.period_end).max()) {
            (Some(start), Some(end)) => format!("{start} – {end}"),
            _ => String::new(),
        };
    let address = |a: &Option<PostalAddress>| {
        a.as_ref().map(|a| format!("{}, {} {}", a.street, a.postcode, a.city)).unwrap_or_default()
    };
    let contact = |c: &Option<UblContact>| {
        c.as_ref()
            .map(|c| {
                [Some(c.name.as_str()), c.phone.as_deref(), c.email.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    };
    let (account, reference) = match &invoice.payment {
        Some(p) => (p.account.to_string(), p.reference.to_string()),
        None => (String::new(), String::new()),
    };
    crate::pdf::render(
        INVOICE_TEMPLATE,
        vec![
            ("kind", kind.to_owned()),
            ("number", invoice.number.clone()),
            ("issue_date", invoice.issue_date.to_string()),
            ("due_date", invoice.due_date.to_string()),
            ("seller_name", invoice.seller.name.clone()),
            ("seller_org", invoice.seller.org_number.to_string()),
            ("seller_address", address(&invoice.seller.address)),
            ("seller_contact", contact(&invoice.seller.contact)),
            ("buyer_name", invoice.buyer.name.clone()),
            ("buyer_org", invoice.buyer.org_number.to_string()),
            ("buyer_address", address(&invoice.buyer.address)),
            ("buyer_contact", contact(&invoice.buyer.contact)),
            ("buyer_reference", invoice.buyer_reference.clone()),
            ("period", period),
            ("description", invoice.lines.iter().map(|l| l.description.clone()).collect::<Vec<_>>().join("; ")),
            ("amount", total.to_string()),
            ("basis", basis.to_owned()),
            ("credits", invoice.credits.clone().unwrap_or_default()),
            ("account", account),
            ("reference", reference),
            ("terms", payment_terms(invoice)),
        ],
    )
}

/// One row of a period's invoices in the spreadsheet.
pub struct InvoiceRow {
    pub number: String,
    pub municipality_code: String,
    pub municipality: String,
    pub kind: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub invoice_date: NaiveDate,
    pub due_date: NaiveDate,
    pub amount: Money,
    pub status: String,
    pub basis: String,
}

/// A year's invoices as a table: one row each, dates as dates, amounts in kronor, a total.
pub fn invoices_table(rows: &[InvoiceRow]) -> Table {
    let headers = [
        "file-col-invoice-number",
        "file-col-municipality-code",
        "file-col-municipality",
        "file-col-kind",
        "file-col-period-from",
        "file-col-period-to",
        "file-col-invoice-date",
        "file-col-due-date",
        "file-col-amount-kr",
        "file-col-status",
        "file-col-basis",
    ];
    let cells = rows
        .iter()
        .map(|row| {
            vec![
                Cell::text(&row.number),
                Cell::text(&row.municipality_code),
                Cell::text(&row.municipality),
                Cell::text(&row.kind),
                Cell::Date(row.period_start),
                Cell::Date(row.period_end),
                Cell::Date(row.invoice_date),
                Cell::Date(row.due_date),
                Cell::Money(row.amount),
                Cell::text(&row.status),
                Cell::text(&row.basis),
            ]
        })
        .collect();
    // The exact sum in öre, not a spreadsheet formula, so that it is right wherever it is opened.
    let mut totals = vec![Cell::text(Text::new("file-sum").swedish())];
    totals.extend((1..8).map(|_| Cell::text("")));
    totals.push(Cell::Money(rows.iter().map(|r| r.amount).sum()));
    totals.extend([Cell::text(""), Cell::text("")]);
    Table {
        headers: headers.iter().map(|key| Text::new(*key).swedish()).collect(),
        text_columns: 4,
        rows: cells,
        totals,
    }
}

/// A year's invoices as an XLSX workbook.
pub fn invoices_xlsx(title: &str, rows: &[InvoiceRow]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let heading = crate::table::Heading { title: title.to_owned(), facts: Vec::new(), note: String::new() };
    crate::table::xlsx(&Text::new("file-invoices-sheet").swedish(), &heading, &invoices_table(rows))
}
