//! The reception exchange format, `etablera-reception/1`: households with persons, activities,
//! declines, first contacts, housing and damages, as `etablera import reception` reads it and
//! `etablera export reception` writes it. Reading checks everything and reports every error
//! with its JSON path; nothing is half-read.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::housing::{ChecklistItem, Damage, HousingDetails, MoveOut, default_contract_end};
use super::person::{ExitReason, PersonDetails, PersonInput};
use super::plan::{ActivityInput, ActivityType, check_decline};
use crate::input::{Invalid, date, optional_date, optional_text};
use crate::money::Money;
use crate::municipality::MunicipalityCode;
use crate::text::Text;

pub const FORMAT: &str = "etablera-reception/1";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReceptionFile {
    pub format: String,
    pub municipality_code: String,
    /// The unit the households belong to, unless a household names its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The activity catalogue the file's activities and declines use; types not yet known are
    /// added on import (a type known with another way of counting is an error).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub activity_types: Vec<ActivityTypeRecord>,
    pub households: Vec<HouseholdRecord>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ActivityTypeRecord {
    pub code: String,
    pub name: String,
    /// `hours` or `leave`.
    pub counts: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HouseholdRecord {
    #[serde(rename = "ref")]
    pub reference: String,
    pub placement_date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_reception_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default)]
    pub first_contact_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_contact_channel: Option<String>,
    #[serde(default)]
    pub housing: Option<HousingRecord>,
    pub persons: Vec<PersonRecord>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HousingRecord {
    pub address: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub landlord: Option<String>,
    pub start: String,
    /// Two years from the start when left out.
    #[serde(default)]
    pub end: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rent_kr: Option<serde_json::Number>,
    /// Checked items: beds, bedding, table, chairs, cooking, food.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checklist: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub move_out: Option<MoveOutRecord>,
    #[serde(default)]
    pub damages: Vec<DamageRecord>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct MoveOutRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keys_returned_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inspection_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inspection_result: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DamageRecord {
    pub date: String,
    pub description: String,
    pub cost_kr: serde_json::Number,
    pub tenant_pays: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PersonRecord {
    #[serde(rename = "ref")]
    pub reference: String,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: String,
    #[serde(default)]
    pub personal_number: Option<String>,
    #[serde(default)]
    pub dossier_number: Option<String>,
    pub category: String,
    #[serde(default)]
    pub reception_date: Option<String>,
    #[serde(default)]
    pub exit_date: Option<String>,
    /// moved, self_sufficient, two_years or other (the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub interpreter_needed: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub protected_identity: bool,
    #[serde(default)]
    pub activities: Vec<ActivityRecord>,
    #[serde(default)]
    pub declined: Vec<DeclineRecord>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ActivityRecord {
    #[serde(rename = "type")]
    pub type_code: String,
    pub start: String,
    #[serde(default)]
    pub end: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours_per_week: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extent_percent: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeclineRecord {
    #[serde(rename = "type")]
    pub type_code: String,
    pub date: String,
    pub reason: String,
}

/// A file read and checked, ready to be stored.
#[derive(Debug, Clone)]
pub struct Import {
    pub municipality_code: MunicipalityCode,
    /// The file's unit, for households that name none.
    pub unit: Option<String>,
    /// Types in the file that the catalogue does not have yet.
    pub new_types: Vec<ActivityType>,
    pub households: Vec<HouseholdImport>,
}

#[derive(Debug, Clone)]
pub struct HouseholdImport {
    /// `households[i]`, for errors found when storing.
    pub path: String,
    pub reference: String,
    pub unit: Option<String>,
    pub placement_date: NaiveDate,
    pub expected_reception_date: Option<NaiveDate>,
    /// UTC.
    pub first_contact_at: Option<NaiveDateTime>,
    pub first_contact_channel: Option<String>,
    pub housing: Option<HousingImport>,
    pub persons: Vec<PersonImport>,
}

#[derive(Debug, Clone)]
pub struct HousingImport {
    pub details: HousingDetails,
    pub move_out: MoveOut,
    pub damages: Vec<Damage>,
}

#[derive(Debug, Clone)]
pub struct PersonImport {
    pub path: String,
    pub reference: String,
    pub details: PersonDetails,
    pub exit: Option<(NaiveDate, ExitReason)>,
    pub activities: Vec<ActivityInput>,
    /// Type code, date, reason.
    pub declines: Vec<(String, NaiveDate, String)>,
}

/// Reads and checks a file against the activity catalogue; every error is returned.
pub fn read(text: &str, catalogue: &[ActivityType], today: NaiveDate) -> Result<Import, Vec<Invalid>> {
    // Read plainly first; only a file that cannot be read is read again with its path tracked,
    // to say where (tracking every field of a large file costs a third of its reading).
    let file: ReceptionFile = match serde_json::from_str(text) {
        Ok(file) => file,
        Err(_) => {
            let de = &mut serde_json::Deserializer::from_str(text);
            serde_path_to_error::deserialize(de).map_err(|e| {
                let path = e.path().to_string();
                vec![Invalid::new(
                    if path == "." { "$".to_owned() } else { path },
                    Text::new("import-unreadable").with("error", e.inner()),
                )]
            })?
        }
    };
    check(file, catalogue, today)
}

/// Collects errors while checking; each check keeps going so that all are reported.
struct Errors(Vec<Invalid>);

impl Errors {
    fn keep<T>(&mut self, path: &str, r: Result<T, Invalid>) -> Option<T> {
        r.map_err(|e| self.0.push(e.under(path))).ok()
    }

    fn push(&mut self, path: &str, field: &str, message: Text) {
        self.0.push(Invalid::new(format!("{path}.{field}"), message));
    }
}

fn check(file: ReceptionFile, catalogue: &[ActivityType], today: NaiveDate) -> Result<Import, Vec<Invalid>> {
    let mut errors = Errors(Vec::new());
    if file.format != FORMAT {
        errors.0.push(Invalid::new("format", Text::new("import-format").with("format", FORMAT)));
    }
    let municipality_code = file.municipality_code.parse::<MunicipalityCode>().map_err(|e| {
        errors.0.push(Invalid::new("municipality_code", e.text()));
    });
    // The file's unit follows the same rule as a household's.
    let unit =
        optional_text("unit", file.unit.as_deref(), 200, Text::new("what-unit")).map_err(|e| errors.0.push(e)).ok();
    let mut extended = catalogue.to_vec();
    let mut new_types = Vec::new();
    for (i, t) in file.activity_types.iter().enumerate() {
        let path = format!("activity_types[{i}]");
        let code = errors.keep(&path, super::plan::check_type_code(&t.code));
        let name = errors.keep(&path, crate::input::required_text("name", &t.name, 100, Text::new("what-type-name")));
        let counts = super::plan::Counts::from_code(&t.counts);
        if counts.is_none() {
            errors.push(&path, "counts", Text::new("import-counts"));
        }
        let (Some(code), Some(name), Some(counts)) = (code, name, counts) else { continue };
        match extended.iter().find(|k| k.code == code) {
            Some(known) if known.counts != counts => {
                errors.push(
                    &path,
                    "counts",
                    Text::new("import-counts-differ").with("code", &code).with("counts", known.counts.code()),
                );
            }
            Some(_) => {}
            None => {
                let report_row = (counts == super::plan::Counts::Hours).then(|| "other".to_owned());
                let new = ActivityType { code, name, counts, report_row };
                extended.push(new.clone());
                new_types.push(new);
            }
        }
    }
    let catalogue = extended.as_slice();
    // Where a reference or number was first seen, by index; its path is written only for an
    // error (a large file has a hundred thousand of them).
    let mut household_refs: HashMap<String, usize> = HashMap::with_capacity(file.households.len());
    let mut numbers: HashMap<(&str, String), (usize, usize)> = HashMap::new();
    let mut households = Vec::with_capacity(file.households.len());
    for (i, h) in file.households.into_iter().enumerate() {
        let path = format!("households[{i}]");
        if let Some(first) = household_refs.insert(h.reference.clone(), i) {
            errors.push(&path, "ref", Text::new("import-same-ref").with("first", format!("households[{first}]")));
        }
        if h.reference.trim().is_empty() {
            errors.push(&path, "ref", Text::new("import-household-ref"));
        }
        let placement_date = errors.keep(&path, date("placement_date", &h.placement_date));
        let expected_reception_date =
            errors.keep(&path, optional_date("expected_reception_date", h.expected_reception_date.as_deref()));
        let first_contact_at = match h.first_contact_at.as_deref().map(str::trim) {
            None | Some("") => Some(None),
            Some(t) => match chrono::DateTime::parse_from_rfc3339(t) {
                Ok(at) => {
                    let day = crate::time::to_local(at.naive_utc()).date();
                    match placement_date.map(|p| super::first_contact::check_contact_day(day, p, today)) {
                        Some(Err(message)) => {
                            errors.push(&path, "first_contact_at", message);
                            None
                        }
                        _ => Some(Some(at.naive_utc())),
                    }
                }
                Err(_) => {
                    errors.push(&path, "first_contact_at", Text::new("import-time-format"));
                    None
                }
            },
        };
        let first_contact_channel = errors.keep(
            &path,
            optional_text(
                "first_contact_channel",
                h.first_contact_channel.as_deref(),
                100,
                Text::new("what-contact-means"),
            ),
        );
        let unit = errors.keep(&path, optional_text("unit", h.unit.as_deref(), 200, Text::new("what-unit")));
        let housing = h.housing.map(|housing| check_housing(&format!("{path}.housing"), housing, &mut errors));
        if h.persons.is_empty() {
            errors.push(&path, "persons", Text::new("import-no-persons"));
        }
        // A person's ref names them within their household.
        let mut person_refs: HashMap<String, usize> = HashMap::with_capacity(h.persons.len());
        let mut persons = Vec::with_capacity(h.persons.len());
        for (j, p) in h.persons.into_iter().enumerate() {
            let ppath = format!("{path}.persons[{j}]");
            if let Some(first) = person_refs.insert(p.reference.clone(), j) {
                errors.push(
                    &ppath,
                    "ref",
                    Text::new("import-same-ref").with("first", format!("{path}.persons[{first}]")),
                );
            }
            for (field, number) in [("personal_number", &p.personal_number), ("dossier_number", &p.dossier_number)] {
                if let Some(n) = number.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
                    let digits: String = n.chars().filter(char::is_ascii_digit).collect();
                    if let Some((fi, fj)) = numbers.insert((field, digits), (i, j)) {
                        let first = format!("households[{fi}].persons[{fj}]");
                        errors.push(&ppath, field, Text::new("import-same-number").with("first", first));
                    }
                }
            }
            if let Some(placement_date) = placement_date {
                persons.push(check_person(&ppath, p, placement_date, catalogue, today, &mut errors));
            }
        }
        if let (
            Some(placement_date),
            Some(expected_reception_date),
            Some(first_contact_at),
            Some(first_contact_channel),
            Some(unit),
        ) = (placement_date, expected_reception_date, first_contact_at, first_contact_channel, unit)
        {
            households.push(HouseholdImport {
                path,
                reference: h.reference.trim().to_owned(),
                unit,
                placement_date,
                expected_reception_date,
                first_contact_at,
                first_contact_channel,
                housing: housing.flatten(),
                persons: persons.into_iter().flatten().collect(),
            });
        }
    }
    match municipality_code {
        Ok(municipality_code) if errors.0.is_empty() && unit.is_some() => {
            Ok(Import { municipality_code, unit: unit.flatten(), new_types, households })
        }
        _ => Err(errors.0),
    }
}

fn money(field: &'static str, n: &serde_json::Number) -> Result<Money, Invalid> {
    match Money::parse_kr(&n.to_string()) {
        Ok(m) if m.ore() >= 0 => Ok(m),
        _ => Err(Invalid::new(field, Text::new("import-money"))),
    }
}

fn check_housing(path: &str, h: HousingRecord, errors: &mut Errors) -> Option<HousingImport> {
    let start = errors.keep(path, date("start", &h.start));
    let end = errors.keep(path, optional_date("end", h.end.as_deref()));
    let rent = h.rent_kr.as_ref().map(|n| errors.keep(path, money("rent_kr", n)));
    let mut checklist = Vec::new();
    for (k, item) in h.checklist.iter().enumerate() {
        match ChecklistItem::from_code(item.trim()) {
            Some(item) => checklist.push(item),
            None => {
                let items: Vec<&str> = ChecklistItem::ALL.iter().map(|i| i.code()).collect();
                errors.push(
                    path,
                    &format!("checklist[{k}]"),
                    Text::new("import-checklist-item").with("items", items.join(", ")),
                )
            }
        }
    }
    let m = h.move_out.unwrap_or_default();
    let move_out = (|| -> Result<MoveOut, Invalid> {
        MoveOut {
            notice_date: optional_date("move_out.notice_date", m.notice_date.as_deref())?,
            keys_returned_on: optional_date("move_out.keys_returned_on", m.keys_returned_on.as_deref())?,
            inspection_on: optional_date("move_out.inspection_on", m.inspection_on.as_deref())?,
            inspection_result: m.inspection_result.clone(),
        }
        .check()
    })();
    let move_out = errors.keep(path, move_out);
    let (start, end) = (start?, end?);
    let details = errors.keep(
        path,
        HousingDetails {
            address: h.address,
            landlord: h.landlord.filter(|l| !l.trim().is_empty()),
            contract_start: start,
            contract_end: end.unwrap_or_else(|| default_contract_end(start)),
            rent: rent.flatten(),
            checklist,
        }
        .check()
        .map_err(|e| if e.field == "contract_end" { Invalid::new("end", e.message) } else { e }),
    );
    let mut damages = Vec::new();
    for (k, d) in h.damages.into_iter().enumerate() {
        let dpath = format!("{path}.damages[{k}]");
        let (Some(on), Some(cost)) =
            (errors.keep(&dpath, date("date", &d.date)), errors.keep(&dpath, money("cost_kr", &d.cost_kr)))
        else {
            continue;
        };
        let damage = Damage { date: on, description: d.description, cost, tenant_pays: d.tenant_pays };
        if let Some(damage) = errors.keep(&dpath, damage.check(start)) {
            damages.push(damage);
        }
    }
    Some(HousingImport { details: details?, move_out: move_out?, damages })
}

fn check_person(
    path: &str,
    p: PersonRecord,
    placement_date: NaiveDate,
    catalogue: &[ActivityType],
    today: NaiveDate,
    errors: &mut Errors,
) -> Option<PersonImport> {
    let input = PersonInput {
        given_name: &p.given_name,
        family_name: &p.family_name,
        birth_date: &p.birth_date,
        personal_number: p.personal_number.as_deref(),
        dossier_number: p.dossier_number.as_deref(),
        category: &p.category,
        languages: &p.languages,
        interpreter_needed: p.interpreter_needed,
        protected_identity: p.protected_identity,
        reception_date: p.reception_date.as_deref(),
    };
    let details = match input.check(placement_date, today) {
        Ok(d) => Some(d),
        Err(list) => {
            errors.0.extend(list.into_iter().map(|e| e.under(path)));
            None
        }
    };
    let exit_date = errors.keep(path, optional_date("exit_date", p.exit_date.as_deref()));
    let exit_reason = match p.exit_reason.as_deref() {
        None => Some(ExitReason::Other),
        Some(code) => {
            let reason = ExitReason::from_code(code.trim());
            if reason.is_none() {
                errors.push(path, "exit_reason", Text::new("import-exit-reason"));
            }
            reason
        }
    };
    if let (Some(d), Some(Some(exit))) = (&details, exit_date)
        && let Err(e) = super::person::check_exit(exit, d.reception_date)
    {
        errors.0.push(e.under(path));
    }
    let mut activities = Vec::new();
    for (k, a) in p.activities.into_iter().enumerate() {
        let apath = format!("{path}.activities[{k}]");
        let (Some(start), Some(end)) =
            (errors.keep(&apath, date("start", &a.start)), errors.keep(&apath, optional_date("end", a.end.as_deref())))
        else {
            continue;
        };
        let input = ActivityInput {
            type_code: a.type_code,
            start,
            end,
            hours_per_week: a.hours_per_week,
            extent_percent: a.extent_percent,
            note: a.note,
        };
        if let Some((activity, _)) = errors.keep(&apath, input.check(catalogue)) {
            activities.push(activity);
        }
    }
    let mut declines = Vec::new();
    for (k, d) in p.declined.into_iter().enumerate() {
        let dpath = format!("{path}.declined[{k}]");
        let on = errors.keep(&dpath, date("date", &d.date));
        let checked = errors.keep(&dpath, check_decline(catalogue, &d.type_code, &d.reason));
        if let (Some(on), Some((code, reason))) = (on, checked) {
            declines.push((code, on, reason));
        }
    }
    Some(PersonImport {
        path: path.to_owned(),
        reference: p.reference.trim().to_owned(),
        details: details?,
        exit: exit_date?.zip(exit_reason),
        activities,
        declines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reception::plan::Counts;

    fn catalogue() -> Vec<ActivityType> {
        ["sfi", "internship", "other"]
            .iter()
            .map(|c| ActivityType { code: (*c).into(), name: (*c).into(), counts: Counts::Hours, report_row: None })
            .chain([ActivityType {
                code: "parental_leave".into(),
                name: "Föräldraledighet".into(),
                counts: Counts::Leave,
                report_row: None,
            }])
            .collect()
    }

    const EXAMPLE: &str = r#"{
      "format": "etablera-reception/1",
      "municipality_code": "0117",
      "households": [
        {
          "ref": "H1",
          "placement_date": "2024-01-10",
          "first_contact_at": "2024-02-02T10:30:00+01:00",
          "housing": {
            "address": "Exempelgatan 1, 184 00 Åkersberga",
            "start": "2024-02-01", "end": "2026-01-31",
            "damages": [ { "date": "2024-05-03", "description": "Trasig dörr", "cost_kr": 1200, "tenant_pays": true } ]
          },
          "persons": [
            {
              "ref": "P1", "given_name": "Test", "family_name": "Testsson",
              "birth_date": "1990-01-01", "personal_number": "199001012385",
              "dossier_number": "12-345678", "category": "resettled",
              "reception_date": "2024-02-01", "exit_date": null,
              "activities": [ { "type": "sfi", "start": "2024-02-15", "end": null, "hours_per_week": 15 } ],
              "declined": [ { "type": "internship", "date": "2024-03-02", "reason": "…" } ]
            }
          ]
        }
      ]
    }"#;

    fn today() -> NaiveDate {
        "2026-11-24".parse().unwrap()
    }

    #[test]
    fn the_issues_example_reads() {
        let import = read(EXAMPLE, &catalogue(), today()).unwrap();
        let h = &import.households[0];
        assert_eq!(h.first_contact_at.unwrap().to_string(), "2024-02-02 09:30:00", "stored in UTC");
        let housing = h.housing.as_ref().unwrap();
        assert_eq!(housing.damages[0].cost, Money::from_kr(1200));
        let p = &h.persons[0];
        assert_eq!(p.activities[0].hours_per_week, Some(15));
        assert_eq!(p.declines[0].0, "internship");
    }

    #[test]
    fn every_error_is_named_by_its_path() {
        let bad = EXAMPLE
            .replace("199001012385", "199001012384")
            .replace("\"hours_per_week\": 15", "\"hours_per_week\": 45")
            .replace("\"type\": \"internship\"", "\"type\": \"yoga\"")
            .replace("\"cost_kr\": 1200", "\"cost_kr\": -5");
        let errors = read(&bad, &catalogue(), today()).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(
            fields,
            [
                "households[0].housing.damages[0].cost_kr",
                "households[0].persons[0].personal_number",
                "households[0].persons[0].activities[0].hours_per_week",
                "households[0].persons[0].declined[0].type",
            ]
        );
    }

    #[test]
    fn a_broken_file_names_the_place() {
        let bad = EXAMPLE.replace("\"tenant_pays\": true", "\"tenant_pays\": \"ja\"");
        let errors = read(&bad, &catalogue(), today()).unwrap_err();
        assert_eq!(errors[0].field, "households[0].housing.damages[0].tenant_pays");
    }

    #[test]
    fn the_same_person_twice_is_caught() {
        let file: serde_json::Value = serde_json::from_str(EXAMPLE).unwrap();
        let mut twice = file.clone();
        let person = twice["households"][0]["persons"][0].clone();
        let mut copy = person.clone();
        copy["ref"] = "P2".into();
        copy["personal_number"] = serde_json::Value::Null;
        twice["households"][0]["persons"].as_array_mut().unwrap().push(copy);
        let errors = read(&twice.to_string(), &catalogue(), today()).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "households[0].persons[1].dossier_number");
        assert_eq!(errors[0].message, Text::new("import-same-number").with("first", "households[0].persons[0]"));
    }

    #[test]
    fn a_reference_used_twice_names_where_it_was_first() {
        let mut file: serde_json::Value = serde_json::from_str(EXAMPLE).unwrap();
        let mut second = file["households"][0].clone();
        second["persons"][0]["personal_number"] = serde_json::Value::Null;
        second["persons"][0]["dossier_number"] = serde_json::Value::Null;
        let mut person = second["persons"][0].clone();
        person["given_name"] = "Annan".into();
        second["persons"].as_array_mut().unwrap().push(person);
        file["households"].as_array_mut().unwrap().push(second);
        let errors = read(&file.to_string(), &catalogue(), today()).unwrap_err();
        let found: Vec<(&str, &Text)> = errors.iter().map(|e| (e.field.as_ref(), &e.message)).collect();
        assert_eq!(
            found,
            [
                ("households[1].ref", &Text::new("import-same-ref").with("first", "households[0]")),
                (
                    "households[1].persons[1].ref",
                    &Text::new("import-same-ref").with("first", "households[1].persons[0]")
                ),
            ]
        );
    }

    #[test]
    fn the_file_may_bring_activity_types_the_catalogue_lacks() {
        let file = EXAMPLE
            .replace("\"type\": \"sfi\"", "\"type\": \"yrkessvenska\"")
            .replace("\"households\": [", "\"activity_types\": [{\"code\": \"yrkessvenska\", \"name\": \"Yrkessvenska\", \"counts\": \"hours\"}],\n\"households\": [");
        let import = read(&file, &catalogue(), today()).unwrap();
        assert_eq!(import.new_types[0].code, "yrkessvenska");
        let clash = file.replace(
            "\"counts\": \"hours\"}",
            "\"counts\": \"leave\"}, {\"code\": \"sfi\", \"name\": \"SFI\", \"counts\": \"leave\"}",
        );
        let errors = read(&clash, &catalogue(), today()).unwrap_err();
        assert_eq!(errors[0].field, "activity_types[1].counts");
    }

    #[test]
    fn leave_carries_an_extent_and_housing_ends_after_two_years_by_default() {
        let file = EXAMPLE
            .replace(
                "\"type\": \"sfi\", \"start\": \"2024-02-15\", \"end\": null, \"hours_per_week\": 15",
                "\"type\": \"parental_leave\", \"start\": \"2024-02-15\", \"extent_percent\": 50",
            )
            .replace(", \"end\": \"2026-01-31\"", "");
        let import = read(&file, &catalogue(), today()).unwrap();
        let h = &import.households[0];
        assert_eq!(h.persons[0].activities[0].extent_percent, Some(50));
        assert_eq!(h.housing.as_ref().unwrap().details.contract_end.to_string(), "2026-01-31");
    }
}
