//! Demo users, one per role, with a shared password that says it is a demo; the seed's
//! co-financing; and a synthetic reception caseload.

mod economy;
mod national;
mod quality;
mod reception;

use etablera_domain::access::{Role, UserForm};
use etablera_domain::cofinancing::population::PopulationRow;
use etablera_domain::municipality;
use etablera_domain::time::Year;
use etablera_store::Store;
use etablera_store::access::users;
use etablera_store::cofinancing::population::{self, Source};
use etablera_store::cofinancing::{invoices, seed};

pub const DEMO_PASSWORD: &str = "demo-etablera-2026";

/// The municipality whose reception work the demo shows (seed 004).
const DEMO_MUNICIPALITY: &str = "0117";

/// What `demo` makes beside the demo itself.
#[derive(clap::Args, Default)]
pub struct DemoArgs {
    /// Also a synthetic national caseload of about this many persons over all 290
    /// municipalities (for trying Etablera at scale; 300000 is about Sweden's).
    #[arg(long, value_name = "PERSONS", value_parser = clap::value_parser!(u64).range(290..=2_000_000))]
    pub scale: Option<u64>,
}

/// About 35 households a year over three years: Österåker's size of reception.
const DEMO_HOUSEHOLDS: usize = 105;
/// Households from seven years ago, for the culling page.
const DEMO_LONG_AGO_HOUSEHOLDS: usize = 6;

struct DemoUser {
    username: &'static str,
    name: &'static str,
    role: Role,
    unit: Option<&'static str>,
}

const USERS: [DemoUser; 8] = [
    DemoUser { username: "demo-admin", name: "Demo Administratör", role: Role::Admin, unit: None },
    DemoUser {
        username: "demo-handlaggare",
        name: "Demo Handläggare",
        role: Role::CaseWorker,
        unit: Some("Mottagningsenheten"),
    },
    DemoUser {
        username: "demo-enhetschef",
        name: "Demo Enhetschef",
        role: Role::UnitManager,
        unit: Some("Mottagningsenheten"),
    },
    DemoUser { username: "demo-ekonom", name: "Demo Ekonom", role: Role::Finance, unit: None },
    DemoUser { username: "demo-namnd", name: "Demo Nämndsekreterare", role: Role::Committee, unit: None },
    DemoUser { username: "demo-samordnare", name: "Demo Samordnare", role: Role::RegionalCoordinator, unit: None },
    DemoUser { username: "demo-avtalskontakt", name: "Demo Avtalskontakt", role: Role::AgreementContact, unit: None },
    DemoUser { username: "demo-granskare", name: "Demo Granskare", role: Role::Auditor, unit: None },
];

/// Österåker (0117) runs the reception work of seed 004; the county board coordinates all of
/// Östergötland (05); Mjölby (0586) is the seed's municipality with a co-financing agreement.
fn municipalities_for(role: Role) -> Vec<&'static str> {
    match role {
        Role::RegionalCoordinator => {
            municipality::all().iter().filter(|m| m.county_code == "05").map(|m| m.code).collect()
        }
        Role::AgreementContact => vec!["0586"],
        _ => vec![DEMO_MUNICIPALITY],
    }
}

/// Creates the demo users when the database has no users; leaves a used database alone.
pub fn run(store: &Store, clock: etablera_store::Clock, args: &DemoArgs) -> anyhow::Result<()> {
    if store.with_conn(users::count)? > 0 {
        println!("Databasen har redan användare; inga demoanvändare skapades.");
        return Ok(());
    }
    let actor = super::terminal_actor(clock);
    // Through the same checks as the page's form.
    let new_users = USERS
        .iter()
        .map(|demo| {
            UserForm {
                username: demo.username.into(),
                display_name: demo.name.into(),
                password: DEMO_PASSWORD.into(),
                roles: vec![demo.role.code().into()],
                municipalities: municipalities_for(demo.role).join(","),
                unit: demo.unit.unwrap_or_default().into(),
                email: String::new(),
            }
            .check()
            .map_err(|e| anyhow::anyhow!("the demo's user {} does not pass: {e:?}", demo.username))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let (calculation_2016, figures_2017) = seed_populations();
    let caseload = serde_json::to_string(&reception::caseload(actor.today(), DEMO_HOUSEHOLDS))?;
    // Records written seven years ago, by an actor of that day: due for culling.
    let long_ago_day = actor
        .today()
        .checked_sub_months(chrono::Months::new(12 * reception::LONG_AGO_YEARS))
        .expect("seven years back is a day");
    let long_ago = serde_json::to_string(&reception::long_ago(long_ago_day, DEMO_LONG_AGO_HOUSEHOLDS))?;
    let then = etablera_domain::time::from_local(long_ago_day.and_hms_opt(12, 0, 0).expect("noon"))
        .expect("noon is on every day");
    // One transaction: a demo stopped half-way leaves nothing, and the next start seeds it whole.
    let (imported, old, economy, quality) = store.with_conn(|conn| {
        etablera_store::write(conn, |conn| {
            for new in &new_users {
                users::create(conn, &actor, new)?;
            }
            // The seed does not say which year's figures the 2016 calculation used; stored as
            // 2015, one year before, as the 2018 costs used 2017's.
            population::import(
                conn,
                &actor,
                2015,
                Source::Seed,
                Some("avtalet 2016: beräkningens folkmängd"),
                &calculation_2016,
            )?;
            population::import(conn, &actor, 2017, Source::Seed, Some("avtalet 2018: folkmängd 2017"), &figures_2017)?;
            let seeded = seed::ostergotland(conn, &actor)?;
            let years = [2016, 2017, 2018].map(|y| Year::new(y).expect("a year of the work"));
            for year in years {
                invoices::generate(conn, &actor, seeded.post_id, year)?;
            }
            seed::settle(conn, seeded.post_id, &years)?;
            seed::mjolby_history(conn, &actor, seeded.agreement("0586"))?;
            let imported =
                etablera_store::reception::exchange::import(conn, &actor, &caseload, super::import::DEFAULT_UNIT)
                    .map_err(|e| not_imported("caseload", e))?;
            let then_actor = etablera_store::access::Actor { at: then, ..actor.clone() };
            let old =
                etablera_store::reception::exchange::import(conn, &then_actor, &long_ago, super::import::DEFAULT_UNIT)
                    .map_err(|e| not_imported("long_ago", e))?;
            let economy = economy::run(conn, &actor, DEMO_MUNICIPALITY)?;
            let manager = etablera_store::access::users::find_id(conn, "demo-enhetschef")?;
            let quality = quality::run(conn, &actor, DEMO_MUNICIPALITY, manager)?;
            Ok((imported, old, economy, quality))
        })
    })?;
    let national = args.scale.map(|persons| national::run(store, &actor, persons)).transpose()?;
    println!("DEMO – skapade en demoanvändare per roll. Använd aldrig demokonton med riktiga uppgifter.");
    println!();
    for demo in &USERS {
        println!("  {:<20} {:<22} {}", demo.username, demo.role.code(), demo.name);
    }
    println!();
    println!("  Lösenord för alla demoanvändare: {DEMO_PASSWORD}");
    println!();
    println!("  Samfinansieringen i Östergötland: folkmängd enligt avtalens tabeller (447 744 och 450 318), tjänstens");
    println!("  kostnad 2016 och 2018, avtal med alla 13 kommuner i två versioner, fakturor 2016–2018 och Mjölbys");
    println!("  betalningar 2019–2023.");
    println!(
        "  Mottagningen i Österåker: {} påhittade hushåll med {} personer under knappt tre år.",
        imported.households, imported.persons
    );
    println!(
        "  Gallringen: {} hushåll med {} personer registrerade för sju år sedan, att gallra.",
        old.households, old.persons
    );
    println!(
        "  Ekonomin: {} kostnader, {} ansökningar med {} händelser, anslaget för {} år, kostnadsställen för SIE 1.",
        economy.costs, economy.claims, economy.steps, economy.grants
    );
    println!(
        "  Nämnden: {} klagomål och avvikelser (ett allvarligt), {} undertecknade månadsrapporter, beställningen med {} klara åtaganden och bemanningen.",
        quality.cases, quality.signed, quality.duties_done
    );
    if let Some(n) = national {
        println!(
            "  Hela landet (--scale): {} kommuner, {} påhittade hushåll med {} personer och {} aktiviteter under fyra år, {} kostnader.",
            n.municipalities, n.households, n.persons, n.activities, n.costs
        );
    }
    Ok(())
}

/// The demo's own files failed the import's checks: a fault in the demo, which stops it whole.
fn not_imported(what: &'static str, e: etablera_store::reception::exchange::ImportError) -> etablera_store::StoreError {
    match e {
        etablera_store::reception::exchange::ImportError::Store(e) => e,
        etablera_store::reception::exchange::ImportError::Invalid(errors) => etablera_store::StoreError::invalid(
            what,
            etablera_domain::text::Text::new("demo-not-imported").with("errors", format!("{errors:?}")),
        ),
    }
}

/// The two population columns printed in the seed's agreements (data/seed).
fn seed_populations() -> (Vec<PopulationRow>, Vec<PopulationRow>) {
    let text = include_str!("../../../../data/seed/ostergotland-population.csv");
    let column = |index: usize| -> Vec<PopulationRow> {
        text.lines()
            .enumerate()
            .skip(1)
            .map(|(i, line)| {
                let fields: Vec<&str> = line.split(',').collect();
                PopulationRow {
                    line: i + 1,
                    code: fields[0].parse().expect("the seed's codes are municipalities"),
                    name: fields[1].to_owned(),
                    population: fields[index].parse().expect("the seed's figures are numbers"),
                }
            })
            .collect()
    };
    (column(2), column(3))
}
