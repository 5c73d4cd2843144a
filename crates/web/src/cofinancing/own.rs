//! A municipality's own view for its agreement contact: its agreements, invoices, payments and
//! refunds. Nothing of other municipalities.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use etablera_domain::ids::AgreementId;
use etablera_store::agreements;
use etablera_store::cofinancing::invoices;

use super::agreements::{TermsView, terms_view};
use super::invoices::{InvoiceView, view};
use crate::app::AppState;
use crate::context::Signed;
use crate::error::AppResult;
use crate::pages::{PageContext, render_with};

pub struct OwnAgreement {
    pub title: String,
    pub municipality: String,
    pub registry_number: String,
    pub terms: TermsView,
    pub status: String,
    pub invoices: Vec<InvoiceView>,
    pub paid: Vec<(i32, String)>,
}

#[derive(Template)]
#[template(path = "cofinancing/own.html")]
struct OwnPage {
    ctx: PageContext,
    agreements: Vec<OwnAgreement>,
}

pub async fn page(State(state): State<AppState>, Signed { ctx, user }: Signed) -> AppResult<Response> {
    let t = ctx.tr();
    let codes: Vec<String> = user.municipalities.iter().map(|m| m.as_str().to_owned()).collect();
    let found = state
        .store
        .run(move |conn| {
            let mut out = Vec::new();
            for code in &codes {
                let paid = invoices::paid_per_year(conn, code)?;
                for agreement in agreements::for_municipality(conn, code)? {
                    let list = invoices::for_agreement(conn, AgreementId::new(agreement.id))?;
                    out.push((agreement, list, paid.clone()));
                }
            }
            Ok(out)
        })
        .await?;
    let page = OwnPage {
        agreements: found
            .into_iter()
            .map(|(a, list, paid)| OwnAgreement {
                title: a.title.clone(),
                municipality: a.municipality_code.clone(),
                registry_number: a.current().registry_number.clone().unwrap_or_default(),
                terms: terms_view(&a.current().terms, &t),
                status: super::agreements::status_text(&a, ctx.today(), &t).0,
                invoices: list.iter().map(|i| InvoiceView { next: None, ..view(i, &t) }).collect(),
                paid: paid.into_iter().map(|(y, m)| (y, m.to_string())).collect(),
            })
            .collect(),
        ctx: PageContext::new(&ctx, t.get("own-title"), "/cofinancing/own"),
    };
    Ok(render_with(StatusCode::OK, &page))
}
