//! The case worker's list, registering a placement, and the household's file with its forms:
//! persons, arrival, the first contact, temporary housing, support tasks and the journal.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use etablera_domain::access::{Permission, Role};
use etablera_domain::documents::{Owner, OwnerKind};
use etablera_domain::ids::{HouseholdId, HousingId, NoteId, PersonId, TaskId};
use etablera_domain::input::Invalid;
use etablera_domain::money::Money;
use etablera_domain::reception::first_contact::FirstContactForm;
use etablera_domain::reception::housing::{ChecklistItem, DamageForm, HousingForm, MoveOutForm};
use etablera_domain::reception::notes::NoteForm;
use etablera_domain::reception::person::{Category, PersonForm};
use etablera_domain::reception::placement::{ArrivalForm, PlacementDatesForm, PlacementForm};
use etablera_domain::reception::tasks::TaskForm;
use etablera_domain::text::Text;
use etablera_store::access::users;
use etablera_store::reception::case_file::{self, HouseholdFile};
use etablera_store::reception::households::{self, NewHousehold, Show};
use etablera_store::reception::{housing, notes, tasks};

use super::api::HouseholdsQuery;
use super::first_contact_text;
use crate::access::scope;
use crate::api::{Params, Path};
use crate::app::AppState;
use crate::context::{RequestContext, Signed};
use crate::documents::{self as attached, DocumentsView};
use crate::error::{AppError, AppResult};
use crate::forms::{Fields, Filled, SavedQuery, Submitted, save};
use crate::i18n::Tr;
use crate::listing::{ListParams, Listing};
use crate::pages::{PageContext, local_time, render_with};
use crate::security::CsrfMultipart;

pub struct Row {
    pub id: i32,
    pub label: String,
    pub names: String,
    pub placement: String,
    pub reception: String,
    pub first_contact: String,
    pub attention: bool,
    pub active: usize,
    pub persons: usize,
    pub responsible: String,
}

#[derive(Template)]
#[template(path = "reception/households.html")]
struct ListPage {
    ctx: PageContext,
    rows: Vec<Row>,
    /// Which households: `active`, `uncontacted` or `all`.
    show: &'static str,
    /// The choices of which households to show, code and name.
    shows: Vec<(&'static str, String)>,
    /// Whose: `""` (anyone), `mine` or `none`, and the choices.
    responsible: &'static str,
    responsibles: Vec<(&'static str, String)>,
    caption: String,
    search: String,
    headings: Vec<crate::listing::Heading>,
    pager: crate::listing::Pager,
}

etablera_domain::coded! {
    /// Whose households the list shows, as the address says it (anyone when not said).
    pub enum ResponsibleFilter {
        Mine = "mine",
        Nobody = "none",
    }
}

/// The store's query for the list, the page's or the API's: active, uncontacted or all (a
/// value that names none of them is refused), whose (the user's own, nobody's, or anyone's),
/// the search, the order (newest placement first unless asked), the page.
pub fn store_query(q: HouseholdsQuery, user_id: i32) -> AppResult<households::ListQuery> {
    let show = crate::listing::filter::<Show>("show", q.show.as_deref())?.unwrap_or(Show::Active);
    let responsible = match crate::listing::filter::<ResponsibleFilter>("responsible", q.responsible.as_deref())? {
        None => households::Responsible::Anyone,
        Some(ResponsibleFilter::Mine) => households::Responsible::User(user_id),
        Some(ResponsibleFilter::Nobody) => households::Responsible::Nobody,
    };
    let list = ListParams { q: q.q, sort: q.sort, dir: q.dir, page: q.page, per_page: q.per_page };
    let sort = list.sort.as_deref().and_then(households::Sort::from_code).unwrap_or_default();
    Ok(households::ListQuery {
        show,
        responsible,
        search: list.search(),
        descending: list.descending(sort == households::Sort::Placement),
        paging: list.paging()?,
        sort,
    })
}

pub async fn list(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Params(q): Params<HouseholdsQuery>,
) -> AppResult<Response> {
    let t = ctx.tr();
    let query = store_query(q, user.id)?;
    let (actor, scope, days) = (ctx.actor(), scope(&user), state.config.first_contact_days);
    let asked = query.clone();
    let (page, names) = state
        .store
        .run(move |conn| {
            let page = households::list(conn, &actor, &scope, &asked, days)?;
            let ids: Vec<i32> = page.rows.iter().filter_map(|s| s.household.responsible_id).collect();
            let names = users::display_names(conn, &ids)?;
            Ok((page, names))
        })
        .await?;
    let search = query.search.clone().unwrap_or_default();
    let responsible = match query.responsible {
        households::Responsible::Anyone => "",
        households::Responsible::User(_) => ResponsibleFilter::Mine.code(),
        households::Responsible::Nobody => ResponsibleFilter::Nobody.code(),
    };
    // The default is left out of the links, so that the list's plain address stays `/reception`.
    let show = query.show.code();
    let listing = Listing::new("/reception", query.sort.code(), query.descending, query.paging)
        .keep("show", (query.show != Show::Active).then_some(show))
        .keep("responsible", Some(responsible))
        .keep("q", Some(&search));
    let headings = vec![
        listing.heading("reference", t.get("col-household"), false),
        listing.heading("placement", t.get("col-placement"), true),
    ];
    let pager = listing.pager(&t, &page);
    let rows = page
        .rows
        .into_iter()
        .map(|s| {
            let (first_contact, attention) = first_contact_text(&t, s.first_contact);
            Row {
                id: s.household.id,
                label: s.household.label(),
                names: s.persons.iter().map(|p| p.name()).collect::<Vec<_>>().join(", "),
                placement: s.household.placement_date.to_string(),
                reception: households::reception_date(&s.persons).map(|d| d.to_string()).unwrap_or_default(),
                first_contact,
                attention,
                active: s.active,
                persons: s.persons.len(),
                responsible: s.household.responsible_id.and_then(|id| names.get(&id).cloned()).unwrap_or_default(),
            }
        })
        .collect();
    let responsibles =
        [("", "anyone"), (ResponsibleFilter::Mine.code(), "mine"), (ResponsibleFilter::Nobody.code(), "none")]
            .into_iter()
            .map(|(code, key)| (code, t.get(&format!("reception-responsible-{key}"))))
            .collect();
    let shows = [Show::Active, Show::Uncontacted, Show::All]
        .into_iter()
        .map(|s| (s.code(), t.get(&format!("reception-show-{}", s.code()))))
        .collect();
    let page = ListPage {
        rows,
        show,
        shows,
        responsible,
        responsibles,
        caption: t.get(&format!("reception-caption-{show}")),
        search,
        headings,
        pager,
        ctx: PageContext::new(&ctx, t.get("reception-title"), "/reception"),
    };
    Ok(render_with(StatusCode::OK, &page))
}

/// The category choices for a select.
pub fn categories(t: &Tr) -> Vec<(&'static str, String)> {
    Category::ALL.iter().map(|c| (c.code(), t.get(&format!("category-{}", c.code())))).collect()
}

#[derive(Template)]
#[template(path = "reception/placement.html")]
struct PlacementPage {
    ctx: PageContext,
    f: Filled,
    categories: Vec<(&'static str, String)>,
    /// The user's municipalities, code and name; a choice only when there are several.
    municipalities: Vec<(String, String)>,
    /// The user belongs to no unit and names the household's.
    ask_unit: bool,
    today: String,
    duplicates: Vec<households::PossibleDuplicate>,
    blank_person: super::PersonValues,
}

fn placement_page(ctx: &RequestContext, f: Filled, duplicates: Vec<households::PossibleDuplicate>) -> Response {
    let t = ctx.tr();
    let status = f.status();
    let municipalities = ctx
        .principal
        .as_ref()
        .map(|p| p.user.municipalities.iter().map(|m| (m.as_str().to_owned(), m.name().to_owned())).collect())
        .unwrap_or_default();
    let ask_unit = ctx.principal.as_ref().is_some_and(|p| p.user.unit.is_none());
    let page = PlacementPage {
        blank_person: super::PersonValues::blank(),
        duplicates,
        ask_unit,
        municipalities,
        categories: categories(&t),
        today: ctx.today().to_string(),
        f,
        ctx: PageContext::new(ctx, t.get("placement-title"), "/reception"),
    };
    render_with(status, &page)
}

pub async fn new_form(Signed { ctx, .. }: Signed) -> Response {
    placement_page(&ctx, Filled::default(), Vec::new())
}

/// The form again with a warning: someone of the same name and birth date is registered. The
/// user opens them, or ticks that this is another person and sends the form again.
fn duplicate_warning(form: &str, fields: Fields) -> Filled {
    Filled::failed(
        form.to_owned(),
        fields,
        vec![Invalid::new("not_a_duplicate", Text::new("person-possible-duplicate"))],
    )
}

pub async fn create(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Submitted { input, fields }: Submitted<PlacementForm>,
) -> AppResult<Response> {
    let (actor, scope) = (ctx.actor(), scope(&user));
    let confirmed = input.person.confirmed_not_duplicate();
    let outcome = match input.check(ctx.today()) {
        Ok(placement) => {
            // The store refuses a municipality outside the user's scope.
            let code = match placement.municipality_code {
                Some(code) => code,
                None => user.municipalities.first().map(|m| m.as_str().to_owned()).ok_or(AppError::Forbidden)?,
            };
            if !confirmed {
                let (actor, scope, code, person) =
                    (actor.clone(), scope.clone(), code.clone(), placement.person.clone());
                let found = state
                    .store
                    .run(move |conn| households::possible_duplicates(conn, &actor, &scope, &code, &person))
                    .await?;
                if !found.is_empty() {
                    return Ok(placement_page(&ctx, duplicate_warning("placement", fields), found));
                }
            }
            let new = NewHousehold {
                municipality_code: code,
                unit: placement.unit,
                reference: None,
                placement_date: placement.placement_date,
                expected_reception_date: placement.expected_reception_date,
                // The case worker who registers the placement is responsible for it.
                responsible_id: user.roles.contains(&Role::CaseWorker).then_some(user.id),
            };
            let person = placement.person;
            Ok(state.store.run(move |conn| households::register(conn, &actor, &scope, &new, &[person])).await)
        }
        Err(errors) => Err(errors),
    };
    let saved = outcome.as_ref().ok().and_then(|r| r.as_ref().ok()).copied();
    match Filled::after("placement", fields, outcome.map(|r| r.map(|_| ())))? {
        None => Ok(Redirect::to(&format!("/reception/households/{}?saved=placement", saved.unwrap_or_default()))
            .into_response()),
        Some(f) => Ok(placement_page(&ctx, f, Vec::new())),
    }
}

pub struct PersonRow {
    pub id: i32,
    pub name: String,
    pub birth_date: String,
    pub category: String,
    pub reception: String,
    pub status: String,
    pub protected: bool,
}

pub struct HomeView {
    pub id: HousingId,
    /// The names of this home's forms (see [`Filled::form`]).
    pub edit_form: String,
    pub damage_form: String,
    pub move_form: String,
    pub version: i32,
    pub address: String,
    pub landlord: String,
    pub period: String,
    pub start: String,
    pub end: String,
    pub rent: String,
    pub checklist: Vec<(&'static str, String, bool)>,
    pub equipped: bool,
    pub damages: Vec<(String, String, String, bool)>,
    pub notice_date: String,
    pub keys_returned_on: String,
    pub inspection_on: String,
    pub inspection_result: String,
    pub ends_soon: bool,
    pub documents: DocumentsView,
}

pub struct TaskView {
    pub id: TaskId,
    pub title: String,
    pub due: String,
    pub responsible: String,
    pub done: Option<String>,
    pub late: bool,
}

pub struct NoteView {
    pub id: NoteId,
    pub at: String,
    pub author: String,
    pub about: String,
    pub text: String,
    pub corrects: Option<NoteId>,
}

#[derive(Template)]
#[template(path = "reception/household.html")]
struct HouseholdPage {
    ctx: PageContext,
    f: Filled,
    notice: Option<String>,
    id: i32,
    version: i32,
    unit: String,
    placement: String,
    expected: String,
    /// The responsible case worker's name, if someone is.
    responsible: Option<String>,
    /// Who may be made responsible (id, name, chosen now), for the unit manager's form; empty
    /// for others.
    responsible_choices: Vec<(i32, String, bool)>,
    persons: Vec<PersonRow>,
    awaiting_arrival: bool,
    first_contact: String,
    first_contact_attention: bool,
    first_contact_made: Option<String>,
    homes: Vec<HomeView>,
    address_hidden: bool,
    tasks: Vec<TaskView>,
    notes: Vec<NoteView>,
    categories: Vec<(&'static str, String)>,
    checklist_items: Vec<(&'static str, String)>,
    today: String,
    now_time: String,
    /// Persons like the one being added, when the form warns of them.
    duplicates: Vec<households::PossibleDuplicate>,
    blank_person: super::PersonValues,
    history: Vec<(String, String, Vec<(String, String, String)>)>,
    documents: DocumentsView,
}

async fn household_page(
    state: &AppState,
    ctx: &RequestContext,
    user: &etablera_store::access::users::User,
    id: i32,
    f: Filled,
    notice: Option<String>,
) -> AppResult<Response> {
    household_page_warning(state, ctx, user, id, f, notice, Vec::new()).await
}

async fn household_page_warning(
    state: &AppState,
    ctx: &RequestContext,
    user: &etablera_store::access::users::User,
    id: i32,
    f: Filled,
    notice: Option<String>,
    duplicates: Vec<households::PossibleDuplicate>,
) -> AppResult<Response> {
    let t = ctx.tr();
    let (actor, scope) = (ctx.actor(), scope(user));
    let file: HouseholdFile = state.store.run(move |conn| case_file::household(conn, &actor, &scope, id)).await?;
    let responsible_choices = if user.can(Permission::ManageUnit) {
        let (code, unit) = (file.household.municipality_code.clone(), file.household.unit.clone());
        state.store.run(move |conn| users::responsible_choices(conn, &code, &unit)).await?
    } else {
        Vec::new()
    };
    let today = ctx.today();
    let persons: Vec<_> = file.persons.iter().map(|p| p.person.clone()).collect();
    let status = file.household.first_contact_status(&persons, today, state.config.first_contact_days);
    let (first_contact, first_contact_attention) = first_contact_text(&t, status);
    let name_of = |person_id: Option<i32>| {
        person_id
            .and_then(|id| file.persons.iter().find(|p| p.person.id == id))
            .map(|p| p.person.name())
            .unwrap_or_else(|| t.get("note-about-household"))
    };
    let notice = notice.or_else(|| {
        file.household.culled_on.map(|day| t.say(&crate::i18n::Text::new("household-culled").with("day", day)))
    });
    let page = HouseholdPage {
        documents: DocumentsView::new(
            &t,
            user,
            Owner::new(OwnerKind::Household, id),
            format!("/reception/households/{id}/documents"),
            &file.documents,
        ),
        history: super::history_in_words(&t, &file.history),
        blank_person: super::PersonValues::blank(),
        duplicates,
        id,
        version: file.household.version,
        unit: file.household.unit.clone(),
        placement: file.household.placement_date.to_string(),
        expected: file.household.expected_reception_date.map(|d| d.to_string()).unwrap_or_default(),
        responsible: file.responsible.clone(),
        responsible_choices: responsible_choices
            .into_iter()
            .map(|(user_id, name)| (user_id, name, Some(user_id) == file.household.responsible_id))
            .collect(),
        persons: file
            .persons
            .iter()
            .map(|p| PersonRow {
                id: p.person.id,
                name: p.person.name(),
                birth_date: p.person.birth().to_string(),
                category: t.get(&format!("category-{}", p.person.category.code())),
                reception: p.person.reception_date.map(|d| d.to_string()).unwrap_or_else(|| t.get("not-received")),
                status: match p.current_exit() {
                    Some(exit) => t.text(
                        "person-exited",
                        &[
                            ("date", exit.exit_date.to_string()),
                            ("reason", t.get(&format!("exit-{}", exit.reason.code()))),
                        ],
                    ),
                    None => t.get("person-in-target-group"),
                },
                protected: p.person.protected_identity,
            })
            .collect(),
        awaiting_arrival: file.persons.iter().any(|p| p.person.reception_date.is_none()),
        first_contact,
        first_contact_attention,
        first_contact_made: file.household.first_contact_at.map(|at| {
            format!("{} ({})", local_time(at), file.household.first_contact_channel.clone().unwrap_or_default())
        }),
        homes: file
            .homes
            .iter()
            .map(|(home, damages)| {
                let checklist = home.checklist();
                HomeView {
                    id: home.id,
                    edit_form: format!("housing-edit-{}", home.id),
                    damage_form: format!("damage-{}", home.id),
                    move_form: format!("move-out-{}", home.id),
                    version: home.version,
                    address: home.address.clone(),
                    landlord: home.landlord.clone().unwrap_or_default(),
                    period: format!("{} – {}", home.contract_start, home.contract_end),
                    start: home.contract_start.to_string(),
                    end: home.contract_end.to_string(),
                    rent: home.rent().map(|r| r.to_string()).unwrap_or_default(),
                    checklist: ChecklistItem::ALL
                        .iter()
                        .map(|item| {
                            (item.code(), t.get(&format!("checklist-{}", item.code())), checklist.contains(item))
                        })
                        .collect(),
                    equipped: etablera_domain::reception::housing::equipped(&checklist),
                    damages: damages
                        .iter()
                        .map(|d| {
                            (
                                d.damage_date.to_string(),
                                d.description.clone(),
                                Money::from_ore(d.cost_ore).to_string(),
                                d.tenant_pays,
                            )
                        })
                        .collect(),
                    notice_date: home.notice_date.map(|d| d.to_string()).unwrap_or_default(),
                    keys_returned_on: home.keys_returned_on.map(|d| d.to_string()).unwrap_or_default(),
                    inspection_on: home.inspection_on.map(|d| d.to_string()).unwrap_or_default(),
                    inspection_result: home.inspection_result.clone().unwrap_or_default(),
                    ends_soon: home.keys_returned_on.is_none()
                        && (0..=etablera_domain::reception::housing::ENDING_SOON_DAYS)
                            .contains(&(home.contract_end - today).num_days()),
                    documents: DocumentsView::new(
                        &t,
                        user,
                        Owner::new(OwnerKind::Housing, home.id.get()),
                        format!("/reception/households/{id}/housing/{}/documents", home.id),
                        &file.documents,
                    ),
                }
            })
            .collect(),
        address_hidden: file.address_hidden,
        tasks: file
            .tasks
            .iter()
            .map(|task| {
                // A standard task's title in the reader's language; the case worker's own as written.
                let title = task
                    .template_code
                    .and_then(etablera_domain::reception::tasks::title_of)
                    .map_or_else(|| task.title.clone(), |title| t.say(&title));
                (task, title)
            })
            .map(|(task, title)| TaskView {
                id: task.id,
                title: match task.person_id {
                    Some(pid) => format!("{title} – {}", name_of(Some(pid))),
                    None => title,
                },
                due: task.due_date.to_string(),
                responsible: task.responsible.clone(),
                done: task.done_on.map(|d| d.to_string()),
                late: task.done_on.is_none() && task.due_date < today,
            })
            .collect(),
        notes: file
            .notes
            .iter()
            .map(|n| NoteView {
                id: n.id,
                at: local_time(n.written_at),
                author: n.author.clone().unwrap_or_else(|| t.get("note-author-system")),
                about: name_of(n.person_id.map(PersonId::get)),
                text: n.text.clone(),
                corrects: n.corrects_note_id,
            })
            .collect(),
        categories: categories(&t),
        checklist_items: ChecklistItem::ALL
            .iter()
            .map(|i| (i.code(), t.get(&format!("checklist-{}", i.code()))))
            .collect(),
        today: today.to_string(),
        now_time: etablera_domain::time::to_local(ctx.at).format("%H:%M").to_string(),
        f,
        notice,
        ctx: PageContext::new(ctx, t.with("household-title", "label", file.household.label()), "/reception"),
    };
    let status = page.f.status();
    Ok(render_with(status, &page))
}

pub async fn show(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
    Params(q): Params<SavedQuery>,
) -> AppResult<Response> {
    let notice = q.saved.map(|what| {
        ctx.tr().get(&format!("saved-{}", if SAVED.contains(&what.as_str()) { what.as_str() } else { "other" }))
    });
    household_page(&state, &ctx, &user, id, Filled::default(), notice).await
}

/// The `saved=` values that have a message of their own.
const SAVED: [&str; 13] = [
    "document",
    "document-removed",
    "placement",
    "person",
    "arrival",
    "first-contact",
    "housing",
    "damage",
    "move-out",
    "task",
    "note",
    "responsible",
    "placement-edit",
];

/// What a household form's handler does: saves, or says what to fix.
pub(crate) async fn finish(
    state: &AppState,
    ctx: &RequestContext,
    user: &etablera_store::access::users::User,
    id: i32,
    form: impl Into<String>,
    fields: Fields,
    outcome: Result<etablera_store::Result<()>, Vec<Invalid>>,
) -> AppResult<Response> {
    let form = form.into();
    // A form on one of several homes is named with the home's id; the message is the kind's.
    let kind = form.trim_end_matches(|c: char| c.is_ascii_digit()).trim_end_matches('-');
    let redirect = format!("/reception/households/{id}?saved={kind}");
    match Filled::after(form, fields, outcome)? {
        None => Ok(Redirect::to(&redirect).into_response()),
        Some(filled) => household_page(state, ctx, user, id, filled, None).await,
    }
}

/// The unit manager's choice of the responsible case worker (ansvarig handläggare).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct AssignForm {
    /// A user's id, or empty for nobody.
    responsible: String,
}

pub async fn assign(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
    Submitted { input, fields }: Submitted<AssignForm>,
) -> AppResult<Response> {
    let version = fields.version()?;
    // Only a choice of the form's list can be sent; anything else is a tampered request.
    let responsible = match input.responsible.trim() {
        "" => None,
        chosen => Some(chosen.parse::<i32>().map_err(|_| AppError::BadRequest)?),
    };
    let (actor, scope) = (ctx.actor(), scope(&user));
    let outcome =
        Ok(state.store.run(move |conn| households::assign(conn, &actor, &scope, id, version, responsible)).await);
    finish(&state, &ctx, &user, id, "responsible", fields, outcome).await
}

/// Corrects the placement's dates, on the version the page was opened at.
pub async fn edit_placement(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
    Submitted { input, fields }: Submitted<PlacementDatesForm>,
) -> AppResult<Response> {
    let version = fields.version()?;
    let (actor, scope) = (ctx.actor(), scope(&user));
    let outcome = save(&state, input.check(ctx.today()), move |conn, dates| {
        households::edit_placement(conn, &actor, &scope, id, version, &dates)
    })
    .await;
    finish(&state, &ctx, &user, id, "placement-edit", fields, outcome).await
}

pub async fn add_person(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
    Submitted { input, fields }: Submitted<PersonForm>,
) -> AppResult<Response> {
    let (actor, scope) = (ctx.actor(), scope(&user));
    let checked = input.check(None, ctx.today());
    if let (Ok(person), false) = (&checked, input.confirmed_not_duplicate()) {
        let (actor, scope, person) = (actor.clone(), scope.clone(), person.clone());
        let found =
            state.store.run(move |conn| households::possible_duplicates_in(conn, &actor, &scope, id, &person)).await?;
        if !found.is_empty() {
            let f = duplicate_warning("person", fields);
            return household_page_warning(&state, &ctx, &user, id, f, None, found).await;
        }
    }
    // The reception is checked against the household's placement by the store.
    let outcome =
        save(&state, checked, move |conn, person| households::add_person(conn, &actor, &scope, id, &person)).await;
    finish(&state, &ctx, &user, id, "person", fields, outcome).await
}

pub async fn arrival(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
    Submitted { input, fields }: Submitted<ArrivalForm>,
) -> AppResult<Response> {
    let (actor, scope) = (ctx.actor(), scope(&user));
    let outcome =
        save(&state, input.check(), move |conn, date| households::record_arrival(conn, &actor, &scope, id, date)).await;
    finish(&state, &ctx, &user, id, "arrival", fields, outcome).await
}

pub async fn first_contact(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
    Submitted { input, fields }: Submitted<FirstContactForm>,
) -> AppResult<Response> {
    let (actor, scope, version) = (ctx.actor(), scope(&user), fields.version()?);
    let outcome = save(&state, input.check(), move |conn, contact| {
        households::record_first_contact(conn, &actor, &scope, id, &contact, version)
    })
    .await;
    finish(&state, &ctx, &user, id, "first-contact", fields, outcome).await
}

pub async fn add_housing(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
    Submitted { input, fields }: Submitted<HousingForm>,
) -> AppResult<Response> {
    let (actor, scope) = (ctx.actor(), scope(&user));
    let outcome =
        save(&state, input.check(), move |conn, details| housing::add(conn, &actor, &scope, id, details)).await;
    finish(&state, &ctx, &user, id, "housing", fields, outcome).await
}

pub async fn update_housing(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path((id, housing_id)): Path<(HouseholdId, HousingId)>,
    Submitted { input, fields }: Submitted<HousingForm>,
) -> AppResult<Response> {
    let (actor, scope, version) = (ctx.actor(), scope(&user), fields.version()?);
    let outcome = save(&state, input.check(), move |conn, details| {
        housing::update(conn, &actor, &scope, housing_id, details, version)
    })
    .await;
    finish(&state, &ctx, &user, id.get(), format!("housing-edit-{housing_id}"), fields, outcome).await
}

pub async fn add_damage(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path((id, housing_id)): Path<(HouseholdId, HousingId)>,
    Submitted { input, fields }: Submitted<DamageForm>,
) -> AppResult<Response> {
    let (actor, scope) = (ctx.actor(), scope(&user));
    let outcome =
        save(&state, input.check(), move |conn, damage| housing::add_damage(conn, &actor, &scope, housing_id, damage))
            .await;
    finish(&state, &ctx, &user, id.get(), format!("damage-{housing_id}"), fields, outcome).await
}

pub async fn move_out(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path((id, housing_id)): Path<(HouseholdId, HousingId)>,
    Submitted { input, fields }: Submitted<MoveOutForm>,
) -> AppResult<Response> {
    let (actor, scope, version) = (ctx.actor(), scope(&user), fields.version()?);
    let outcome = save(&state, input.check(), move |conn, m| {
        housing::record_move_out(conn, &actor, &scope, housing_id, m, version)
    })
    .await;
    finish(&state, &ctx, &user, id.get(), format!("move-out-{housing_id}"), fields, outcome).await
}

pub async fn add_task(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
    Submitted { input, fields }: Submitted<TaskForm>,
) -> AppResult<Response> {
    let (actor, scope) = (ctx.actor(), scope(&user));
    let outcome = save(&state, input.check(), move |conn, task| tasks::add(conn, &actor, &scope, id, &task)).await;
    finish(&state, &ctx, &user, id, "task", fields, outcome).await
}

pub async fn complete_task(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path((id, task_id)): Path<(HouseholdId, TaskId)>,
    Submitted { fields, .. }: Submitted<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    let (actor, scope) = (ctx.actor(), scope(&user));
    let outcome = Ok(state.store.run(move |conn| tasks::complete(conn, &actor, &scope, task_id).map(|_| ())).await);
    finish(&state, &ctx, &user, id.get(), "task", fields, outcome).await
}

pub async fn add_note(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
    Submitted { input, fields }: Submitted<NoteForm>,
) -> AppResult<Response> {
    let (actor, scope) = (ctx.actor(), scope(&user));
    let outcome = save(&state, input.check(), move |conn, note| notes::add(conn, &actor, &scope, id, &note)).await;
    finish(&state, &ctx, &user, id, "note", fields, outcome).await
}

/// Attaches a document to the household.
pub async fn attach_document(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
    form: CsrfMultipart,
) -> AppResult<Response> {
    let owner = Owner::new(OwnerKind::Household, id);
    match attached::attach(&state, &ctx, &user, owner, form).await? {
        Ok(household_id) => Ok(attached::after_attach(owner, household_id)),
        Err(f) => household_page(&state, &ctx, &user, id, f, None).await,
    }
}

/// Attaches a document to one of the household's homes.
pub async fn attach_housing_document(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path((id, housing_id)): Path<(i32, i32)>,
    form: CsrfMultipart,
) -> AppResult<Response> {
    let owner = Owner::new(OwnerKind::Housing, housing_id);
    match attached::attach(&state, &ctx, &user, owner, form).await? {
        Ok(household_id) => Ok(attached::after_attach(owner, household_id)),
        Err(f) => household_page(&state, &ctx, &user, id, f, None).await,
    }
}
