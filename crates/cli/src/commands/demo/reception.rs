//! A synthetic reception caseload for the demo: about three years of households placed in
//! Österåker, the size of its reception, in the exchange format and stored through the same
//! import as real files. Names are plainly invented (family names such as Provsson), numbers
//! have valid check digits, and the same day gives the same data.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime};
use etablera_domain::identity::luhn_check_digit;
use etablera_domain::reception::exchange::{
    ActivityRecord, DamageRecord, DeclineRecord, FORMAT, HouseholdRecord, HousingRecord, MoveOutRecord, PersonRecord,
    ReceptionFile,
};
use etablera_domain::reception::housing::ChecklistItem;
use etablera_domain::reception::person::{Category, ExitReason};

const GIVEN: [&str; 24] = [
    "Amina", "Yusuf", "Hawa", "Omar", "Layla", "Karim", "Noor", "Samir", "Fatima", "Ali", "Zainab", "Hassan", "Mariam",
    "Ahmad", "Ruth", "Daniel", "Sara", "Josef", "Leila", "Ibrahim", "Hiwot", "Dawit", "Nasrin", "Reza",
];
const FAMILY: [&str; 12] = [
    "Provsson",
    "Testberg",
    "Exempelsson",
    "Demosson",
    "Påhittad",
    "Övningsdotter",
    "Fiktivsson",
    "Låtsasson",
    "Modellström",
    "Mallberg",
    "Prövare",
    "Testdotter",
];
const LANGUAGES: [&str; 8] =
    ["arabiska", "dari", "tigrinja", "somaliska", "ukrainska", "persiska", "amhariska", "kurdiska"];
const CHANNELS: [&str; 4] = ["Hembesök", "Möte på kontoret", "Telefon med tolk", "Möte vid ankomsten"];

/// A small, seeded generator: the demo must be the same on every machine.
pub(super) struct Dice(pub(super) u64);

impl Dice {
    pub(super) fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub(super) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    pub(super) fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.below(list.len() as u64) as usize]
    }

    fn days(&mut self, from: i64, to: i64) -> Duration {
        Duration::days(from + self.below((to - from + 1) as u64) as i64)
    }
}

/// A personnummer with a valid check digit. Each person has a serial of their own (below 1000),
/// so no two numbers are the same whatever the birth dates.
fn personal_number(birth: NaiveDate, serial: u32) -> String {
    assert!(serial < 1000, "a serial has three digits");
    let body = format!("{:02}{:02}{:02}{serial:03}", birth.year() % 100, birth.month(), birth.day());
    let digits: Vec<u8> = body.bytes().map(|b| b - b'0').collect();
    format!("{}{serial:03}{}", birth.format("%Y%m%d"), luhn_check_digit(&digits))
}

fn activity(
    type_code: &str,
    start: NaiveDate,
    end: Option<NaiveDate>,
    hours: Option<u32>,
    extent: Option<u32>,
) -> ActivityRecord {
    ActivityRecord {
        type_code: type_code.into(),
        start: start.to_string(),
        end: end.map(|d| d.to_string()),
        hours_per_week: hours,
        extent_percent: extent,
        note: None,
    }
}

/// Where a caseload is placed, and how its numbers are kept apart from another's in the same
/// municipality.
pub struct Place<'a> {
    pub municipality_code: &'a str,
    pub town: &'a str,
    /// Household references start with it (`D000`).
    pub prefix: &'a str,
    pub seed: u64,
    pub months: i64,
    /// The demo's newest households are made to give the start pages their work.
    pub demo_cases: bool,
    /// Personnummer serials from here (below 1000), dossier numbers' first two digits from here.
    pub serial_base: u32,
    pub dossier_base: u32,
}

/// The demo's Österåker: about three years.
const DEMO: Place<'static> = Place {
    municipality_code: "0117",
    town: "Åkersberga",
    prefix: "D",
    seed: 0x0117_2026,
    months: 34,
    demo_cases: true,
    serial_base: 0,
    dossier_base: 10,
};

/// Österåker's reception eight to seven years ago, long done: records for the culling page.
const LONG_AGO: Place<'static> = Place {
    municipality_code: "0117",
    town: "Åkersberga",
    prefix: "G",
    seed: 0x0117_2018,
    months: 12,
    demo_cases: false,
    serial_base: 900,
    dossier_base: 90,
};

/// How far back the records to cull were written.
pub const LONG_AGO_YEARS: u32 = 7;

/// `households` households placed over the year before `day` (seven years before the demo's
/// today), in Österåker.
/// All but the last two households ended their activities by `day`: those two wait on the
/// culling page for someone to end them. Without numbers: the demo's other caseloads use every
/// range of them, in the same municipality.
pub fn long_ago(day: NaiveDate, households: usize) -> ReceptionFile {
    let mut file = generate(day, &LONG_AGO, households);
    let ended = households.saturating_sub(2);
    for (n, household) in file.households.iter_mut().enumerate() {
        for person in &mut household.persons {
            (person.personal_number, person.dossier_number) = (None, None);
            if n < ended {
                for activity in &mut person.activities {
                    activity.end.get_or_insert_with(|| day.to_string());
                }
            }
        }
    }
    file
}

/// `households` households placed over the 34 months before `today`, in Österåker.
pub fn caseload(today: NaiveDate, households: usize) -> ReceptionFile {
    generate(today, &DEMO, households)
}

/// `households` households placed over the place's months before `today`.
pub fn generate(today: NaiveDate, place: &Place<'_>, households: usize) -> ReceptionFile {
    let mut dice = Dice(place.seed);
    let first = today - Duration::days(place.months * 30);
    let span = (today - first).num_days();
    let mut serial = 0u32;
    // A personnummer is a birth date and a serial: one already given is left out.
    let mut given = std::collections::HashSet::new();
    let mut out = Vec::new();
    for n in 0..households {
        // Evenly spread, with the last few placed recently so that the start pages have work.
        let placement = first + Duration::days(span * n as i64 / households as i64) + dice.days(0, 5);
        let placement = placement.min(today - Duration::days(1));
        let mut reception = placement + dice.days(7, 35);
        // The newest four: a quota family of five (below), one first contact overdue, one due,
        // one household on its way.
        match households - n {
            4 if place.demo_cases => reception = today - Duration::days(10),
            3 if place.demo_cases => reception = today - Duration::days(4),
            2 if place.demo_cases => reception = today - Duration::days(1),
            1 if place.demo_cases => reception = today + Duration::days(6),
            _ => {}
        }
        let placement = placement.min(reception - Duration::days(3));
        let received = reception <= today;
        let recently = (today - reception).num_days() < 5;
        let family = dice.pick(&FAMILY);
        let mut resettled = dice.chance(60);
        let language = dice.pick(&LANGUAGES);
        let mut adults = 1 + dice.below(2) as usize;
        let mut children = dice.below(4) as usize;
        // The fourth newest: a quota family of five received ten days ago, whose initial costs
        // the finance officer has yet to record.
        if place.demo_cases && households - n == 4 {
            (resettled, adults, children) = (true, 2, 3);
        }
        let mut persons = Vec::new();
        for i in 0..adults + children {
            let adult = i < adults;
            let birth = if adult {
                reception - Duration::days(365 * 20) - dice.days(0, 365 * 30)
            } else {
                reception - Duration::days(300) - dice.days(0, 365 * 16)
            };
            serial += 1;
            let mut activities = Vec::new();
            let mut declined = Vec::new();
            let mut exit = None;
            if adult && received {
                let sfi_start = reception + dice.days(10, 25);
                let sfi_end = sfi_start + dice.days(300, 600);
                if sfi_start <= today {
                    activities.push(activity("sfi", sfi_start, Some(sfi_end).filter(|e| *e <= today), Some(15), None));
                    let civic = sfi_start + dice.days(7, 30);
                    if civic <= today {
                        activities.push(activity(
                            "civic_orientation",
                            civic,
                            Some(civic + Duration::days(90)),
                            Some(4),
                            None,
                        ));
                    }
                    activities.push(activity("establishment_plan", sfi_start, None, Some(10), None));
                }
                if i == 1 && children > 0 && dice.chance(50) {
                    activities.push(activity("parental_leave", reception + Duration::days(20), None, None, Some(50)));
                }
                let next = sfi_start + dice.days(150, 400);
                if next <= today {
                    let kind = dice.pick(&["internship", "job_track", "new_start_job", "studies", "internship"]);
                    let end = next + dice.days(60, 240);
                    activities.push(activity(kind, next, Some(end).filter(|e| *e <= today), Some(20), None));
                    if dice.chance(20) {
                        declined.push(DeclineRecord {
                            type_code: dice.pick(&["internship", "job_track", "extra_job"]).into(),
                            date: (next - Duration::days(20)).to_string(),
                            reason: "Vill först bli klar med SFI-kursen".into(),
                        });
                    }
                    let job = end + dice.days(10, 120);
                    if job <= today && dice.chance(35) {
                        activities.push(activity("permanent_employment", job, None, Some(40), None));
                        let self_sufficient = job + Duration::days(90);
                        if self_sufficient <= today {
                            exit = Some((self_sufficient, ExitReason::SelfSufficient));
                        }
                    }
                }
            }
            let two_years = reception + Duration::days(730);
            if exit.is_none() && received && two_years <= today {
                exit = Some((two_years, ExitReason::TwoYears));
            }
            if exit.is_none() && received && dice.chance(4) {
                let moved = reception + dice.days(60, 500);
                if moved <= today {
                    exit = Some((moved, ExitReason::Moved));
                }
            }
            persons.push(PersonRecord {
                reference: format!("{}{n:03}P{i}", place.prefix),
                given_name: dice.pick(&GIVEN).into(),
                family_name: family.into(),
                birth_date: birth.to_string(),
                personal_number: received
                    .then(|| personal_number(birth, place.serial_base + serial % (1000 - place.serial_base)))
                    .filter(|number| given.insert(number.clone())),
                dossier_number: Some(format!(
                    "{:02}-{:06}",
                    place.dossier_base + n as u32 % (100 - place.dossier_base).min(80),
                    100_000 + serial
                )),
                category: if resettled { Category::Resettled } else { Category::NewlyArrived }.code().into(),
                reception_date: received.then(|| reception.to_string()),
                exit_date: exit.map(|(d, _)| d.to_string()),
                exit_reason: exit.map(|(_, r)| r.code().to_owned()),
                languages: vec![language.to_owned()],
                interpreter_needed: adult && dice.chance(80),
                protected_identity: n % 41 == 7 && i == 0,
                activities,
                declined,
            });
        }
        let housing = (resettled || dice.chance(30)).then(|| {
            let start = reception - Duration::days(3);
            let end = start + Duration::days(730) - Duration::days(1);
            let mut damages = Vec::new();
            if received && dice.chance(15) {
                let date = reception + dice.days(30, 400);
                if date <= today {
                    damages.push(DamageRecord {
                        date: date.to_string(),
                        description: dice
                            .pick(&[
                                "Trasig dörr",
                                "Vattenskada i badrummet",
                                "Sönderslagen ruta",
                                "Fläckig heltäckningsmatta",
                            ])
                            .into(),
                        cost_kr: (500 + dice.below(60) * 100).into(),
                        tenant_pays: dice.chance(50),
                    });
                }
            }
            let moved_out = end < today;
            HousingRecord {
                address: format!("Demovägen {}, 184 {:02} {}", 1 + n, 30 + n % 60, place.town),
                landlord: Some(format!("{} demobostäder", place.town)),
                start: start.to_string(),
                end: Some(end.to_string()),
                rent_kr: Some((5500 + dice.below(30) * 100).into()),
                checklist: ChecklistItem::ALL.iter().map(|item| item.code().to_owned()).collect(),
                move_out: moved_out.then(|| MoveOutRecord {
                    notice_date: Some((end - Duration::days(90)).to_string()),
                    keys_returned_on: Some(end.to_string()),
                    inspection_on: Some(end.to_string()),
                    inspection_result: Some("Godkänd".into()),
                }),
                damages,
            }
        });
        let contacted = received && !recently;
        let contact_day = reception + if dice.chance(10) { Duration::days(3) } else { dice.days(0, 2) };
        out.push(HouseholdRecord {
            reference: format!("{}{n:03}", place.prefix),
            placement_date: placement.to_string(),
            expected_reception_date: (!received).then(|| reception.to_string()),
            unit: None,
            first_contact_at: contacted.then(|| {
                let at = contact_day.and_time(NaiveTime::from_hms_opt(9 + dice.below(7) as u32, 0, 0).expect("a time"));
                etablera_domain::time::from_local(at)
                    .map(etablera_domain::time::to_rfc3339_local)
                    .expect("a daytime hour exists")
            }),
            first_contact_channel: contacted.then(|| dice.pick(&CHANNELS).to_owned()),
            housing,
            persons,
        });
    }
    ReceptionFile {
        format: FORMAT.into(),
        municipality_code: place.municipality_code.into(),
        unit: None,
        activity_types: Vec::new(),
        households: out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_caseload_passes_the_import_checks_and_has_work_for_today() {
        let today: NaiveDate = "2026-11-24".parse().unwrap();
        let file = caseload(today, 105);
        let catalogue: Vec<_> = [
            "sfi",
            "civic_orientation",
            "establishment_plan",
            "internship",
            "job_track",
            "new_start_job",
            "studies",
            "extra_job",
            "permanent_employment",
        ]
        .iter()
        .map(|c| etablera_domain::reception::plan::ActivityType {
            code: (*c).into(),
            name: (*c).into(),
            counts: etablera_domain::reception::plan::Counts::Hours,
            report_row: None,
        })
        .chain([etablera_domain::reception::plan::ActivityType {
            code: "parental_leave".into(),
            name: "parental_leave".into(),
            counts: etablera_domain::reception::plan::Counts::Leave,
            report_row: None,
        }])
        .collect();
        let text = serde_json::to_string(&file).unwrap();
        let import = etablera_domain::reception::exchange::read(&text, &catalogue, today).unwrap();
        assert_eq!(import.households.len(), 105);
        assert!(
            import
                .households
                .iter()
                .any(|h| h.first_contact_at.is_none() && h.persons.iter().any(|p| p.details.reception_date.is_some()))
        );
        assert!(import.households.iter().any(|h| h.expected_reception_date.is_some()), "some are on their way");
    }
}
