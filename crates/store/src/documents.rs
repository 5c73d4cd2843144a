//! Documents attached to a household, a person, a home, a cost, a claim or a deviation: kept in
//! the database (so that a backup carries them), each download in the access log, and removed
//! with their record by the database itself (`ON DELETE CASCADE`).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use etablera_domain::documents::{DocumentFormat, NewDocument, Owner, OwnerKind};
use etablera_domain::ids::{DeviationId, HousingId};
use sha2::{Digest, Sha256};

use crate::access::Actor;
use crate::access::Scope;
use crate::access::log::{Action, Record, RecordKind, append};
use crate::schema::{document_contents, documents, users};
use crate::{DbConn, Result, StoreError, write};

/// A document as its record's page lists it: never its bytes.
#[derive(Debug, Clone)]
pub struct DocumentInfo {
    pub id: i32,
    pub owner: Owner,
    pub municipality_code: String,
    pub file_name: String,
    pub title: Option<String>,
    pub format: DocumentFormat,
    pub size_bytes: i32,
    pub sha256: String,
    pub uploaded_at: NaiveDateTime,
    pub uploaded_by: Option<String>,
    /// The household whose file the record is in, for the way back to it.
    pub household_id: Option<i32>,
}

type Row = (
    i32,
    String,
    (Option<i32>, Option<i32>, Option<i32>, Option<i32>, Option<i32>, Option<i32>),
    String,
    Option<String>,
    String,
    i32,
    String,
    NaiveDateTime,
    Option<String>,
);

macro_rules! listed {
    () => {
        documents::table.left_join(users::table.on(users::id.nullable().eq(documents::uploaded_by))).select((
            documents::id,
            documents::municipality_code,
            (
                documents::household_id,
                documents::person_id,
                documents::housing_id,
                documents::cost_id,
                documents::claim_id,
                documents::deviation_id,
            ),
            documents::file_name,
            documents::title,
            documents::format,
            documents::size_bytes,
            documents::sha256,
            documents::uploaded_at,
            users::display_name.nullable(),
        ))
    };
}

fn info(row: Row) -> Result<DocumentInfo> {
    let (id, municipality_code, owners, file_name, title, format, size_bytes, sha256, uploaded_at, uploaded_by) = row;
    let owner = match owners {
        (Some(id), ..) => Owner::new(OwnerKind::Household, id),
        (_, Some(id), ..) => Owner::new(OwnerKind::Person, id),
        (_, _, Some(id), ..) => Owner::new(OwnerKind::Housing, id),
        (_, _, _, Some(id), ..) => Owner::new(OwnerKind::Cost, id),
        (_, _, _, _, Some(id), _) => Owner::new(OwnerKind::Claim, id),
        (.., Some(id)) => Owner::new(OwnerKind::Deviation, id),
        _ => return Err(broken(format!("document {id} belongs to no record"))),
    };
    Ok(DocumentInfo {
        id,
        owner,
        municipality_code,
        file_name,
        title,
        format: DocumentFormat::try_from(format)?,
        size_bytes,
        sha256,
        uploaded_at,
        uploaded_by,
        household_id: None,
    })
}

fn broken(what: String) -> StoreError {
    StoreError::unreadable(std::io::Error::other(what))
}

/// The owner's municipality and the household whose file it is in, when the caller may see
/// the owner; "not found" otherwise, as for the record itself.
fn owner_in_scope(conn: &mut DbConn, scope: &Scope, owner: Owner) -> Result<(String, Option<i32>)> {
    Ok(match owner.kind {
        OwnerKind::Household => (scope.household(conn, owner.id)?, Some(owner.id)),
        OwnerKind::Person => {
            let (household_id, code) = scope.person(conn, owner.id)?;
            (code, Some(household_id))
        }
        OwnerKind::Housing => {
            let (household_id, code) = crate::reception::housing::scoped(conn, scope, HousingId::new(owner.id))?;
            // A home's documents (the contract) name its address: hidden as the address is.
            if !scope.protected_addresses && crate::reception::households::has_protected(conn, household_id)? {
                return Err(StoreError::NotFound);
            }
            (code, Some(household_id))
        }
        OwnerKind::Cost => {
            let cost = crate::economy::costs::get(conn, scope, owner.id)?;
            (cost.municipality_code, Some(cost.household_id))
        }
        OwnerKind::Claim => (crate::economy::claims::get(conn, scope, owner.id)?.municipality_code, None),
        OwnerKind::Deviation => {
            let (code, household_id) = crate::quality::deviations::scoped(conn, scope, DeviationId::new(owner.id))?;
            (code, household_id)
        }
    })
}

/// `$query` narrowed to the documents of records of `$kind` whose id matches (`eq`, `eq_any`).
macro_rules! owned_by {
    ($query:expr, $kind:expr, $op:ident($value:expr)) => {
        match $kind {
            OwnerKind::Household => $query.filter(documents::household_id.$op($value)),
            OwnerKind::Person => $query.filter(documents::person_id.$op($value)),
            OwnerKind::Housing => $query.filter(documents::housing_id.$op($value)),
            OwnerKind::Cost => $query.filter(documents::cost_id.$op($value)),
            OwnerKind::Claim => $query.filter(documents::claim_id.$op($value)),
            OwnerKind::Deviation => $query.filter(documents::deviation_id.$op($value)),
        }
    };
}

/// Attaches a checked document to a record the caller may see. Returns its id and the
/// household whose file the record is in.
pub fn attach(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    owner: Owner,
    document: &NewDocument,
) -> Result<(i32, Option<i32>)> {
    write(conn, |conn| {
        let (code, household_id) = owner_in_scope(conn, scope, owner)?;
        let id_of = |kind: OwnerKind| (owner.kind == kind).then_some(owner.id);
        let id: i32 = diesel::insert_into(documents::table)
            .values((
                documents::municipality_code.eq(&code),
                documents::household_id.eq(id_of(OwnerKind::Household)),
                documents::person_id.eq(id_of(OwnerKind::Person)),
                documents::housing_id.eq(id_of(OwnerKind::Housing)),
                documents::cost_id.eq(id_of(OwnerKind::Cost)),
                documents::claim_id.eq(id_of(OwnerKind::Claim)),
                documents::deviation_id.eq(id_of(OwnerKind::Deviation)),
                documents::file_name.eq(&document.file_name),
                documents::title.eq(&document.title),
                documents::format.eq(document.format.code()),
                documents::size_bytes.eq(document.bytes.len() as i32),
                documents::sha256.eq(hex::encode(Sha256::digest(&document.bytes))),
                documents::uploaded_at.eq(actor.at),
                documents::uploaded_by.eq(actor.user_id),
            ))
            .returning(documents::id)
            .get_result(conn)?;
        diesel::insert_into(document_contents::table)
            .values((document_contents::document_id.eq(id), document_contents::content.eq(&document.bytes)))
            .execute(conn)?;
        append(conn, actor, Action::Create, &Record::new(RecordKind::Document, id).in_municipality(&code))?;
        Ok((id, household_id))
    })
}

/// A record's documents, newest first. Called while its page is read; the page's own row in
/// the access log covers the list (names and sizes, not contents).
pub fn of(conn: &mut DbConn, owner: Owner) -> Result<Vec<DocumentInfo>> {
    let rows: Vec<Row> = owned_by!(listed!().into_boxed(), owner.kind, eq(owner.id))
        .order((documents::uploaded_at.desc(), documents::id.desc()))
        .load(conn)?;
    rows.into_iter().map(info).collect()
}

/// The documents of several records of one kind (the homes of a household), in one query.
pub fn of_each(conn: &mut DbConn, kind: OwnerKind, ids: &[i32]) -> Result<Vec<DocumentInfo>> {
    let rows: Vec<Row> = owned_by!(listed!().into_boxed(), kind, eq_any(ids.to_vec()))
        .order((documents::uploaded_at.desc(), documents::id.desc()))
        .load(conn)?;
    rows.into_iter().map(info).collect()
}

/// One document the caller may read (its record in their scope, its kind among `readable`),
/// with its bytes; the download is in the access log before anything is handed out.
pub fn download(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    readable: &[OwnerKind],
    id: i32,
) -> Result<(DocumentInfo, Vec<u8>)> {
    let (info, bytes) = crate::read(conn, |conn| {
        let info = find(conn, scope, readable, id)?;
        let bytes: Vec<u8> = document_contents::table
            .find(id)
            .select(document_contents::content)
            .first(conn)
            .optional()?
            .ok_or_else(|| broken(format!("document {id} has no contents")))?;
        Ok((info, bytes))
    })?;
    crate::access::log::record(
        conn,
        actor,
        Action::Read,
        &Record::new(RecordKind::Document, id).in_municipality(&info.municipality_code),
    )?;
    Ok((info, bytes))
}

/// The document's description when the caller may see it.
fn find(conn: &mut DbConn, scope: &Scope, readable: &[OwnerKind], id: i32) -> Result<DocumentInfo> {
    let row: Row = listed!().filter(documents::id.eq(id)).first(conn).optional()?.ok_or(StoreError::NotFound)?;
    let mut info = info(row)?;
    if !readable.contains(&info.owner.kind) {
        return Err(StoreError::NotFound);
    }
    info.household_id = owner_in_scope(conn, scope, info.owner)?.1;
    Ok(info)
}

/// Removes a document attached by mistake (its kind among `writable`); the removal is logged.
/// Returns what it was attached to, for the way back.
pub fn remove(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    writable: &[OwnerKind],
    id: i32,
) -> Result<DocumentInfo> {
    write(conn, |conn| {
        let info = find(conn, scope, writable, id)?;
        diesel::delete(documents::table.find(id)).execute(conn)?;
        append(
            conn,
            actor,
            Action::Delete,
            &Record::new(RecordKind::Document, id).in_municipality(&info.municipality_code),
        )?;
        Ok(info)
    })
}
