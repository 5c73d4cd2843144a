//! The year's invoices: generate them from the agreements, move them on, export them.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use etablera_domain::agreements::Side;
use etablera_domain::cofinancing::invoices::{
    Basis, BulkStatusForm, CreditForm, GenerateForm, InvoiceKind, InvoiceStatus, StatusForm,
};
use etablera_domain::cofinancing::payment::OcrReference;
use etablera_domain::ids::{AgreementId, InvoiceId};
use etablera_domain::money::Money;
use etablera_domain::municipality;
use etablera_domain::time::Year;
use etablera_reports::cofinancing::{
    InvoiceRow, UblContact, UblInvoice, UblLine, UblParty, UblPayment, invoice_pdf, invoices_table, invoices_xlsx, ubl,
};
use etablera_store::StoreError;
use etablera_store::access::users::User;
use etablera_store::cofinancing::invoices::{self, Invoice, InvoiceQuery, InvoiceSort};
use etablera_store::cofinancing::posts::Post;
use etablera_store::paging::Page;
use serde::Deserialize;

use super::current_post;
use crate::api::{Params, Path};
use crate::app::AppState;
use crate::context::{RequestContext, Signed};
use crate::error::{AppError, AppResult};
use crate::forms::{Filled, Submitted};
use crate::i18n::Tr;
use crate::listing::{Heading as ColumnHeading, ListParams, Listing, Pager, filter};
use crate::pages::{PageContext, download, render_with};

pub struct InvoiceView {
    pub id: InvoiceId,
    pub version: i32,
    pub number: String,
    pub municipality: String,
    pub kind: String,
    pub period: String,
    pub invoice_date: String,
    pub due: String,
    pub amount: String,
    pub status: String,
    pub next: Option<(&'static str, String)>,
}

pub fn kind_name(t: &Tr, kind: InvoiceKind) -> String {
    t.get(&format!("invoice-kind-{}", kind.code()))
}

pub fn status_name(t: &Tr, status: InvoiceStatus) -> String {
    t.get(&format!("invoice-status-{}", status.code()))
}

/// How the amount was reached, in the reader's language.
pub fn basis_text(t: &Tr, basis: &Basis) -> String {
    basis.texts().iter().map(|text| t.say(text)).collect::<Vec<_>>().join(" ")
}

pub fn view(invoice: &Invoice, t: &Tr) -> InvoiceView {
    // The list offers the next step; whether another document already credits it is checked
    // when the step is taken.
    let next = invoice.state(false).next().map(|to| {
        let label = match to {
            InvoiceStatus::Sent => t.get("invoices-mark-sent"),
            _ => t.get("invoices-mark-paid"),
        };
        (to.code(), label)
    });
    InvoiceView {
        id: invoice.id,
        version: invoice.version,
        number: invoice.number.clone(),
        municipality: format!("{} {}", invoice.municipality_code, municipality::name_of(&invoice.municipality_code)),
        kind: kind_name(t, invoice.kind),
        period: invoice.period().to_string(),
        invoice_date: invoice.issue_date().to_string(),
        due: invoice.due_date().to_string(),
        amount: invoice.amount().to_string(),
        status: status_name(t, invoice.status),
        next,
    }
}

#[derive(Template)]
#[template(path = "cofinancing/invoices.html")]
struct InvoicesPage {
    ctx: PageContext,
    post: Option<Post>,
    year: Year,
    years: Vec<(i32, bool)>,
    invoices: Vec<InvoiceView>,
    total: String,
    statuses: Vec<(&'static str, String)>,
    /// What several rows can be marked as at once.
    bulk_targets: Vec<(&'static str, String)>,
    status_filter: &'static str,
    headings: Vec<ColumnHeading>,
    pager: Pager,
    notice: Option<String>,
    f: Filled,
    today: String,
}

/// The list's address: the year, a status, the order and the page.
#[derive(Deserialize, Default)]
pub struct ListQuery {
    year: Option<String>,
    #[serde(default, deserialize_with = "crate::listing::number")]
    created: Option<u32>,
    #[serde(default, deserialize_with = "crate::listing::number")]
    marked: Option<u32>,
    marked_as: Option<String>,
    status: Option<String>,
    #[serde(flatten)]
    list: ListParams,
}

impl ListQuery {
    fn year(&self, ctx: &RequestContext) -> AppResult<Year> {
        Ok(filter::<Year>("year", self.year.as_deref())?.unwrap_or_else(|| this_year(ctx)))
    }

    fn store(&self, year: Year) -> AppResult<InvoiceQuery> {
        let sort = if self.list.sort.as_deref() == Some("municipality") {
            InvoiceSort::Municipality
        } else {
            InvoiceSort::Date
        };
        Ok(InvoiceQuery {
            year,
            status: filter("status", self.status.as_deref())?,
            sort,
            descending: self.list.descending(false),
            paging: self.list.paging()?,
        })
    }
}

fn this_year(ctx: &RequestContext) -> Year {
    Year::of(ctx.today()).expect("today is a year of the work")
}

async fn list_page(
    state: &AppState,
    ctx: &RequestContext,
    user: &etablera_store::access::users::User,
    query: InvoiceQuery,
    notice: Option<String>,
    f: Filled,
) -> AppResult<Response> {
    let t = ctx.tr();
    let year = query.year;
    let post = current_post(state, user).await?;
    let (list, sum) = match &post {
        Some(p) => {
            let (id, asked) = (p.id, query.clone());
            state.store.run(move |conn| invoices::page(conn, id, &asked)).await?
        }
        None => (Page { rows: Vec::new(), total: 0, paging: query.paging }, Money::default()),
    };
    let sort = if query.sort == InvoiceSort::Municipality { "municipality" } else { "date" };
    let status_filter = query.status.map(|s| s.code()).unwrap_or_default();
    let year_text = year.to_string();
    let listing = Listing::new("/cofinancing/invoices", sort, query.descending, query.paging)
        .keep("year", Some(&year_text))
        .keep("status", Some(status_filter));
    let status = f.status();
    let page = InvoicesPage {
        years: (2016..=this_year(ctx).get() + 1).rev().map(|y| (y, y == year.get())).collect(),
        total: sum.to_string(),
        statuses: InvoiceStatus::ALL.iter().map(|s| (s.code(), status_name(&t, *s))).collect(),
        bulk_targets: [InvoiceStatus::Sent, InvoiceStatus::Paid]
            .iter()
            .map(|s| (s.code(), status_name(&t, *s)))
            .collect(),
        status_filter,
        headings: vec![
            listing.heading("municipality", t.get("col-municipality"), false),
            listing.heading("date", t.get("col-invoice-date"), false),
        ],
        pager: listing.pager(&t, &list),
        invoices: list.rows.iter().map(|i| view(i, &t)).collect(),
        post,
        year,
        notice,
        f,
        today: ctx.today().to_string(),
        ctx: PageContext::new(ctx, t.get("invoices-title"), "/cofinancing/population"),
    };
    Ok(render_with(status, &page))
}

pub async fn list(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Params(q): Params<ListQuery>,
) -> AppResult<Response> {
    let year = q.year(&ctx)?;
    let t = ctx.tr();
    let marked = q.marked.zip(q.marked_as.as_deref().and_then(InvoiceStatus::from_code)).map(|(n, to)| {
        let key = if to == InvoiceStatus::Paid { "invoices-bulk-done-paid" } else { "invoices-bulk-done-sent" };
        t.with(key, "count", n)
    });
    let notice = q
        .created
        .map(|n| t.text("invoices-created", &[("count", n.to_string()), ("year", year.to_string())]))
        .or(marked);
    list_page(&state, &ctx, &user, q.store(year)?, notice, Filled::default()).await
}

pub async fn generate(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Submitted { input, fields }: Submitted<GenerateForm>,
) -> AppResult<Response> {
    let checked = input.check();
    let year = *checked.as_ref().unwrap_or(&this_year(&ctx));
    let mut created = 0;
    let outcome = match checked {
        Ok(year) => {
            let post = current_post(&state, &user).await?.ok_or(AppError::NotFound)?;
            let actor = ctx.actor();
            let generated = state.store.run(move |conn| invoices::generate(conn, &actor, post.id, year)).await;
            created = generated.as_ref().map_or(0, |g| g.created.len());
            Ok(generated.map(|_| ()))
        }
        Err(errors) => Err(errors),
    };
    match Filled::after("generate", fields, outcome)? {
        None => Ok(Redirect::to(&format!("/cofinancing/invoices?year={year}&created={created}")).into_response()),
        Some(f) => list_page(&state, &ctx, &user, ListQuery::default().store(year)?, None, f).await,
    }
}

/// Moves a document on from its row; a row whose document moved since the page was opened is
/// refused with 409 and the list shown again as it now stands, the date typed kept.
pub async fn set_status(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<InvoiceId>,
    Submitted { input, fields }: Submitted<StatusForm>,
) -> AppResult<Response> {
    let invoice = owned_invoice(&state, &user, id).await?;
    let year = Year::of(invoice.invoice_date).unwrap_or_else(|_| this_year(&ctx));
    let to = input.to().ok_or(AppError::BadRequest)?;
    let version = fields.version()?;
    let outcome = match input.check() {
        Ok(on) => Ok(state.store.run(move |conn| invoices::advance(conn, id, version, to, on)).await.map(|_| ())),
        Err(errors) => Err(errors),
    };
    match Filled::after(format!("status-{id}"), fields, outcome)? {
        None => Ok(Redirect::to(&format!("/cofinancing/invoices?year={year}")).into_response()),
        Some(f) => list_page(&state, &ctx, &user, ListQuery::default().store(year)?, None, f).await,
    }
}

/// Moves the ticked rows on in one step, all or none; a row that moved since the page was opened
/// is refused with 409 and the list shown again, as one that cannot take the step is with its
/// number.
pub async fn set_status_all(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Params(q): Params<ListQuery>,
    Submitted { input, fields }: Submitted<BulkStatusForm>,
) -> AppResult<Response> {
    let year = q.year(&ctx)?;
    let checked = input.check();
    let mut marked = (0, InvoiceStatus::Sent);
    let outcome = match checked {
        Ok(step) => {
            for (id, _) in &step.picked {
                owned_invoice(&state, &user, *id).await?;
            }
            marked = (step.picked.len(), step.to);
            Ok(state.store.run(move |conn| invoices::advance_all(conn, &step)).await.map(|_| ()))
        }
        Err(errors) => Err(errors),
    };
    match Filled::after("bulk", fields, outcome)? {
        None => Ok(Redirect::to(&format!(
            "/cofinancing/invoices?year={year}&marked={}&marked_as={}",
            marked.0,
            marked.1.code()
        ))
        .into_response()),
        Some(f) => list_page(&state, &ctx, &user, q.store(year)?, None, f).await,
    }
}

/// An invoice of the caller's post, or not found.
async fn owned_invoice(
    state: &AppState,
    user: &etablera_store::access::users::User,
    id: InvoiceId,
) -> AppResult<Invoice> {
    let post = current_post(state, user).await?.ok_or(AppError::NotFound)?;
    let invoice = state.store.run(move |conn| invoices::get(conn, id)).await?;
    let agreement_id = invoice.agreement_id;
    let agreement =
        state.store.run(move |conn| etablera_store::agreements::for_post_one(conn, agreement_id.get())).await?;
    if agreement.post_id != Some(post.id) {
        return Err(AppError::NotFound);
    }
    Ok(invoice)
}

#[derive(Template)]
#[template(path = "cofinancing/invoice.html")]
struct InvoicePage {
    ctx: PageContext,
    invoice: InvoiceView,
    /// It can be credited in full.
    creditable: bool,
    f: Filled,
    agreement_id: AgreementId,
    basis: String,
    credits: Option<String>,
    /// The OCR reference the payer gives.
    reference: String,
}

pub async fn show(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<InvoiceId>,
) -> AppResult<Response> {
    show_with(&state, &ctx, &user, id, Filled::default()).await
}

async fn show_with(
    state: &AppState,
    ctx: &RequestContext,
    user: &etablera_store::access::users::User,
    id: InvoiceId,
    f: Filled,
) -> AppResult<Response> {
    let t = ctx.tr();
    let invoice = owned_invoice(state, user, id).await?;
    let credits_id = invoice.credits_invoice_id;
    let (credits, credited_by) = state
        .store
        .run(move |conn| {
            let credits = credits_id.map(|other| invoices::get(conn, other)).transpose()?;
            Ok((credits.map(|i| i.number), invoices::credited_by(conn, id)?))
        })
        .await?;
    let status = f.status();
    let page = InvoicePage {
        f,
        creditable: invoice.state(credited_by.is_some()).creditable().is_ok(),
        agreement_id: invoice.agreement_id,
        basis: basis_text(&t, &invoice.basis),
        credits,
        reference: OcrReference::for_digits(&invoice.number).map(|r| r.to_string()).unwrap_or_default(),
        invoice: view(&invoice, &t),
        ctx: PageContext::new(ctx, t.with("invoice-title", "number", &invoice.number), "/cofinancing/population"),
    };
    Ok(render_with(status, &page))
}

/// Credits the invoice in full with a credit note; the reason goes into its basis.
pub async fn credit(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<InvoiceId>,
    Submitted { input, fields }: Submitted<CreditForm>,
) -> AppResult<Response> {
    owned_invoice(&state, &user, id).await?;
    let version = fields.version()?;
    let mut note = None;
    let outcome = match input.check() {
        Ok(reason) => {
            let (actor, today) = (ctx.actor(), ctx.today());
            let credited =
                state.store.run(move |conn| invoices::credit(conn, &actor, id, version, today, &reason)).await;
            note = credited.as_ref().ok().map(|n| n.id);
            Ok(credited.map(|_| ()))
        }
        Err(errors) => Err(errors),
    };
    match Filled::after("credit", fields, outcome)? {
        None => Ok(Redirect::to(&format!("/cofinancing/invoices/{}", note.unwrap_or(id))).into_response()),
        Some(f) => show_with(&state, &ctx, &user, id, f).await,
    }
}

/// Whose invoice a caller may download: the coordinator's of their post, or the agreement
/// contact's of their municipalities.
#[derive(Clone, Copy)]
enum Reader {
    Post,
    Municipality,
}

/// The invoice as a document from the county board to the municipality, for UBL and PDF; not
/// found unless the caller may read it.
async fn document(
    state: &AppState,
    ctx: &RequestContext,
    user: &etablera_store::access::users::User,
    id: InvoiceId,
    reader: Reader,
) -> AppResult<(Invoice, UblInvoice)> {
    let invoice = match reader {
        Reader::Post => owned_invoice(state, user, id).await?,
        Reader::Municipality => {
            let invoice = state.store.run(move |conn| invoices::get(conn, id)).await?;
            if !user.municipalities.iter().any(|m| m.as_str() == invoice.municipality_code) {
                return Err(AppError::NotFound);
            }
            invoice
        }
    };
    let agreement_id = invoice.agreement_id;
    let credits_id = invoice.credits_invoice_id;
    let actor = ctx.actor();
    let (agreement, credited, post) = state
        .store
        .run(move |conn| {
            // With its contact persons, whom the invoice names: a logged read.
            let agreement = etablera_store::agreements::get(conn, &actor, agreement_id.get())?;
            let credited = match credits_id {
                Some(other) => Some(invoices::get(conn, other)?.number),
                None => None,
            };
            let post = etablera_store::cofinancing::posts::get(conn, agreement.post_id.ok_or(StoreError::NotFound)?)?;
            Ok((agreement, credited, post))
        })
        .await?;
    let version = agreement.version_on(invoice.invoice_date).unwrap_or_else(|| agreement.current());
    let parse = |number: &str| {
        number.parse().map_err(|_| AppError::Internal(format!("stored organisation number {number} does not parse")))
    };
    let contact = |side: Side| {
        version.contacts.iter().find(|c| c.side == side).map(|c| UblContact {
            name: c.name.clone(),
            phone: c.phone.clone(),
            email: c.email.clone(),
        })
    };
    let payment = match &post.invoicing {
        Some(invoicing) => Some(UblPayment {
            account: invoicing.account.clone(),
            reference: OcrReference::for_digits(&invoice.number)
                .map_err(|_| AppError::Internal(format!("invoice number {} makes no OCR reference", invoice.number)))?,
        }),
        None => None,
    };
    let document = UblInvoice {
        number: invoice.number.clone(),
        issue_date: invoice.issue_date(),
        due_date: invoice.due_date(),
        buyer_reference: version.registry_number.clone().unwrap_or_else(|| agreement.title.clone()),
        note: Some(agreement.title.clone()),
        seller: UblParty {
            name: post.employer_name.clone(),
            org_number: parse(&version.county_org_number)?,
            address: post.invoicing.as_ref().map(|i| i.address.clone()),
            contact: contact(Side::County),
        },
        buyer: UblParty {
            name: format!("{} kommun", municipality::name_of(&invoice.municipality_code)),
            org_number: parse(&version.municipality_org_number)?,
            address: agreement.invoice_address.clone(),
            contact: contact(Side::Municipality),
        },
        lines: vec![UblLine {
            description: format!("{}, {}", post.name, agreement.title),
            period_start: invoice.period_start,
            period_end: invoice.period_end,
            amount: if invoice.kind == InvoiceKind::Credit { -invoice.amount() } else { invoice.amount() },
        }],
        credits: if invoice.kind == InvoiceKind::Credit { Some(credited.unwrap_or_default()) } else { None },
        payment,
    };
    Ok((invoice, document))
}

async fn ubl_download(
    state: &AppState,
    ctx: &RequestContext,
    user: &User,
    id: InvoiceId,
    reader: Reader,
) -> AppResult<Response> {
    let (invoice, document) = document(state, ctx, user, id, reader).await?;
    Ok(download(
        "application/xml; charset=utf-8",
        format!("faktura-{}.xml", invoice.number),
        ubl(&document).into_bytes(),
    ))
}

async fn pdf_download(
    ctx: &RequestContext,
    state: &AppState,
    user: &User,
    id: InvoiceId,
    reader: Reader,
) -> AppResult<Response> {
    let (invoice, document) = document(state, ctx, user, id, reader).await?;
    let t = ctx.tr();
    let kind = kind_name(&t, invoice.kind);
    let basis = basis_text(&t, &invoice.basis);
    crate::pages::pdf_download(format!("faktura-{}.pdf", invoice.number), move || invoice_pdf(&document, &kind, &basis))
        .await
}

/// The invoice as Peppol BIS Billing 3.0 UBL.
pub async fn ubl_xml(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<InvoiceId>,
) -> AppResult<Response> {
    ubl_download(&state, &ctx, &user, id, Reader::Post).await
}

/// The invoice as a PDF, with the basis of its amount.
pub async fn pdf(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<InvoiceId>,
) -> AppResult<Response> {
    pdf_download(&ctx, &state, &user, id, Reader::Post).await
}

/// The agreement contact's copy of an invoice to their municipality, as UBL.
pub async fn own_ubl_xml(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<InvoiceId>,
) -> AppResult<Response> {
    ubl_download(&state, &ctx, &user, id, Reader::Municipality).await
}

/// The agreement contact's copy of an invoice to their municipality, as a PDF.
pub async fn own_pdf(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<InvoiceId>,
) -> AppResult<Response> {
    pdf_download(&ctx, &state, &user, id, Reader::Municipality).await
}

#[derive(Deserialize)]
pub struct ExportQuery {
    year: Option<Year>,
}

/// The year's invoices as the spreadsheet's rows.
async fn export_rows(
    state: &AppState,
    ctx: &RequestContext,
    user: &User,
    q: ExportQuery,
) -> AppResult<(Year, Vec<InvoiceRow>)> {
    let t = ctx.tr();
    let post = current_post(state, user).await?.map(|p| p.id);
    let year = q.year.unwrap_or_else(|| this_year(ctx));
    let list = match post {
        Some(id) => state.store.run(move |conn| invoices::list(conn, id, Some(year))).await?,
        None => Vec::new(),
    };
    let rows: Vec<InvoiceRow> = list
        .iter()
        .map(|i| InvoiceRow {
            number: i.number.clone(),
            municipality_code: i.municipality_code.clone(),
            municipality: municipality::name_of(&i.municipality_code),
            kind: kind_name(&t, i.kind),
            period_start: i.period_start,
            period_end: i.period_end,
            invoice_date: i.issue_date(),
            due_date: i.due_date(),
            amount: i.amount(),
            status: status_name(&t, i.status),
            basis: basis_text(&t, &i.basis),
        })
        .collect();
    Ok((year, rows))
}

pub async fn xlsx(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Params(q): Params<ExportQuery>,
) -> AppResult<Response> {
    let (year, rows) = export_rows(&state, &ctx, &user, q).await?;
    let bytes = invoices_xlsx(&ctx.tr().with("invoices-year", "year", year), &rows)
        .map_err(|e| AppError::Internal(format!("xlsx: {e}")))?;
    Ok(download(crate::pages::XLSX, format!("fakturor-{year}.xlsx"), bytes))
}

/// The year's invoices as CSV for Swedish Excel.
pub async fn csv(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Params(q): Params<ExportQuery>,
) -> AppResult<Response> {
    let (year, rows) = export_rows(&state, &ctx, &user, q).await?;
    crate::pages::swedish_csv_download(format!("fakturor-{year}.csv"), &invoices_table(&rows))
}
