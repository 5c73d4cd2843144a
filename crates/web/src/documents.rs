//! Documents on a record's page: the list, the upload form, the download and the removal. Each
//! record's page shows a [`DocumentsView`]; its upload route calls [`attach`] and shows the page
//! again with the form's errors when the file is refused.

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, post};
use etablera_domain::documents::{DocumentInput, MAX_DOCUMENT_BYTES, Owner, OwnerKind};
use etablera_store::access::users::User;
use etablera_store::documents::{self, DocumentInfo};

use crate::access::scope;
use crate::api::Path;
use crate::app::AppState;
use crate::context::{RequestContext, Signed};
use crate::error::{AppError, AppResult};
use crate::forms::{Fields, Filled, Submitted};
use crate::i18n::Tr;
use crate::pages::local_time;
use crate::security::CsrfMultipart;

/// One document as listed.
pub struct DocumentRow {
    pub id: i32,
    pub name: String,
    pub file_name: String,
    pub format: String,
    pub size: String,
    pub added: String,
}

/// A record's documents and, for those who may change the record, the form to attach one.
pub struct DocumentsView {
    /// The form's name, which prefixes its fields' ids (`document-housing-3`).
    pub form: String,
    pub action: String,
    pub rows: Vec<DocumentRow>,
    pub can_write: bool,
    /// Shown under a part of the page (a home) rather than as a section of its own.
    pub nested: bool,
}

impl DocumentsView {
    pub fn new(t: &Tr, user: &User, owner: Owner, action: String, documents: &[DocumentInfo]) -> DocumentsView {
        DocumentsView {
            form: form_name(owner),
            action,
            rows: documents.iter().filter(|d| d.owner == owner).map(|d| row(t, d)).collect(),
            can_write: user.can(owner.kind.write_permission()),
            nested: owner.kind == OwnerKind::Housing,
        }
    }
}

fn form_name(owner: Owner) -> String {
    match owner.kind {
        OwnerKind::Housing => format!("document-housing-{}", owner.id),
        kind => format!("document-{}", kind.code()),
    }
}

fn row(t: &Tr, d: &DocumentInfo) -> DocumentRow {
    DocumentRow {
        id: d.id,
        name: d.title.clone().unwrap_or_else(|| d.file_name.clone()),
        file_name: d.file_name.clone(),
        format: t.get(&format!("document-format-{}", d.format.code())),
        size: size_in_words(d.size_bytes),
        added: match &d.uploaded_by {
            Some(by) => format!("{}, {by}", local_time(d.uploaded_at)),
            None => local_time(d.uploaded_at),
        },
    }
}

/// "340 kB", "2,4 MB": as a file manager says it.
fn size_in_words(bytes: i32) -> String {
    let kb = f64::from(bytes) / 1000.0;
    if kb < 1000.0 { format!("{} kB", kb.ceil() as i64) } else { format!("{:.1} MB", kb / 1000.0).replace('.', ",") }
}

/// The route that receives a document: room for the largest document and the form around it.
pub fn upload_route<H, T>(handler: H) -> MethodRouter<AppState>
where
    H: axum::handler::Handler<T, AppState>,
    T: 'static,
{
    post(handler).layer(DefaultBodyLimit::max(MAX_DOCUMENT_BYTES + 1024 * 1024))
}

/// Checks and keeps an uploaded document: `None` when it was kept, or the owner's page's form
/// with every error (nothing kept) to show again. The second value is the household whose file
/// the record is in, for the way back.
pub async fn attach(
    state: &AppState,
    ctx: &RequestContext,
    user: &User,
    owner: Owner,
    form: CsrfMultipart,
) -> AppResult<Result<Option<i32>, Filled>> {
    if !user.can(owner.kind.write_permission()) {
        return Err(AppError::Forbidden);
    }
    let file = form.file("file");
    let input = DocumentInput {
        file_name: file.and_then(|f| f.file_name.as_deref()),
        bytes: file.map_or(&[][..], |f| f.bytes.as_slice()),
        title: form.field("title"),
    };
    let fields = Fields(form.fields.iter().filter(|(k, _)| k != "csrf_token").cloned().collect());
    let checked = input.check();
    let (actor, scope) = (ctx.actor(), scope(user));
    let outcome = match checked {
        Ok(document) => {
            Ok(state.store.run(move |conn| documents::attach(conn, &actor, &scope, owner, &document)).await)
        }
        Err(errors) => Err(errors),
    };
    match outcome {
        Ok(Ok((_, household_id))) => Ok(Ok(household_id)),
        Ok(Err(e)) => Ok(Err(Filled::from_store(form_name(owner), fields, e)?)),
        Err(errors) => Ok(Err(Filled::failed(form_name(owner), fields, errors))),
    }
}

/// The kinds of record whose documents the user may read.
fn readable(user: &User) -> Vec<OwnerKind> {
    OwnerKind::ALL.iter().copied().filter(|k| user.can(k.read_permission())).collect()
}

/// Sends a document as a download (never shown in the browser's own viewer from here, so that
/// no file runs as a page of Etablera), after its access-log row is written.
pub async fn download(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    let (actor, scope, readable) = (ctx.actor(), scope(&user), readable(&user));
    let (info, bytes) = state.store.run(move |conn| documents::download(conn, &actor, &scope, &readable, id)).await?;
    let disposition = content_disposition(&info.file_name);
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(info.format.media_type())),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).map_err(|e| AppError::Internal(e.to_string()))?,
            ),
            (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("sandbox; default-src 'none'")),
        ],
        bytes,
    )
        .into_response())
}

/// `attachment` with the name in ASCII for old clients and in UTF-8 (RFC 6266, RFC 8187).
fn content_disposition(file_name: &str) -> String {
    let ascii: String = file_name
        .chars()
        .map(|c| if c.is_ascii_graphic() && !matches!(c, '"' | '\\') || c == ' ' { c } else { '_' })
        .collect();
    let encoded: String = file_name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// Removes a document attached by mistake, and goes back to its record.
pub async fn remove(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
    _: Submitted<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    let writable: Vec<OwnerKind> = OwnerKind::ALL.iter().copied().filter(|k| user.can(k.write_permission())).collect();
    let (actor, scope) = (ctx.actor(), scope(&user));
    let info = state.store.run(move |conn| documents::remove(conn, &actor, &scope, &writable, id)).await?;
    let back = page_of(info.owner, info.household_id);
    Ok(Redirect::to(&format!("{back}?saved=document-removed#{}", form_name(info.owner))).into_response())
}

/// The confirmation after a document was attached or removed (`?saved=document`).
pub fn saved_notice(t: &Tr, saved: &str) -> Option<String> {
    match saved {
        "document" => Some(t.get("saved-document")),
        "document-removed" => Some(t.get("saved-document-removed")),
        _ => None,
    }
}

/// The page a record is shown on; a home is shown on its household's.
fn page_of(owner: Owner, household_id: Option<i32>) -> String {
    let Owner { kind, id } = owner;
    match (kind, household_id) {
        (OwnerKind::Household, _) => format!("/reception/households/{id}"),
        (OwnerKind::Person, _) => format!("/reception/persons/{id}"),
        (OwnerKind::Housing, Some(household)) => format!("/reception/households/{household}"),
        (OwnerKind::Housing, None) => "/reception".to_owned(),
        (OwnerKind::Cost, _) => format!("/economy/costs/{id}"),
        (OwnerKind::Claim, _) => format!("/economy/claims/{id}"),
        (OwnerKind::Deviation, _) => format!("/quality/{id}"),
    }
}

/// Where to go after a document was attached: the owner's page, at its documents.
pub fn after_attach(owner: Owner, household_id: Option<i32>) -> Response {
    Redirect::to(&format!("{}?saved=document#{}", page_of(owner, household_id), form_name(owner))).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_as_a_file_manager_says_them() {
        assert_eq!(size_in_words(1), "1 kB");
        assert_eq!(size_in_words(340_000), "340 kB");
        assert_eq!(size_in_words(2_400_000), "2,4 MB");
    }

    #[test]
    fn a_download_names_the_file_safely() {
        assert_eq!(
            content_disposition("Kvitto maj.pdf"),
            "attachment; filename=\"Kvitto maj.pdf\"; filename*=UTF-8''Kvitto%20maj.pdf"
        );
        assert_eq!(
            content_disposition("hyresavtal \"Åby\".pdf"),
            "attachment; filename=\"hyresavtal __by_.pdf\"; filename*=UTF-8''hyresavtal%20%22%C3%85by%22.pdf"
        );
    }
}
