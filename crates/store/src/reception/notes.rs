//! Case notes: dated and signed; a note is corrected only by a new note that refers to it.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use etablera_domain::ids::{NoteId, PersonId};
use etablera_domain::reception::notes::NewNote;

use super::households::HOUSEHOLD;
use crate::access::Actor;
use crate::access::Scope;
use crate::access::log::{Action, Record, append};
use crate::codes::NullableId;
use crate::schema::{case_notes, persons, users};
use crate::{DbConn, Result, StoreError, write};
use etablera_domain::text::Text;

#[derive(Debug, Clone, Queryable)]
pub struct Note {
    #[diesel(deserialize_as = i32)]
    pub id: NoteId,
    #[diesel(deserialize_as = NullableId)]
    pub person_id: Option<PersonId>,
    pub written_at: NaiveDateTime,
    pub author: Option<String>,
    pub text: String,
    #[diesel(deserialize_as = NullableId)]
    pub corrects_note_id: Option<NoteId>,
}

/// Writes a note on the household, or on one of its persons; `corrects` names a note it corrects.
pub fn add(conn: &mut DbConn, actor: &Actor, scope: &Scope, household_id: i32, note: &NewNote) -> Result<NoteId> {
    let NewNote { text, person_id, corrects } = note;
    let (person_id, corrects) = (person_id.map(PersonId::get), corrects.map(NoteId::get));
    write(conn, |conn| {
        let code = scope.household(conn, household_id)?;
        if let Some(person_id) = person_id {
            let belongs: i64 = persons::table
                .filter(persons::id.eq(person_id))
                .filter(persons::household_id.eq(household_id))
                .count()
                .get_result(conn)?;
            if belongs == 0 {
                return Err(StoreError::invalid("person_id", Text::new("note-person-not-in-household")));
            }
        }
        if let Some(corrected) = corrects {
            let same: i64 = case_notes::table
                .filter(case_notes::id.eq(corrected))
                .filter(case_notes::household_id.eq(household_id))
                .count()
                .get_result(conn)?;
            if same == 0 {
                return Err(StoreError::invalid("corrects", Text::new("note-corrected-missing")));
            }
        }
        let id: i32 = diesel::insert_into(case_notes::table)
            .values((
                case_notes::household_id.eq(household_id),
                case_notes::person_id.eq(person_id),
                case_notes::written_at.eq(actor.at),
                case_notes::author_id.eq(actor.user_id),
                case_notes::text.eq(text),
                case_notes::corrects_note_id.eq(corrects),
            ))
            .returning(case_notes::id)
            .get_result(conn)?;
        append(conn, actor, Action::Create, &Record::new(HOUSEHOLD, household_id).in_municipality(&code))?;
        Ok(NoteId::new(id))
    })
}

/// A household's journal, oldest first, with each author's name.
pub(crate) fn of_household(conn: &mut DbConn, household_id: i32) -> Result<Vec<Note>> {
    Ok(case_notes::table
        .left_join(users::table.on(users::id.nullable().eq(case_notes::author_id)))
        .filter(case_notes::household_id.eq(household_id))
        .order((case_notes::written_at, case_notes::id))
        .select((
            case_notes::id,
            case_notes::person_id,
            case_notes::written_at,
            users::display_name.nullable(),
            case_notes::text,
            case_notes::corrects_note_id,
        ))
        .load(conn)?)
}
