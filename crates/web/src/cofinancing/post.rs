//! The shared post itself and its cost per year (the yearly update).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use etablera_domain::cofinancing::PostCostForm;
use etablera_domain::cofinancing::payment::{AccountKind, InvoicingForm, PaymentAccount};
use etablera_store::cofinancing::posts::{self, Post};

use super::current_post;
use crate::app::AppState;
use crate::context::{RequestContext, Signed};
use crate::error::{AppError, AppResult};
use crate::forms::{Fields, Filled, Submitted, save};
use crate::pages::{PageContext, render_with};

pub struct ModelRow {
    pub year: i32,
    pub yearly: String,
    pub arithmetic: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "cofinancing/post.html")]
struct PostPage {
    ctx: PageContext,
    f: Filled,
    post: Option<Post>,
    models: Vec<ModelRow>,
    /// The invoicing details as stored, the form's values before anything is typed.
    invoicing: Fields,
}

impl PostPage {
    /// The invoicing form's value: as typed when it was sent, else as stored.
    fn invoicing_value(&self, name: &str) -> &str {
        self.f.v("invoicing", name, self.invoicing.get(name))
    }
}

/// The stored details as the form's fields.
fn invoicing_fields(post: Option<&Post>) -> Fields {
    let Some(invoicing) = post.and_then(|p| p.invoicing.as_ref()) else {
        return Fields(vec![("account_kind".to_owned(), AccountKind::Bankgiro.code().to_owned())]);
    };
    let (_, bic) = invoicing.account.stored();
    let account = match &invoicing.account {
        PaymentAccount::Bankgiro(b) => b.to_string(),
        PaymentAccount::Plusgiro(p) => p.to_string(),
        PaymentAccount::Iban { iban, .. } => iban.to_string(),
    };
    let mut fields = super::agreements::address_fields(Some(&invoicing.address));
    fields.0.extend([
        ("account_kind".to_owned(), invoicing.account.kind().code().to_owned()),
        ("account".to_owned(), account),
        ("bic".to_owned(), bic.unwrap_or_default().to_owned()),
    ]);
    fields
}

async fn render(
    state: &AppState,
    ctx: &RequestContext,
    user: &etablera_store::access::users::User,
    f: Filled,
) -> AppResult<Response> {
    let t = ctx.tr();
    let post = current_post(state, user).await?;
    let models = match &post {
        Some(p) => {
            let id = p.id;
            state.store.run(move |conn| posts::cost_models(conn, id)).await?
        }
        None => Vec::new(),
    };
    let status = f.status();
    let page = PostPage {
        invoicing: invoicing_fields(post.as_ref()),
        post,
        models: models
            .into_iter()
            .map(|m| ModelRow {
                year: m.year,
                yearly: m.cost.cost(12).to_string(),
                arithmetic: m.cost.arithmetic(12),
                note: m.note.unwrap_or_default(),
            })
            .collect(),
        f,
        ctx: PageContext::new(ctx, t.get("post-title"), "/cofinancing/population"),
    };
    Ok(render_with(status, &page))
}

pub async fn page(State(state): State<AppState>, Signed { ctx, user }: Signed) -> AppResult<Response> {
    render(&state, &ctx, &user, Filled::default()).await
}

/// Sets a year's cost; it holds for later years until a newer year's cost is set.
pub async fn set_cost(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Submitted { input, fields }: Submitted<PostCostForm>,
) -> AppResult<Response> {
    let post = current_post(&state, &user).await?.ok_or(AppError::NotFound)?;
    let outcome = save(&state, input.check(), move |conn, new| {
        posts::set_cost_model(conn, post.id, new.year.get(), &new.cost, new.note.as_deref())
    })
    .await;
    match Filled::after("post", fields, outcome)? {
        None => Ok(Redirect::to("/cofinancing/post").into_response()),
        Some(f) => render(&state, &ctx, &user, f).await,
    }
}

/// Sets how the post's employer is paid and where it is; every invoice sent from now carries it.
pub async fn set_invoicing(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Submitted { input, fields }: Submitted<InvoicingForm>,
) -> AppResult<Response> {
    let post = current_post(&state, &user).await?.ok_or(AppError::NotFound)?;
    let actor = ctx.actor();
    let outcome =
        save(&state, input.check(), move |conn, invoicing| posts::set_invoicing(conn, &actor, post.id, &invoicing))
            .await;
    match Filled::after("invoicing", fields, outcome)? {
        None => Ok(Redirect::to("/cofinancing/post#invoicing-heading").into_response()),
        Some(f) => render(&state, &ctx, &user, f).await,
    }
}
