//! Households placed in the municipality and their persons: placement, arrival, the first
//! contact, and leaving and returning to the target group.

use crate::access::log::RecordKind;
use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use etablera_domain::identity::{BirthDate, BirthDateKnown};
use etablera_domain::reception::first_contact::{self, DayCount};
use etablera_domain::reception::person::{
    Category, ExitReason, NewExit, PersonDetails, check_received_after_placement,
};
use etablera_domain::reception::search::{self, SearchTerm};
use etablera_domain::reception::target_group;
use etablera_domain::text::Text;

use crate::access::Actor;
use crate::access::Scope;
use crate::access::in_scope;
use crate::access::log::{Action, Record, append};
use crate::paging::{Page, Paging, contains_in_order, contains_pattern, lower};
use crate::reporting::kept;
use crate::schema::{households, person_exits, persons};
use crate::{DbConn, Result, StoreError, write};

pub(crate) const HOUSEHOLD: RecordKind = RecordKind::Household;
pub(crate) const PERSON: RecordKind = RecordKind::Person;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = households)]
pub struct Household {
    pub id: i32,
    pub municipality_code: String,
    pub unit: String,
    pub reference: Option<String>,
    pub placement_date: NaiveDate,
    pub expected_reception_date: Option<NaiveDate>,
    /// UTC.
    pub first_contact_at: Option<NaiveDateTime>,
    pub first_contact_channel: Option<String>,
    pub version: i32,
    /// The responsible case worker (ansvarig handläggare), a user.
    pub responsible_id: Option<i32>,
    /// The day its record was culled: its persons' personal data are gone.
    pub culled_on: Option<NaiveDate>,
}

impl Household {
    /// The reference shown to people: the imported one, or the number.
    pub fn label(&self) -> String {
        label(self.id, self.reference.as_deref())
    }
}

impl Household {
    /// Where the first contact stands on `today`; `None` until someone in it is received. The
    /// contact's day is its day in Stockholm.
    pub fn first_contact_status(
        &self,
        persons: &[Person],
        today: NaiveDate,
        days: DayCount,
    ) -> Option<first_contact::Status> {
        let contacted = self.first_contact_at.map(|at| etablera_domain::time::to_local(at).date());
        reception_date(persons).map(|r| first_contact::status(r, contacted, today, days))
    }
}

/// Whether the scope has any household at all.
pub fn any(conn: &mut DbConn, scope: &Scope) -> Result<bool> {
    Ok(scope.households().select(households::id).first::<i32>(conn).optional()?.is_some())
}

/// The household in scope that a typed label names: its reference, or H and its number when it
/// has none (as [`label`] writes them).
pub fn find(conn: &mut DbConn, scope: &Scope, typed: &str) -> Result<Option<i32>> {
    let typed = typed.trim();
    let by_reference = scope
        .households()
        .filter(households::reference.eq(typed))
        .select(households::id)
        .first::<i32>(conn)
        .optional()?;
    if by_reference.is_some() {
        return Ok(by_reference);
    }
    let Some(id) = typed.strip_prefix(['H', 'h']).and_then(|n| n.parse::<i32>().ok()) else { return Ok(None) };
    Ok(scope
        .households()
        .filter(households::id.eq(id))
        .filter(households::reference.is_null())
        .select(households::id)
        .first::<i32>(conn)
        .optional()?)
}

/// A household as named to people: its imported reference, or H and its number.
pub fn label(id: i32, reference: Option<&str>) -> String {
    reference.map(str::to_owned).unwrap_or_else(|| format!("H{id}"))
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = persons)]
pub struct Person {
    pub id: i32,
    pub household_id: i32,
    pub reference: Option<String>,
    pub given_name: String,
    pub family_name: String,
    /// The day ages are reckoned from: the birth date, or the last day it can be when only
    /// its month or year is known ([`Person::birth`] is the date as recorded).
    pub birth_date: NaiveDate,
    #[diesel(deserialize_as = String)]
    pub birth_date_known: BirthDateKnown,
    pub personal_number: Option<String>,
    pub dossier_number: Option<String>,
    #[diesel(deserialize_as = String)]
    pub category: Category,
    pub languages: String,
    pub interpreter_needed: bool,
    pub protected_identity: bool,
    pub reception_date: Option<NaiveDate>,
    pub version: i32,
}

impl Person {
    /// The birth date as recorded, with 00 for what is not known.
    pub fn birth(&self) -> BirthDate {
        BirthDate::from_reckoned(self.birth_date, self.birth_date_known)
    }

    /// The name, or P and the number for a person culled (whose name is gone).
    pub fn name(&self) -> String {
        if self.given_name.is_empty() && self.family_name.is_empty() {
            return format!("P{}", self.id);
        }
        format!("{} {}", self.given_name, self.family_name)
    }

    pub fn languages(&self) -> Vec<&str> {
        self.languages.split(',').map(str::trim).filter(|l| !l.is_empty()).collect()
    }
}

/// An exit from the target group; `returned_on` is set when the person came back.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = person_exits)]
pub struct Exit {
    pub id: i32,
    pub person_id: i32,
    pub exit_date: NaiveDate,
    #[diesel(deserialize_as = String)]
    pub reason: ExitReason,
    pub note: Option<String>,
    pub returned_on: Option<NaiveDate>,
}

/// What a placement registers besides its persons.
#[derive(Debug, Clone)]
pub struct NewHousehold {
    pub municipality_code: String,
    /// The caller's unit when `None`.
    pub unit: Option<String>,
    pub reference: Option<String>,
    pub placement_date: NaiveDate,
    pub expected_reception_date: Option<NaiveDate>,
    /// The responsible case worker: the case worker who registers it, if one does.
    pub responsible_id: Option<i32>,
}

/// Registers a placement with its persons, in one transaction. Standard support tasks are made
/// when persons have already been received.
pub fn register(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    new: &NewHousehold,
    persons_list: &[PersonDetails],
) -> Result<i32> {
    let unit = new
        .unit
        .clone()
        .or_else(|| scope.unit.clone())
        .ok_or_else(|| StoreError::invalid("unit", Text::new("household-unit-needed")))?;
    if !scope.allows(&new.municipality_code, &unit) {
        return Err(StoreError::invalid("municipality_code", Text::new("household-scope")));
    }
    etablera_domain::reception::placement::check_expected(new.placement_date, new.expected_reception_date)?;
    if persons_list.is_empty() {
        return Err(StoreError::invalid("given_name", Text::new("household-no-persons")));
    }
    refuse_taken_elsewhere(conn, actor, scope, &new.municipality_code, persons_list.iter())?;
    write(conn, |conn| {
        let id: i32 = diesel::insert_into(households::table)
            .values((
                households::municipality_code.eq(&new.municipality_code),
                households::unit.eq(&unit),
                households::reference.eq(&new.reference),
                households::placement_date.eq(new.placement_date),
                households::expected_reception_date.eq(new.expected_reception_date),
                households::created_at.eq(actor.at),
                households::created_by.eq(actor.user_id),
                households::responsible_id.eq(new.responsible_id),
            ))
            .returning(households::id)
            .get_result(conn)?;
        crate::reporting::kept::changed(conn, &new.municipality_code)?;
        append(conn, actor, Action::Create, &Record::new(HOUSEHOLD, id).in_municipality(&new.municipality_code))?;
        for person in persons_list {
            insert_person(conn, actor, scope, id, &new.municipality_code, person, None)?;
        }
        if let Some(reception) = persons_list.iter().filter_map(|p| p.reception_date).min() {
            super::tasks::create_standard(conn, actor, id, reception)?;
        }
        Ok(id)
    })
}

/// Adds a person to a household.
pub fn add_person(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    household_id: i32,
    person: &PersonDetails,
) -> Result<i32> {
    let code = scope.household(conn, household_id)?;
    refuse_taken_elsewhere(conn, actor, scope, &code, [person])?;
    write(conn, |conn| {
        let code = scope.household(conn, household_id)?;
        let placement: NaiveDate =
            households::table.find(household_id).select(households::placement_date).first(conn)?;
        if let Some(reception) = person.reception_date {
            check_received_after_placement(reception, placement)?;
        }
        insert_person(conn, actor, scope, household_id, &code, person, None)
    })
}

/// Inserts a person after the duplicate checks; the caller holds the transaction.
pub(crate) fn insert_person(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    household_id: i32,
    municipality_code: &str,
    person: &PersonDetails,
    reference: Option<&str>,
) -> Result<i32> {
    check_duplicates(conn, scope, municipality_code, person)?;
    let id: i32 = diesel::insert_into(persons::table)
        .values(&NewPersonRow::of(actor, household_id, municipality_code, person, reference))
        .returning(persons::id)
        .get_result(conn)?;
    crate::reporting::kept::changed(conn, municipality_code)?;
    append(conn, actor, Action::Create, &Record::new(PERSON, id).in_municipality(municipality_code))?;
    Ok(id)
}

/// A person as written to the table, one row or a batch of them (an import). `None` is NULL,
/// not DEFAULT: on SQLite a batch with DEFAULT values is written a row at a time.
#[derive(Insertable)]
#[diesel(table_name = persons, treat_none_as_default_value = false)]
pub(crate) struct NewPersonRow {
    household_id: i32,
    municipality_code: String,
    reference: Option<String>,
    given_name: String,
    family_name: String,
    birth_date: NaiveDate,
    birth_date_known: &'static str,
    personal_number: Option<String>,
    dossier_number: Option<String>,
    category: &'static str,
    languages: String,
    interpreter_needed: bool,
    protected_identity: bool,
    reception_date: Option<NaiveDate>,
    created_at: NaiveDateTime,
    created_by: Option<i32>,
    search_name: String,
}

impl NewPersonRow {
    pub(crate) fn of(
        actor: &Actor,
        household_id: i32,
        municipality_code: &str,
        person: &PersonDetails,
        reference: Option<&str>,
    ) -> NewPersonRow {
        NewPersonRow {
            household_id,
            municipality_code: municipality_code.to_owned(),
            reference: reference.map(str::to_owned),
            given_name: person.given_name.clone(),
            family_name: person.family_name.clone(),
            birth_date: person.birth_date.reckoned(),
            birth_date_known: person.birth_date.known().code(),
            personal_number: person.personal_number.as_ref().map(|n| n.digits().to_owned()),
            dossier_number: person.dossier_number.as_ref().map(|n| n.to_string()),
            category: person.category.code(),
            languages: person.languages.join(", "),
            interpreter_needed: person.interpreter_needed,
            protected_identity: person.protected_identity,
            reception_date: person.reception_date,
            created_at: actor.at,
            created_by: actor.user_id,
            search_name: search::name_key(&person.given_name, &person.family_name),
        }
    }
}

/// Writes the search form of the names of persons made before it was kept (see the migration
/// `person_search`), a thousand at a time in id order, in one transaction.
pub fn fill_search_names(conn: &mut DbConn) -> Result<usize> {
    write(conn, |conn| {
        let (mut after, mut filled) = (0, 0);
        loop {
            let batch: Vec<(i32, String, String)> = persons::table
                .filter(persons::id.gt(after))
                .filter(persons::search_name.eq(""))
                .order(persons::id)
                .limit(1000)
                .select((persons::id, persons::given_name, persons::family_name))
                .load(conn)?;
            let Some(last) = batch.last() else { return Ok(filled) };
            after = last.0;
            for (id, given, family) in &batch {
                diesel::update(persons::table.find(id))
                    .set(persons::search_name.eq(search::name_key(given, family)))
                    .execute(conn)?;
            }
            filled += batch.len();
        }
    })
}

/// Refuses a person whose identity or dossier number is already in the municipality: by name
/// of the number when the caller may see the person who has it, and otherwise in words that do
/// not say whether anyone has it (see [`refuse_taken_elsewhere`]).
pub(crate) fn check_duplicates(
    conn: &mut DbConn,
    scope: &Scope,
    municipality_code: &str,
    person: &PersonDetails,
) -> Result<()> {
    Taken::among(conn, municipality_code, [person])?.check(person, scope)
}

/// Before a registration or a correction: when a number given is already held by a person the
/// caller may not see (another unit's household, or a protected identity without the right to
/// see it), nothing is saved, the caller is told only that the details cannot be saved here,
/// and the unit managers who follow the household holding it are notified to sort it out. The
/// attempt is in the access log (as refused, about that household), so that it can be
/// followed up; the caller's form learns nothing of who holds the number.
pub(crate) fn refuse_taken_elsewhere<'a>(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    municipality_code: &str,
    persons_list: impl IntoIterator<Item = &'a PersonDetails> + Clone,
) -> Result<()> {
    let taken = Taken::among(conn, municipality_code, persons_list.clone())?;
    let Some(holder) = persons_list.into_iter().find_map(|p| taken.hidden_holder(p, scope)) else {
        return Ok(());
    };
    write(conn, |conn| {
        crate::notifications::notify_unit_managers(
            conn,
            crate::notifications::Kind::IdentityElsewhere,
            municipality_code,
            &holder.unit,
            holder.household_id,
            actor.at,
        )?;
        let record = Record::new(HOUSEHOLD, holder.household_id).in_municipality(municipality_code);
        append(conn, actor, Action::Refused, &record)
    })?;
    Err(StoreError::invalid("form", Text::new("person-identity-elsewhere")))
}

/// Where a taken number is held: the household, its unit, and whether the person is protected.
#[derive(Debug, Clone)]
pub(crate) struct Holder {
    household_id: i32,
    unit: String,
    protected: bool,
}

impl Holder {
    fn seen_by(&self, scope: &Scope, municipality_code: &str) -> bool {
        scope.allows(municipality_code, &self.unit) && (!self.protected || scope.protected_addresses)
    }
}

/// The personnummer and dossier numbers of some persons that are already registered in the
/// municipality, with where they are held: one query for each kind for a batch of persons (a
/// file's chunk), not two for each person. On PostgreSQL the per-person lookup kept a plan made
/// while the import's table was empty and scanned it for every person (an import of 100 000
/// persons with dossier numbers did not finish in ten minutes; a batch at a time it takes nine
/// seconds).
#[derive(Debug, Default)]
pub(crate) struct Taken {
    municipality_code: String,
    personal_numbers: HashMap<String, Holder>,
    dossier_numbers: HashMap<String, Holder>,
}

impl Taken {
    pub(crate) fn among<'a>(
        conn: &mut DbConn,
        municipality_code: &str,
        persons: impl IntoIterator<Item = &'a PersonDetails>,
    ) -> Result<Taken> {
        let (mut personal, mut dossier) = (Vec::new(), Vec::new());
        for p in persons {
            personal.extend(p.personal_number.as_ref().map(|n| n.digits().to_owned()));
            dossier.extend(p.dossier_number.as_ref().map(|n| n.to_string()));
        }
        let mut taken = Taken { municipality_code: municipality_code.to_owned(), ..Taken::default() };
        let holders = |rows: Vec<(Option<String>, i32, String, bool)>| {
            rows.into_iter()
                .filter_map(|(number, household_id, unit, protected)| {
                    number.map(|n| (n, Holder { household_id, unit, protected }))
                })
                .collect::<HashMap<_, _>>()
        };
        if !personal.is_empty() {
            let found = persons::table
                .inner_join(households::table)
                .filter(persons::municipality_code.eq(municipality_code))
                .filter(persons::personal_number.eq_any(personal))
                .select((persons::personal_number, households::id, households::unit, persons::protected_identity))
                .load(conn)?;
            taken.personal_numbers = holders(found);
        }
        if !dossier.is_empty() {
            let found = persons::table
                .inner_join(households::table)
                .filter(persons::municipality_code.eq(municipality_code))
                .filter(persons::dossier_number.eq_any(dossier))
                .select((persons::dossier_number, households::id, households::unit, persons::protected_identity))
                .load(conn)?;
            taken.dossier_numbers = holders(found);
        }
        Ok(taken)
    }

    fn holders<'a>(&'a self, person: &PersonDetails) -> impl Iterator<Item = (&'static str, &'a Holder)> {
        let personal = person.personal_number.as_ref().and_then(|n| self.personal_numbers.get(n.digits()));
        let dossier = person.dossier_number.as_ref().and_then(|n| self.dossier_numbers.get(&n.to_string()));
        personal.map(|h| ("personal_number", h)).into_iter().chain(dossier.map(|h| ("dossier_number", h)))
    }

    /// Where a number of the person is held out of the caller's sight, if one is.
    fn hidden_holder(&self, person: &PersonDetails, scope: &Scope) -> Option<Holder> {
        self.holders(person).find(|(_, h)| !h.seen_by(scope, &self.municipality_code)).map(|(_, h)| h.clone())
    }

    /// Refuses a person whose personnummer, or else dossier number, is taken: named when the
    /// caller may see who has it, in words that do not tell otherwise.
    pub(crate) fn check(&self, person: &PersonDetails, scope: &Scope) -> Result<()> {
        match self.holders(person).next() {
            None => Ok(()),
            Some((_, holder)) if !holder.seen_by(scope, &self.municipality_code) => {
                Err(StoreError::invalid("form", Text::new("person-identity-elsewhere")))
            }
            Some(("personal_number", _)) => {
                Err(StoreError::invalid("personal_number", Text::new("person-number-taken")))
            }
            Some(_) => Err(StoreError::invalid("dossier_number", Text::new("person-dossier-taken"))),
        }
    }
}

/// Records that the household arrived: every person not yet received gets the date, and the
/// standard support tasks are made (once).
pub fn record_arrival(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    household_id: i32,
    date: NaiveDate,
) -> Result<usize> {
    write(conn, |conn| {
        let code = scope.household(conn, household_id)?;
        let placement: NaiveDate =
            households::table.find(household_id).select(households::placement_date).first(conn)?;
        check_received_after_placement(date, placement)?;
        if date > actor.today() {
            return Err(StoreError::invalid("reception_date", Text::new("reception-in-advance")));
        }
        let changed = diesel::update(
            persons::table.filter(persons::household_id.eq(household_id)).filter(persons::reception_date.is_null()),
        )
        .set((persons::reception_date.eq(date), persons::version.eq(persons::version + 1)))
        .execute(conn)?;
        if changed == 0 {
            return Err(StoreError::invalid("reception_date", Text::new("reception-all-received")));
        }
        crate::reporting::kept::changed(conn, &code)?;
        append(conn, actor, Action::Update, &Record::new(HOUSEHOLD, household_id).in_municipality(&code))?;
        super::tasks::create_standard(conn, actor, household_id, date)?;
        // Costs recorded before the arrival counted their deadline from the expected date.
        crate::economy::costs::refresh_deadlines(conn, Some(&[household_id]))?;
        Ok(changed)
    })
}

/// Records the first contact; `version` guards against two people recording it at once.
pub fn record_first_contact(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    household_id: i32,
    contact: &first_contact::FirstContact,
    version: i32,
) -> Result<()> {
    let (at, channel) = (contact.at, &contact.channel);
    write(conn, |conn| {
        let code = scope.household(conn, household_id)?;
        let household = get(conn, household_id)?;
        if household.version != version {
            return Err(StoreError::Stale);
        }
        if household.first_contact_at.is_some() {
            return Err(StoreError::invalid("date", Text::new("first-contact-already")));
        }
        let day = etablera_domain::time::to_local(at).date();
        first_contact::check_contact_day(day, household.placement_date, actor.today())
            .map_err(|message| StoreError::invalid("date", message))?;
        let changed = diesel::update(households::table.find(household_id).filter(households::version.eq(version)))
            .set((
                households::first_contact_at.eq(at),
                households::first_contact_channel.eq(channel),
                households::first_contact_by.eq(actor.user_id),
                households::version.eq(households::version + 1),
            ))
            .execute(conn)?;
        if changed == 0 {
            return Err(StoreError::Stale);
        }
        // The overdue notice has been dealt with.
        super::notifications::settle(conn, household_id, actor.at)?;
        crate::reporting::kept::changed(conn, &code)?;
        append(conn, actor, Action::Update, &Record::new(HOUSEHOLD, household_id).in_municipality(&code))
    })
}

/// A person leaves the target group.
pub fn record_exit(conn: &mut DbConn, actor: &Actor, scope: &Scope, person_id: i32, exit: &NewExit) -> Result<()> {
    let NewExit { date, reason, ref note } = *exit;
    write(conn, |conn| {
        let (_, code) = scope.person(conn, person_id)?;
        let reception: Option<NaiveDate> =
            persons::table.find(person_id).select(persons::reception_date).first(conn)?;
        etablera_domain::reception::person::check_exit(date, reception)?;
        if current_exit(conn, person_id)?.is_some() {
            return Err(StoreError::invalid("exit_date", Text::new("exit-already")));
        }
        let last_return: Option<NaiveDate> = person_exits::table
            .filter(person_exits::person_id.eq(person_id))
            .select(diesel::dsl::max(person_exits::returned_on))
            .first(conn)?;
        if last_return.is_some_and(|r| date < r) {
            return Err(StoreError::invalid("exit_date", Text::new("exit-before-return")));
        }
        diesel::insert_into(person_exits::table)
            .values((
                person_exits::person_id.eq(person_id),
                person_exits::exit_date.eq(date),
                person_exits::reason.eq(reason.code()),
                person_exits::note.eq(note),
                person_exits::recorded_at.eq(actor.at),
                person_exits::recorded_by.eq(actor.user_id),
            ))
            .execute(conn)?;
        crate::reporting::kept::changed(conn, &code)?;
        append(conn, actor, Action::Update, &Record::new(PERSON, person_id).in_municipality(&code))
    })
}

/// A person who left comes back into the target group.
pub fn record_return(conn: &mut DbConn, actor: &Actor, scope: &Scope, person_id: i32, date: NaiveDate) -> Result<()> {
    write(conn, |conn| {
        let (_, code) = scope.person(conn, person_id)?;
        let exit = current_exit(conn, person_id)?
            .ok_or_else(|| StoreError::invalid("returned_on", Text::new("return-not-exited")))?;
        if date <= exit.exit_date {
            return Err(StoreError::invalid("returned_on", Text::new("return-after-exit")));
        }
        diesel::update(person_exits::table.find(exit.id)).set(person_exits::returned_on.eq(date)).execute(conn)?;
        crate::reporting::kept::changed(conn, &code)?;
        append(conn, actor, Action::Update, &Record::new(PERSON, person_id).in_municipality(&code))
    })
}

/// The exit in force: the latest without a return.
pub(crate) fn current_exit(conn: &mut DbConn, person_id: i32) -> Result<Option<Exit>> {
    Ok(person_exits::table
        .filter(person_exits::person_id.eq(person_id))
        .filter(person_exits::returned_on.is_null())
        .order(person_exits::exit_date.desc())
        .select(Exit::as_select())
        .first(conn)
        .optional()?)
}

/// A household's reception date: the first of its persons'.
pub fn reception_date(persons: &[Person]) -> Option<NaiveDate> {
    persons.iter().filter_map(|p| p.reception_date).min()
}

/// One row of the case worker's list.
#[derive(Debug, Clone)]
pub struct Summary {
    pub household: Household,
    pub persons: Vec<Person>,
    /// Persons still in the target group.
    pub active: usize,
    pub first_contact: Option<first_contact::Status>,
}

etablera_domain::coded! {
    /// Which households a list shows.
    pub enum Show {
        /// With at least one person in the target group, or not yet arrived.
        Active = "active",
        All = "all",
        /// Active, someone arrived, and not yet contacted: what the first-contact clock watches.
        Uncontacted = "uncontacted",
    }
}

etablera_domain::coded! {
    /// How the case worker's list is ordered.
    #[derive(Default)]
    pub enum Sort {
        #[default]
        Placement = "placement",
        Reference = "reference",
    }
}

/// Whose households a list shows, by their responsible case worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Responsible {
    #[default]
    Anyone,
    /// This user's ("mina ärenden").
    User(i32),
    /// Those nobody is responsible for yet.
    Nobody,
}

/// What the case worker's list asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    pub show: Show,
    pub responsible: Responsible,
    /// Part of the reference or of a person's name.
    pub search: Option<String>,
    pub sort: Sort,
    pub descending: bool,
    pub paging: Paging,
}

impl Default for ListQuery {
    fn default() -> Self {
        ListQuery {
            show: Show::Active,
            responsible: Responsible::Anyone,
            search: None,
            sort: Sort::Placement,
            descending: true,
            paging: Paging::default(),
        }
    }
}

/// A page of the households in scope. Reading names is logged.
pub fn list(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    query: &ListQuery,
    days: DayCount,
) -> Result<Page<Summary>> {
    let today = actor.today();
    let (page, fresh) = crate::access::log::logged_read(conn, actor, &list_record(scope), |conn| {
        page(conn, scope, today, days, query)
    })?;
    if let Some((code, fresh)) = fresh {
        kept::keep(conn, &code, &[fresh]);
    }
    Ok(page)
}

fn list_record(scope: &Scope) -> Record {
    let record = Record::all(HOUSEHOLD);
    match scope.municipalities.as_deref() {
        Some([only]) => record.in_municipality(only),
        _ => record,
    }
}

/// `$query` narrowed to the households with a person that `$filter` finds (or that `$or`
/// finds themselves, when given). The persons are those of the scope's municipalities, read by an index
/// that starts with the municipality (a search reads the index, not a household at a time);
/// the households' own scope (the unit) is the query's.
macro_rules! with_persons {
    ($query:expr, $scope:expr, $filter:expr) => {{
        let found = persons::table.select(persons::household_id).filter($filter);
        match $scope.municipalities.as_deref() {
            Some([one]) => {
                $query.filter(households::id.eq_any(found.filter(persons::municipality_code.eq(one.clone()))))
            }
            Some(codes) => {
                $query.filter(households::id.eq_any(found.filter(persons::municipality_code.eq_any(codes.to_vec()))))
            }
            None => $query.filter(households::id.eq_any(found)),
        }
    }};
    ($query:expr, $scope:expr, $filter:expr, $or:expr) => {{
        let found = persons::table.select(persons::household_id).filter($filter);
        match $scope.municipalities.as_deref() {
            Some([one]) => {
                $query.filter(households::id.eq_any(found.filter(persons::municipality_code.eq(one.clone()))).or($or))
            }
            Some(codes) => $query
                .filter(households::id.eq_any(found.filter(persons::municipality_code.eq_any(codes.to_vec()))).or($or)),
            None => $query.filter(households::id.eq_any(found).or($or)),
        }
    }};
}

type Households<'a> = households::BoxedQuery<'a, <DbConn as diesel::Connection>::Backend>;

/// The households in scope that the list shows. "Active": someone in the target group on
/// `today` or not yet received (`target_group::on`: no exit before today without a return
/// after it), said in SQL; a test compares it with the rule.
fn shown(
    scope: &Scope,
    today: NaiveDate,
    show: Show,
    responsible: Responsible,
    search: Option<&str>,
) -> Households<'static> {
    use diesel::dsl::{exists, not};
    let mut query = scope.households();
    match responsible {
        Responsible::Anyone => {}
        Responsible::User(id) => query = query.filter(households::responsible_id.eq(id)),
        Responsible::Nobody => query = query.filter(households::responsible_id.is_null()),
    }
    if show != Show::All {
        let out_today = person_exits::table
            .select(person_exits::id)
            .filter(person_exits::person_id.eq(persons::id))
            .filter(person_exits::exit_date.lt(today))
            .filter(person_exits::returned_on.is_null().or(person_exits::returned_on.gt(today)));
        let active = persons::table
            .select(persons::id)
            .filter(persons::household_id.eq(households::id))
            .filter(persons::reception_date.is_null().or(persons::reception_date.gt(today)).or(not(exists(out_today))));
        query = query.filter(exists(active));
    }
    if show == Show::Uncontacted {
        // Someone has arrived: the first-contact clock runs from the reception date.
        let arrived = persons::table
            .select(persons::id)
            .filter(persons::household_id.eq(households::id))
            .filter(persons::reception_date.le(today));
        query = query.filter(households::first_contact_at.is_null()).filter(exists(arrived));
    }
    if let Some(term) = search.and_then(|typed| SearchTerm::parse(typed, today)) {
        query = match term {
            SearchTerm::PersonalNumber(digits) => {
                with_persons!(query, scope, persons::personal_number.eq(digits))
            }
            SearchTerm::DossierNumber(number) => {
                with_persons!(query, scope, persons::dossier_number.eq(number))
            }
            SearchTerm::Words { words, whole } => {
                let named = persons::search_name.like(contains_in_order(&words)).escape('\\');
                let reference =
                    lower(households::reference.assume_not_null()).like(contains_pattern(&whole)).escape('\\');
                with_persons!(query, scope, named, reference)
            }
        };
    }
    query
}

/// How many households the list shows: without a search or a responsible case worker, within
/// one municipality, the count is kept for the casework's version (it reads every household of
/// the unit); a search or one case worker's households are counted each time.
fn total(
    conn: &mut DbConn,
    scope: &Scope,
    today: NaiveDate,
    q: &ListQuery,
) -> Result<(u64, Option<(String, kept::Fresh)>)> {
    let count = |conn: &mut DbConn| -> Result<u32> {
        Ok(shown(scope, today, q.show, q.responsible, q.search.as_deref())
            .count()
            .get_result::<i64>(conn)?
            .try_into()
            .unwrap_or(u32::MAX))
    };
    let (Some([code]), None, Responsible::Anyone) = (scope.municipalities.as_deref(), &q.search, q.responsible) else {
        return Ok((u64::from(count(conn)?), None));
    };
    let key = kept::Key {
        key: format!("households/{}/{}", q.show.code(), scope.unit.as_deref().unwrap_or("*")),
        measured_on: today,
    };
    let (n, fresh) = kept::one(conn, code, key, count)?;
    Ok((u64::from(n), fresh.map(|f| (code.clone(), f))))
}

type Listed = (Page<Summary>, Option<(String, kept::Fresh)>);

fn page(conn: &mut DbConn, scope: &Scope, today: NaiveDate, days: DayCount, q: &ListQuery) -> Result<Listed> {
    let search = q.search.as_deref();
    let (total, fresh) = total(conn, scope, today, q)?;
    let query = shown(scope, today, q.show, q.responsible, search);
    let query = match (q.sort, q.descending) {
        (Sort::Placement, true) => query.order((households::placement_date.desc(), households::id.desc())),
        (Sort::Placement, false) => query.order((households::placement_date.asc(), households::id.asc())),
        (Sort::Reference, true) => query.order((households::reference.desc(), households::id.desc())),
        (Sort::Reference, false) => query.order((households::reference.asc(), households::id.asc())),
    };
    let list: Vec<Household> =
        query.limit(q.paging.limit()).offset(q.paging.offset()).select(Household::as_select()).load(conn)?;
    let rows = summaries_for(conn, list, today, days)?;
    Ok((Page { rows, total, paging: q.paging }, fresh))
}

/// One page's households with their persons and exits: a list of at most a page's ids.
fn summaries_for(conn: &mut DbConn, list: Vec<Household>, today: NaiveDate, days: DayCount) -> Result<Vec<Summary>> {
    let ids: Vec<i32> = list.iter().map(|h| h.id).collect();
    let persons = persons::table.filter(persons::household_id.eq_any(&ids)).order((persons::birth_date, persons::id));
    let persons: Vec<Person> = persons.select(Person::as_select()).load(conn)?;
    let exits: Vec<ExitDates> = person_exits::table
        .inner_join(persons::table)
        .filter(persons::household_id.eq_any(&ids))
        .select((person_exits::person_id, person_exits::exit_date, person_exits::returned_on))
        .load(conn)?;
    Ok(summaries_of(list, persons, exits, today, days))
}

/// A person's exit: (person, day left, day back).
type ExitDates = (i32, NaiveDate, Option<NaiveDate>);

/// The households with their persons, exits counted into how many are active, and the first
/// contact's standing. `persons` and `exits` select those of `list`'s households.
fn summaries_of(
    list: Vec<Household>,
    persons: Vec<Person>,
    exits: Vec<ExitDates>,
    today: NaiveDate,
    days: DayCount,
) -> Vec<Summary> {
    let mut persons_of: HashMap<i32, Vec<Person>> = HashMap::new();
    for person in persons {
        persons_of.entry(person.household_id).or_default().push(person);
    }
    let mut exits_of: HashMap<i32, Vec<target_group::Exit>> = HashMap::new();
    for (person, left, back) in exits {
        exits_of.entry(person).or_default().push((left, back));
    }
    // Still in the group, or not yet received: a household waiting for its arrival is active.
    let active_on = |p: &Person| {
        p.reception_date.is_none_or(|r| r > today)
            || target_group::on(p.reception_date, exits_of.get(&p.id).map(Vec::as_slice).unwrap_or_default(), today)
    };
    list.into_iter()
        .map(|household| {
            let persons = persons_of.remove(&household.id).unwrap_or_default();
            let active = persons.iter().filter(|p| active_on(p)).count();
            let first_contact = household.first_contact_status(&persons, today, days);
            Summary { household, persons, active, first_contact }
        })
        .collect()
}

/// Every active household in scope not yet contacted: what the first-contact clock watches
/// (households wait days for it, so the list stays short).
fn uncontacted(conn: &mut DbConn, scope: &Scope, today: NaiveDate, days: DayCount) -> Result<Vec<Summary>> {
    let list: Vec<Household> = shown(scope, today, Show::Uncontacted, Responsible::Anyone, None)
        .order((households::placement_date.desc(), households::id.desc()))
        .select(Household::as_select())
        .load(conn)?;
    // Their persons and exits through a join, not a list of ids.
    let waiting = households::first_contact_at.is_null();
    let persons: Vec<Person> = in_scope!(persons::table.inner_join(households::table).into_boxed(), scope)
        .filter(waiting)
        .order((persons::birth_date, persons::id))
        .select(Person::as_select())
        .load(conn)?;
    let exits: Vec<ExitDates> =
        in_scope!(person_exits::table.inner_join(persons::table.inner_join(households::table)).into_boxed(), scope)
            .filter(waiting)
            .select((person_exits::person_id, person_exits::exit_date, person_exits::returned_on))
            .load(conn)?;
    Ok(summaries_of(list, persons, exits, today, days))
}

/// Every active household, for the notifier (which reads no names and logs nothing).
pub(crate) fn summaries_for_notice(conn: &mut DbConn, today: NaiveDate, days: DayCount) -> Result<Vec<Summary>> {
    uncontacted(conn, &Scope::command_line(), today, days)
}

/// Households whose first contact is due today, overdue, or waiting (someone has arrived, no
/// contact yet), for the start pages: the longest waiting first, a page of them, and how many
/// wait in all. Counted and ordered in SQL, so the page stays one page long at any caseload.
pub fn awaiting_first_contact(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    days: DayCount,
    paging: Paging,
) -> Result<Page<Summary>> {
    use diesel::dsl::min;
    let today = actor.today();
    let waiting = || shown(scope, today, Show::Uncontacted, Responsible::Anyone, None);
    let total: i64 = waiting().count().get_result(conn)?;
    // The household's reception date is its first person's, and the deadline follows it.
    let received = persons::table
        .filter(persons::household_id.eq(households::id))
        .select(min(persons::reception_date))
        .single_value();
    let list: Vec<Household> = waiting()
        .order((received.asc(), households::id.asc()))
        .limit(paging.limit())
        .offset(paging.offset())
        .select(Household::as_select())
        .load(conn)?;
    let rows = summaries_for(conn, list, today, days)?;
    // Names are shown only when there are any; then the reading is logged before they are.
    if !rows.is_empty() {
        crate::access::log::record(conn, actor, Action::Read, &list_record(scope))?;
    }
    Ok(Page { rows, total: u64::try_from(total).unwrap_or_default(), paging })
}

/// A person in full, with the exits (newest first).
#[derive(Debug, Clone)]
pub struct PersonRecord {
    pub person: Person,
    pub exits: Vec<Exit>,
}

impl PersonRecord {
    pub fn current_exit(&self) -> Option<&Exit> {
        self.exits.iter().find(|e| e.returned_on.is_none())
    }
}

/// A household's persons with their exits, without logging: for callers that log.
pub(crate) fn persons_of(conn: &mut DbConn, household_id: i32) -> Result<Vec<PersonRecord>> {
    let list: Vec<Person> = persons::table
        .filter(persons::household_id.eq(household_id))
        .order((persons::birth_date, persons::id))
        .select(Person::as_select())
        .load(conn)?;
    let ids: Vec<i32> = list.iter().map(|p| p.id).collect();
    let exits: Vec<Exit> = person_exits::table
        .filter(person_exits::person_id.eq_any(&ids))
        .order((person_exits::exit_date.desc(), person_exits::id.desc()))
        .select(Exit::as_select())
        .load(conn)?;
    Ok(list
        .into_iter()
        .map(|person| {
            let exits = exits.iter().filter(|e| e.person_id == person.id).cloned().collect();
            PersonRecord { person, exits }
        })
        .collect())
}

pub(crate) fn get(conn: &mut DbConn, household_id: i32) -> Result<Household> {
    households::table
        .find(household_id)
        .select(Household::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)
}

/// Makes `responsible_id` (a case worker of the household's unit, or nobody) the household's
/// responsible case worker, on the household as it was at `version`. Logged as a change of the
/// household.
pub fn assign(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    household_id: i32,
    version: i32,
    responsible_id: Option<i32>,
) -> Result<()> {
    write(conn, |conn| {
        let code = scope.household(conn, household_id)?;
        let (unit, current): (String, i32) =
            households::table.find(household_id).select((households::unit, households::version)).first(conn)?;
        if current != version {
            return Err(StoreError::Stale);
        }
        if let Some(user_id) = responsible_id {
            let eligible = match crate::access::users::load(conn, user_id) {
                Ok(user) => etablera_domain::reception::placement::may_be_responsible(
                    &user.roles,
                    user.disabled,
                    &user.municipalities,
                    user.unit.as_deref(),
                    &code,
                    &unit,
                ),
                Err(StoreError::NotFound) => false,
                Err(e) => return Err(e),
            };
            if !eligible {
                return Err(StoreError::invalid("responsible", Text::new("household-responsible-not-eligible")));
            }
        }
        diesel::update(households::table.find(household_id))
            .set((households::responsible_id.eq(responsible_id), households::version.eq(households::version + 1)))
            .execute(conn)?;
        append(conn, actor, Action::Update, &Record::new(HOUSEHOLD, household_id).in_municipality(&code))
    })
}

/// Whether someone in the household has a protected identity, whose address only those with
/// the permission may see.
pub(crate) fn has_protected(conn: &mut DbConn, household_id: i32) -> Result<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        persons::table.filter(persons::household_id.eq(household_id)).filter(persons::protected_identity.eq(true)),
    ))
    .get_result(conn)?)
}

/// A registered person who may be the one being registered again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PossibleDuplicate {
    pub person_id: i32,
    pub household_id: i32,
    pub name: String,
    pub birth_date: BirthDate,
    pub household: String,
}

/// The persons in the caller's scope of the municipality with the same name (either way round,
/// with or without diacritics, as the search compares names) and the same birth date, whom no
/// number tells apart ([`search::may_be_same_person`]): a warning before a person is registered
/// twice, not a refusal. Those shown are logged as read.
pub fn possible_duplicates(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    municipality_code: &str,
    person: &PersonDetails,
) -> Result<Vec<PossibleDuplicate>> {
    let key = search::name_key(&person.given_name, &person.family_name);
    let swapped = search::name_key(&person.family_name, &person.given_name);
    write(conn, |conn| {
        type Row = (i32, i32, String, String, Option<String>, Option<String>, Option<String>);
        let new_numbers = [
            person.personal_number.as_ref().map(|n| n.digits().to_owned()),
            person.dossier_number.as_ref().map(|n| n.to_string()),
        ];
        let rows: Vec<Row> = in_scope!(persons::table.inner_join(households::table).into_boxed(), scope)
            .filter(persons::municipality_code.eq(municipality_code))
            .filter(persons::search_name.eq(&key).or(persons::search_name.eq(&swapped)))
            .filter(persons::birth_date.eq(person.birth_date.reckoned()))
            .filter(persons::birth_date_known.eq(person.birth_date.known().code()))
            .order(persons::id)
            .limit(20)
            .select((
                persons::id,
                persons::household_id,
                persons::given_name,
                persons::family_name,
                households::reference,
                persons::personal_number,
                persons::dossier_number,
            ))
            .load(conn)?;
        let rows: Vec<Row> = rows
            .into_iter()
            .filter(|r| {
                search::may_be_same_person(
                    [new_numbers[0].as_deref(), new_numbers[1].as_deref()],
                    [r.5.as_deref(), r.6.as_deref()],
                )
            })
            .collect();
        let records: Vec<Record> =
            rows.iter().map(|r| Record::new(PERSON, r.0).in_municipality(municipality_code)).collect();
        if !records.is_empty() {
            crate::access::log::append_all(conn, actor, Action::Read, &records)?;
        }
        Ok(rows
            .into_iter()
            .map(|(person_id, household_id, given, family, reference, _, _)| PossibleDuplicate {
                person_id,
                household_id,
                name: format!("{given} {family}"),
                birth_date: person.birth_date,
                household: label(household_id, reference.as_deref()),
            })
            .collect())
    })
}

/// [`possible_duplicates`] for a person to be added to a household in scope.
pub fn possible_duplicates_in(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    household_id: i32,
    person: &PersonDetails,
) -> Result<Vec<PossibleDuplicate>> {
    let code = scope.household(conn, household_id)?;
    possible_duplicates(conn, actor, scope, &code, person)
}

impl Person {
    /// The stored details in the form they are checked and compared in.
    pub fn details(&self) -> Result<PersonDetails> {
        let personal_number = match &self.personal_number {
            Some(digits) => Some(
                etablera_domain::identity::PersonalNumber::try_from(digits.clone()).map_err(StoreError::unreadable)?,
            ),
            None => None,
        };
        let dossier_number = match &self.dossier_number {
            Some(n) => Some(n.parse::<etablera_domain::identity::DossierNumber>().map_err(StoreError::unreadable)?),
            None => None,
        };
        Ok(PersonDetails {
            given_name: self.given_name.clone(),
            family_name: self.family_name.clone(),
            birth_date: self.birth(),
            personal_number,
            dossier_number,
            category: self.category,
            languages: self.languages().into_iter().map(str::to_owned).collect(),
            interpreter_needed: self.interpreter_needed,
            protected_identity: self.protected_identity,
            reception_date: self.reception_date,
        })
    }
}

/// Corrects a person's details, as they were at `version`: names, birth date, numbers added or
/// corrected (checked against the municipality's as when registered), category, languages,
/// needs and reception date. What changed is kept in the person's history with who and when;
/// an edit that changes nothing writes nothing.
pub fn edit_person(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    person_id: i32,
    version: i32,
    edited: &PersonDetails,
) -> Result<()> {
    // Only numbers that change are looked up: the person's own are theirs already.
    let new_numbers = |before: &PersonDetails| PersonDetails {
        personal_number: edited.personal_number.clone().filter(|n| Some(n) != before.personal_number.as_ref()),
        dossier_number: edited.dossier_number.clone().filter(|n| Some(n) != before.dossier_number.as_ref()),
        ..edited.clone()
    };
    let (_, code) = scope.person(conn, person_id)?;
    let before: Person = persons::table.find(person_id).select(Person::as_select()).first(conn)?;
    refuse_taken_elsewhere(conn, actor, scope, &code, [&new_numbers(&before.details()?)])?;
    write(conn, |conn| {
        let (household_id, code) = scope.person(conn, person_id)?;
        let current: Person = persons::table.find(person_id).select(Person::as_select()).first(conn)?;
        if current.version != version {
            return Err(StoreError::Stale);
        }
        let before = current.details()?;
        let changes = before.changes_to(edited);
        if changes.is_empty() {
            return Ok(());
        }
        let new_numbers = new_numbers(&before);
        Taken::among(conn, &code, [&new_numbers])?.check(&new_numbers, scope)?;
        if let Some(reception) = edited.reception_date {
            let placement: NaiveDate =
                households::table.find(household_id).select(households::placement_date).first(conn)?;
            check_received_after_placement(reception, placement)?;
        }
        diesel::update(persons::table.find(person_id))
            .set((
                persons::given_name.eq(&edited.given_name),
                persons::family_name.eq(&edited.family_name),
                persons::search_name.eq(search::name_key(&edited.given_name, &edited.family_name)),
                persons::birth_date.eq(edited.birth_date.reckoned()),
                persons::birth_date_known.eq(edited.birth_date.known().code()),
                persons::personal_number.eq(edited.personal_number.as_ref().map(|n| n.digits().to_owned())),
                persons::dossier_number.eq(edited.dossier_number.as_ref().map(|n| n.to_string())),
                persons::category.eq(edited.category.code()),
                persons::languages.eq(edited.languages.join(", ")),
                persons::interpreter_needed.eq(edited.interpreter_needed),
                persons::protected_identity.eq(edited.protected_identity),
                persons::reception_date.eq(edited.reception_date),
                persons::version.eq(persons::version + 1),
            ))
            .execute(conn)?;
        crate::access::history::record(conn, actor, PERSON, person_id, &changes)?;
        crate::reporting::kept::changed(conn, &code)?;
        append(conn, actor, Action::Update, &Record::new(PERSON, person_id).in_municipality(&code))
    })
}

/// Corrects a household's placement dates, as the household was at `version`: nobody in it may
/// have been received before the placement. The change is kept in the household's history.
pub fn edit_placement(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    household_id: i32,
    version: i32,
    edited: &etablera_domain::reception::placement::PlacementDates,
) -> Result<()> {
    write(conn, |conn| {
        let code = scope.household(conn, household_id)?;
        let (placement_date, expected_reception_date, current): (NaiveDate, Option<NaiveDate>, i32) = households::table
            .find(household_id)
            .select((households::placement_date, households::expected_reception_date, households::version))
            .first(conn)?;
        if current != version {
            return Err(StoreError::Stale);
        }
        let before = etablera_domain::reception::placement::PlacementDates { placement_date, expected_reception_date };
        let changes = before.changes_to(edited);
        if changes.is_empty() {
            return Ok(());
        }
        let first_received: Option<NaiveDate> = persons::table
            .filter(persons::household_id.eq(household_id))
            .select(diesel::dsl::min(persons::reception_date))
            .first(conn)?;
        if let Some(received) = first_received {
            check_received_after_placement(received, edited.placement_date)
                .map_err(|_| StoreError::invalid("placement_date", Text::new("household-placement-after-reception")))?;
        }
        diesel::update(households::table.find(household_id))
            .set((
                households::placement_date.eq(edited.placement_date),
                households::expected_reception_date.eq(edited.expected_reception_date),
                households::version.eq(households::version + 1),
            ))
            .execute(conn)?;
        crate::access::history::record(conn, actor, HOUSEHOLD, household_id, &changes)?;
        crate::reporting::kept::changed(conn, &code)?;
        append(conn, actor, Action::Update, &Record::new(HOUSEHOLD, household_id).in_municipality(&code))
    })
}
