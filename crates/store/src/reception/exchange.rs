//! Import and export in the reception exchange format (`etablera-reception/1`). An import is
//! all or nothing: the file is checked first, then written in one transaction in which every
//! clash with what is stored (a person or household already there) is collected with its path.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use etablera_domain::input::Invalid;
use etablera_domain::money::Money;
use etablera_domain::reception::exchange::{
    self, ActivityRecord, ActivityTypeRecord, DamageRecord, DeclineRecord, FORMAT, HouseholdRecord, HousingRecord,
    MoveOutRecord, PersonRecord, ReceptionFile,
};

use super::households::{self, HOUSEHOLD, NewPersonRow, PERSON};
use super::housing;
use super::plans::{self, NewActivityRow, NewDeclineRow};
use crate::access::Actor;
use crate::access::log::{Action, Record, append, append_all};
use crate::db::insert_rows;
use crate::schema::{activities, declines, households as households_table, person_exits, persons};
use crate::{DbConn, StoreError, write};
use etablera_domain::text::Text;

#[derive(Debug)]
pub enum ImportError {
    /// Every error found, each with its JSON path; nothing was stored.
    Invalid(Vec<Invalid>),
    Store(StoreError),
}

impl From<StoreError> for ImportError {
    fn from(e: StoreError) -> Self {
        ImportError::Store(e)
    }
}

/// What an import stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Imported {
    pub households: usize,
    pub persons: usize,
    pub activities: usize,
    pub declines: usize,
    pub damages: usize,
    /// Persons of the file with the name and birth date of someone registered before, whom no
    /// number tells apart: imported, and to be looked at (the first [`NAMESAKES_SHOWN`] pairs).
    pub namesakes: Vec<Namesake>,
    /// How many persons of the file have a namesake.
    pub namesakes_total: usize,
}

/// A person of the file who may be someone already registered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Namesake {
    /// The household's and the person's references in the file.
    pub household: String,
    pub person: String,
    /// The registered person's household, as the lists name it.
    pub registered_household: String,
}

/// How many namesakes an import names; the rest are counted.
pub const NAMESAKES_SHOWN: usize = 100;

/// Households a statement writes (10 values each), and references a statement looks up.
const BATCH: usize = 500;

/// Reads a file and stores it, all or nothing. Households without a unit of their own (in the
/// file) get `default_unit`.
pub fn import(conn: &mut DbConn, actor: &Actor, text: &str, default_unit: &str) -> Result<Imported, ImportError> {
    let today = actor.today();
    let catalogue = plans::catalogue(conn)?;
    let file = exchange::read(text, &catalogue, today).map_err(ImportError::Invalid)?;
    let code = file.municipality_code.as_str().to_owned();
    let mut clashes: Vec<Invalid> = Vec::new();
    let outcome = crate::db::bulk_write(conn, |conn| {
        let mut count = Imported::default();
        // Persons with a larger id than this are the file's (for the namesakes below).
        let before: i32 = persons::table.select(diesel::dsl::max(persons::id)).first::<Option<i32>>(conn)?.unwrap_or(0);
        // The households and persons made, logged together once all are in; their activities,
        // declines and exits written a batch at a time.
        let mut made: Vec<Record> = Vec::new();
        let mut activity_rows = Vec::new();
        let mut decline_rows = Vec::new();
        let mut exit_rows = Vec::new();
        for t in &file.new_types {
            plans::insert_type(conn, actor, t)?;
            append(conn, actor, Action::Create, &Record::new(crate::access::log::RecordKind::ActivityType, &t.code))?;
        }
        // The file's references already in the municipality, found 500 at a time.
        let mut taken: HashSet<String> = HashSet::new();
        for chunk in file.households.chunks(BATCH) {
            let references: Vec<&str> = chunk.iter().map(|h| h.reference.as_str()).collect();
            let found: Vec<Option<String>> = households_table::table
                .filter(households_table::municipality_code.eq(&code))
                .filter(households_table::reference.eq_any(references))
                .select(households_table::reference)
                .load(conn)?;
            taken.extend(found.into_iter().flatten());
        }
        for chunk in file.households.chunks(BATCH) {
            // Every clash in the order of the file: a taken reference, then each person already
            // in the municipality (of a taken household too, so that all are reported at once).
            let mut fresh = Vec::with_capacity(chunk.len());
            let mut refused: HashSet<&str> = HashSet::new();
            let registered =
                households::Taken::among(conn, &code, chunk.iter().flat_map(|h| h.persons.iter().map(|p| &p.details)))?;
            for h in chunk {
                let is_taken = taken.contains(&h.reference);
                if is_taken {
                    clashes.push(Invalid::new(format!("{}.ref", h.path), Text::new("import-ref-taken")));
                }
                for p in &h.persons {
                    match registered.check(&p.details, &crate::access::Scope::command_line()) {
                        Ok(()) => {}
                        Err(StoreError::Invalid { field, message }) => {
                            clashes.push(Invalid::new(format!("{}.{field}", p.path), message));
                            refused.insert(p.path.as_str());
                        }
                        Err(e) => return Err(e),
                    }
                }
                if !is_taken {
                    fresh.push(h);
                }
            }
            // The chunk's households in one statement, their ids read back by reference.
            let mut rows: Vec<_> = fresh
                .iter()
                .map(|h| {
                    let unit = h.unit.clone().or_else(|| file.unit.clone()).unwrap_or_else(|| default_unit.to_owned());
                    (
                        households_table::municipality_code.eq(code.clone()),
                        households_table::unit.eq(unit),
                        households_table::reference.eq(h.reference.clone()),
                        households_table::placement_date.eq(h.placement_date),
                        households_table::expected_reception_date.eq(h.expected_reception_date),
                        households_table::first_contact_at.eq(h.first_contact_at),
                        households_table::first_contact_channel.eq(h.first_contact_channel.clone()),
                        households_table::first_contact_by.eq(actor.user_id),
                        households_table::created_at.eq(actor.at),
                        households_table::created_by.eq(actor.user_id),
                    )
                })
                .collect();
            // The ids come back with their references (in no promised order).
            let made_rows: Vec<(Option<String>, i32)> = if rows.is_empty() {
                Vec::new()
            } else {
                let insert = diesel::insert_into(households_table::table)
                    .values(&rows)
                    .returning((households_table::reference, households_table::id));
                match conn {
                    DbConn::Sqlite(c) => insert.get_results(c)?,
                    DbConn::Postgres(c) => insert.get_results(c)?,
                }
            };
            rows.clear();
            let ids: HashMap<String, i32> =
                made_rows.into_iter().filter_map(|(reference, id)| Some((reference?, id))).collect();
            let mut person_rows = Vec::new();
            for h in &fresh {
                let id = ids[&h.reference];
                made.push(Record::new(HOUSEHOLD, id).in_municipality(&code));
                count.households += 1;
                if let Some(home) = &h.housing {
                    let housing_id = housing::insert(conn, actor, id, &code, &home.details, &home.move_out)?;
                    for damage in &home.damages {
                        housing::insert_damage(conn, actor, housing_id, damage)?;
                        count.damages += 1;
                    }
                }
                for p in h.persons.iter().filter(|p| !refused.contains(p.path.as_str())) {
                    person_rows.push(NewPersonRow::of(actor, id, &code, &p.details, Some(&p.reference)));
                    // 15 values a row: a thousand rows stay within what a statement binds.
                    if person_rows.len() >= 1_000 {
                        insert_rows!(conn, persons::table, person_rows);
                    }
                }
            }
            insert_rows!(conn, persons::table, person_rows);
            // The persons' ids, read back by household and reference (both unique in the file).
            let household_ids: Vec<i32> = ids.values().copied().collect();
            let person_ids: HashMap<(i32, String), i32> = persons::table
                .filter(persons::household_id.eq_any(household_ids))
                .select((persons::household_id, persons::reference, persons::id))
                .load::<(i32, Option<String>, i32)>(conn)?
                .into_iter()
                .filter_map(|(household, reference, id)| Some(((household, reference?), id)))
                .collect();
            for h in &fresh {
                let household = ids[&h.reference];
                for p in &h.persons {
                    // A person refused above has no row.
                    let Some(&person_id) = person_ids.get(&(household, p.reference.clone())) else { continue };
                    made.push(Record::new(PERSON, person_id).in_municipality(&code));
                    count.persons += 1;
                    if let Some((exit_date, reason)) = p.exit {
                        exit_rows.push((
                            person_exits::person_id.eq(person_id),
                            person_exits::exit_date.eq(exit_date),
                            person_exits::reason.eq(reason.code()),
                            person_exits::recorded_at.eq(actor.at),
                            person_exits::recorded_by.eq(actor.user_id),
                        ));
                    }
                    for a in &p.activities {
                        activity_rows.push(NewActivityRow::of(actor, person_id, a));
                        count.activities += 1;
                    }
                    for (type_code, on, reason) in &p.declines {
                        decline_rows.push(NewDeclineRow::of(actor, person_id, type_code, *on, reason));
                        count.declines += 1;
                    }
                    // 9 values a row at most: 1 000 rows stay well within what a statement binds.
                    if activity_rows.len() >= 1_000 {
                        insert_rows!(conn, activities::table, activity_rows);
                    }
                    if decline_rows.len() >= 1_000 {
                        insert_rows!(conn, declines::table, decline_rows);
                    }
                    if exit_rows.len() >= 1_000 {
                        insert_rows!(conn, person_exits::table, exit_rows);
                    }
                }
            }
        }
        if !clashes.is_empty() {
            // Rolls the transaction back; the clashes are reported below.
            return Err(StoreError::invalid("import", Text::new("technical-detail").with("detail", "clashes")));
        }
        insert_rows!(conn, activities::table, activity_rows);
        insert_rows!(conn, declines::table, decline_rows);
        insert_rows!(conn, person_exits::table, exit_rows);
        crate::reporting::kept::changed(conn, &code)?;
        append_all(conn, actor, Action::Create, &made)?;
        (count.namesakes, count.namesakes_total) = namesakes(conn, actor, &code, before)?;
        Ok(count)
    });
    match outcome {
        Ok(count) => {
            // Many rows at once: the planner's statistics are brought up to date. The import
            // stands if this fails.
            if let Err(e) = crate::db::optimize(conn) {
                tracing::warn!(error = %e, "the statistics could not be updated after the import");
            }
            Ok(count)
        }
        Err(StoreError::Invalid { field: "import", .. }) => Err(ImportError::Invalid(clashes)),
        Err(e) => Err(ImportError::Store(e)),
    }
}

/// The file's persons (ids above `before`) with the name and birth date of a person registered
/// before in the municipality, whom no number tells apart (as a form warns of them). Those
/// named are logged as read.
fn namesakes(conn: &mut DbConn, actor: &Actor, code: &str, before: i32) -> Result<(Vec<Namesake>, usize), StoreError> {
    // A municipality's first file has no one to compare with: its persons are not looked up.
    let anyone_before: bool = diesel::select(diesel::dsl::exists(
        persons::table.filter(persons::municipality_code.eq(code)).filter(persons::id.le(before)),
    ))
    .get_result(conn)?;
    if !anyone_before {
        return Ok((Vec::new(), 0));
    }
    let registered = diesel::alias!(persons as registered);
    type Row =
        (Option<String>, Option<String>, Option<String>, Option<String>, i32, i32, Option<String>, Option<String>);
    let rows: Vec<Row> = persons::table
        .inner_join(households_table::table)
        .inner_join(
            registered.on(registered
                .field(persons::municipality_code)
                .eq(persons::municipality_code)
                .and(registered.field(persons::search_name).eq(persons::search_name))
                .and(registered.field(persons::birth_date).eq(persons::birth_date))
                .and(registered.field(persons::birth_date_known).eq(persons::birth_date_known))
                .and(registered.field(persons::id).le(before))),
        )
        .filter(persons::municipality_code.eq(code))
        .filter(persons::id.gt(before))
        .order((persons::id, registered.field(persons::id)))
        .select((
            households_table::reference,
            persons::reference,
            persons::personal_number,
            persons::dossier_number,
            registered.field(persons::id),
            registered.field(persons::household_id),
            registered.field(persons::personal_number),
            registered.field(persons::dossier_number),
        ))
        .load(conn)?;
    let found: Vec<Row> = rows
        .into_iter()
        .filter(|r| {
            etablera_domain::reception::search::may_be_same_person(
                [r.2.as_deref(), r.3.as_deref()],
                [r.6.as_deref(), r.7.as_deref()],
            )
        })
        .collect();
    // A person of the file may have several namesakes: each pair is named, the persons counted.
    let total = found.iter().map(|r| (&r.0, &r.1)).collect::<HashSet<_>>().len();
    let shown = &found[..found.len().min(NAMESAKES_SHOWN)];
    let household_ids: Vec<i32> = shown.iter().map(|r| r.5).collect();
    let labels: HashMap<i32, Option<String>> = households_table::table
        .filter(households_table::id.eq_any(household_ids))
        .select((households_table::id, households_table::reference))
        .load::<(i32, Option<String>)>(conn)?
        .into_iter()
        .collect();
    let records: Vec<Record> = shown.iter().map(|r| Record::new(PERSON, r.4).in_municipality(code)).collect();
    append_all(conn, actor, Action::Read, &records)?;
    let namesakes = shown
        .iter()
        .map(|r| Namesake {
            household: r.0.clone().unwrap_or_default(),
            person: r.1.clone().unwrap_or_default(),
            registered_household: households::label(r.5, labels.get(&r.5).cloned().flatten().as_deref()),
        })
        .collect();
    Ok((namesakes, total))
}

fn kr(money: Money) -> serde_json::Number {
    match money.whole_kr() {
        Some(kr) => kr.into(),
        None => serde_json::Number::from_f64(money.ore() as f64 / 100.0).expect("money is finite"),
    }
}

/// Writes a municipality's households in the exchange format. Exporting is logged.
pub fn export(conn: &mut DbConn, actor: &Actor, municipality_code: &str) -> crate::Result<ReceptionFile> {
    write(conn, |conn| {
        append(conn, actor, Action::Export, &Record::all(HOUSEHOLD).in_municipality(municipality_code))?;
        let list: Vec<households::Household> = households_table::table
            .filter(households_table::municipality_code.eq(municipality_code))
            .order(households_table::id)
            .select(households::Household::as_select())
            .load(conn)?;
        // A household registered by hand is named H and its id, unless an imported household
        // already carries that name.
        let taken: std::collections::HashSet<String> = list.iter().filter_map(|h| h.reference.clone()).collect();
        let name = |h: &households::Household| match &h.reference {
            Some(reference) => reference.clone(),
            None if taken.contains(&h.label()) => format!("etablera-{}", h.id),
            None => h.label(),
        };
        let mut out = Vec::new();
        for h in &list {
            let homes = housing::of_household(conn, h.id)?;
            let mut persons = Vec::new();
            for record in households::persons_of(conn, h.id)? {
                let p = &record.person;
                let (activities, declines, _) = plans::of_person(conn, p.id)?;
                let exit = record.current_exit();
                persons.push(PersonRecord {
                    reference: p.reference.clone().unwrap_or_else(|| format!("P{}", p.id)),
                    given_name: p.given_name.clone(),
                    family_name: p.family_name.clone(),
                    birth_date: p.birth().to_string(),
                    personal_number: p.personal_number.clone(),
                    dossier_number: p.dossier_number.clone(),
                    category: p.category.code().to_owned(),
                    reception_date: p.reception_date.map(|d| d.to_string()),
                    exit_date: exit.map(|e| e.exit_date.to_string()),
                    exit_reason: exit.map(|e| e.reason.code().to_owned()),
                    languages: p.languages().into_iter().map(str::to_owned).collect(),
                    interpreter_needed: p.interpreter_needed,
                    protected_identity: p.protected_identity,
                    activities: activities
                        .into_iter()
                        .map(|a| ActivityRecord {
                            type_code: a.type_code,
                            start: a.start_date.to_string(),
                            end: a.end_date.map(|d| d.to_string()),
                            hours_per_week: a.hours_per_week.map(|h| h as u32),
                            extent_percent: a.extent_percent.map(|e| e as u32),
                            note: a.note,
                        })
                        .collect(),
                    declined: declines
                        .into_iter()
                        .map(|d| DeclineRecord {
                            type_code: d.type_code,
                            date: d.declined_on.to_string(),
                            reason: d.reason,
                        })
                        .collect(),
                });
            }
            // The format holds one home: the newest.
            let housing = homes.into_iter().next().map(|(home, damages)| HousingRecord {
                address: home.address.clone(),
                landlord: home.landlord.clone(),
                start: home.contract_start.to_string(),
                end: Some(home.contract_end.to_string()),
                rent_kr: home.rent().map(kr),
                checklist: home.checklist().iter().map(|c| c.code().to_owned()).collect(),
                move_out: Some(home.move_out()).filter(|m| *m != Default::default()).map(|m| MoveOutRecord {
                    notice_date: m.notice_date.map(|d| d.to_string()),
                    keys_returned_on: m.keys_returned_on.map(|d| d.to_string()),
                    inspection_on: m.inspection_on.map(|d| d.to_string()),
                    inspection_result: m.inspection_result,
                }),
                damages: damages
                    .into_iter()
                    .map(|d| DamageRecord {
                        date: d.damage_date.to_string(),
                        description: d.description,
                        cost_kr: kr(Money::from_ore(d.cost_ore)),
                        tenant_pays: d.tenant_pays,
                    })
                    .collect(),
            });
            out.push(HouseholdRecord {
                reference: name(h),
                placement_date: h.placement_date.to_string(),
                expected_reception_date: h.expected_reception_date.map(|d| d.to_string()),
                unit: Some(h.unit.clone()),
                first_contact_at: h.first_contact_at.map(etablera_domain::time::to_rfc3339_local),
                first_contact_channel: h.first_contact_channel.clone(),
                housing,
                persons,
            });
        }
        let activity_types = plans::catalogue(conn)?
            .into_iter()
            .map(|t| ActivityTypeRecord { code: t.code, name: t.name, counts: t.counts.code().to_owned() })
            .collect();
        Ok(ReceptionFile {
            format: FORMAT.to_owned(),
            municipality_code: municipality_code.to_owned(),
            unit: None,
            activity_types,
            households: out,
        })
    })
}
