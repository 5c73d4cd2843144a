//! The reception casework on the web: the case worker's list, placements, the household's and
//! the person's files with their forms, the activity catalogue, and the API.

pub mod api;
pub mod catalogue;
pub mod contracts;
pub mod households;
pub mod persons;

use crate::i18n::Tr;
use etablera_domain::reception::first_contact::Status;

/// The first contact's status in words, and whether it needs attention now.
pub fn first_contact_text(t: &Tr, status: Option<Status>) -> (String, bool) {
    match status {
        None | Some(Status::NotArrived) => (t.get("first-contact-not-arrived"), false),
        Some(Status::Waiting { due }) => (t.with("first-contact-waiting", "due", due), false),
        Some(Status::DueToday) => (t.get("first-contact-due-today"), true),
        Some(Status::Overdue { due, days_late }) => {
            (t.text("first-contact-overdue", &[("due", due.to_string()), ("days", days_late.to_string())]), true)
        }
        Some(Status::Made { on_time: true }) => (t.get("first-contact-made"), false),
        Some(Status::Made { on_time: false }) => (t.get("first-contact-made-late"), false),
    }
}

/// A household picked by what a user typed where a household is asked for (a cost's, a
/// deviation's): its reference, or what the case list's search finds (a name, a personnummer,
/// a dossier number).
pub enum Picked {
    One(i32),
    NoneFound,
    /// Several match: how many, and the first few as (id, label, the persons' names).
    Several {
        total: u64,
        matches: Vec<(i32, String, String)>,
    },
}

/// How many households a pick that finds several offers to choose from.
pub const CHOICES: u32 = 10;

/// Finds the household `typed` names among the user's: a reference first, then the search.
pub async fn pick_household(
    state: &crate::app::AppState,
    ctx: &crate::context::RequestContext,
    user: &etablera_store::access::users::User,
    typed: &str,
) -> crate::error::AppResult<Picked> {
    use etablera_store::reception::households;
    let (actor, scope, typed, days) =
        (ctx.actor(), crate::access::scope(user), typed.trim().to_owned(), state.config.first_contact_days);
    let found = state
        .store
        .run(move |conn| {
            if let Some(id) = households::find(conn, &scope, &typed)? {
                return Ok(Err(id));
            }
            let query = households::ListQuery {
                show: households::Show::All,
                search: Some(typed),
                paging: etablera_store::paging::Paging::new(None, Some(CHOICES)),
                ..Default::default()
            };
            Ok(Ok(households::list(conn, &actor, &scope, &query, days)?))
        })
        .await?;
    Ok(match found {
        Err(id) => Picked::One(id),
        Ok(page) if page.total == 1 && page.rows.len() == 1 => Picked::One(page.rows[0].household.id),
        Ok(page) if page.rows.is_empty() => Picked::NoneFound,
        Ok(page) => Picked::Several {
            total: page.total,
            matches: page
                .rows
                .iter()
                .map(|s| {
                    let names = s.persons.iter().map(|p| p.name()).collect::<Vec<_>>().join(", ");
                    (s.household.id, s.household.label(), names)
                })
                .collect(),
        },
    })
}

/// A person's form's values before anything is typed: empty for a new person, the person's
/// details to correct them.
pub struct PersonValues {
    pub given_name: String,
    pub family_name: String,
    pub birth_date: String,
    pub personal_number: String,
    pub dossier_number: String,
    pub category: String,
    pub languages: String,
    pub interpreter_needed: bool,
    pub protected_identity: bool,
    pub reception_date: String,
}

impl PersonValues {
    /// A new person's: a quota refugee unless chosen.
    pub fn blank() -> PersonValues {
        PersonValues {
            given_name: String::new(),
            family_name: String::new(),
            birth_date: String::new(),
            personal_number: String::new(),
            dossier_number: String::new(),
            category: etablera_domain::reception::person::Category::Resettled.code().to_owned(),
            languages: String::new(),
            interpreter_needed: false,
            protected_identity: false,
            reception_date: String::new(),
        }
    }

    pub fn of(p: &etablera_store::reception::households::Person) -> PersonValues {
        PersonValues {
            given_name: p.given_name.clone(),
            family_name: p.family_name.clone(),
            birth_date: p.birth().to_string(),
            personal_number: p.personal_number.as_deref().map(etablera_domain::identity::shown).unwrap_or_default(),
            dossier_number: p.dossier_number.clone().unwrap_or_default(),
            category: p.category.code().to_owned(),
            languages: p.languages().join(", "),
            interpreter_needed: p.interpreter_needed,
            protected_identity: p.protected_identity,
            reception_date: p.reception_date.map(|d| d.to_string()).unwrap_or_default(),
        }
    }
}

/// A field's change as the history shows it: the field's name, and the values in words (a
/// category or a yes/no by its name; nothing as a dash).
fn change_in_words(t: &Tr, change: &etablera_domain::history::FieldChange) -> (String, String, String) {
    let label = match change.field.as_str() {
        "given_name" => "person-given-name",
        "family_name" => "person-family-name",
        "birth_date" => "person-birth-date",
        "personal_number" => "person-personal-number",
        "dossier_number" => "person-dossier-number",
        "category" => "person-category",
        "languages" => "person-languages",
        "interpreter_needed" => "person-interpreter",
        "protected_identity" => "person-protected",
        "reception_date" => "person-reception-date",
        "placement_date" => "household-placement-date",
        "expected_reception_date" => "household-expected-reception",
        _ => "person-field-other",
    };
    let value = |v: &str| match (change.field.as_str(), v) {
        (_, "") => "–".to_owned(),
        ("category", code) => t.get(&format!("category-{code}")),
        ("interpreter_needed" | "protected_identity", "yes") => t.get("yes"),
        ("interpreter_needed" | "protected_identity", _) => t.get("no"),
        (_, v) => v.to_owned(),
    };
    (t.get(label), value(&change.before), value(&change.after))
}

/// A record's history as its page shows it: each edit's time and author, and its changes in words.
pub fn history_in_words(
    t: &Tr,
    history: &[etablera_store::access::history::Change],
) -> Vec<(String, String, Vec<(String, String, String)>)> {
    history
        .iter()
        .map(|h| {
            let changes = h.changes.iter().map(|c| change_in_words(t, c)).collect();
            (crate::pages::local_time(h.at), h.by.clone().unwrap_or_default(), changes)
        })
        .collect()
}
