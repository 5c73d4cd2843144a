use std::process::ExitCode;

use clap::Args;
use etablera_domain::access::culling::rule_on;
use etablera_domain::municipality::{MunicipalityCode, name_of};
use etablera_domain::text::Text;
use etablera_store::Store;
use etablera_store::access::culling::{self, Culled, DueList};
use etablera_store::paging::Paging;

use super::terminal_actor;
use crate::config::Settings;

#[derive(Args)]
pub struct CullArgs {
    /// List the records due and what holds any back, without changing anything.
    #[arg(long)]
    dry_run: bool,
    /// Only this municipality (four digits).
    #[arg(long, value_parser = super::args::municipality)]
    municipality: Option<MunicipalityCode>,
}

pub fn run(args: CullArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let store = Store::open(&settings.database)?;
    let actor = terminal_actor(settings.clock);
    let today = actor.today();
    let Some(rule) = rule_on(today) else {
        println!("{}", Text::new("culling-no-rule").with("day", today).swedish());
        return Ok(ExitCode::SUCCESS);
    };
    println!("{}", Text::new("culling-rule").with("years", rule.years).with("source", &rule.source).swedish());
    let code = args.municipality.as_ref().map(|m| m.as_str().to_owned());
    if args.dry_run {
        let lists = store.with_conn(|conn| match &code {
            Some(code) => {
                let list = culling::due(conn, &actor, code, today, Paging::new(None, Some(Paging::MAX_PER_PAGE)))?;
                Ok(vec![(code.clone(), list)])
            }
            None => culling::due_everywhere(conn, &actor, today),
        })?;
        if lists.iter().all(|(_, l)| l.page.total == 0) {
            println!("{}", Text::new("culling-nothing-due").swedish());
        }
        for (code, list) in lists.iter().filter(|(_, l)| l.page.total > 0) {
            print_due(code, list);
        }
        println!("{}", Text::new("culling-dry-run").swedish());
        return Ok(ExitCode::SUCCESS);
    }
    let culled = store.with_conn(|conn| match &code {
        Some(code) => culling::cull_municipality(conn, &actor, code),
        None => culling::cull_all(conn, &actor),
    })?;
    println!("{}", done(culled).swedish());
    Ok(ExitCode::SUCCESS)
}

fn print_due(code: &str, list: &DueList) {
    println!(
        "{}",
        Text::new("culling-due-summary")
            .with("municipality", format!("{code} {}", name_of(code)))
            .with("due", list.page.total)
            .with("blocked", list.blocked)
            .swedish()
    );
    for due in &list.page.rows {
        let mut line = Text::new("culling-row")
            .with("household", due.household_id)
            .with("unit", &due.unit)
            .with("persons", due.persons)
            .with("last", due.last_entry)
            .with("due_on", due.schedule.due_on)
            .with("finish_by", due.schedule.finish_by)
            .swedish();
        for blocker in &due.blockers {
            line.push_str(&format!(
                " – {}",
                Text::new("culling-row-blocked").with_text("why", blocker.text()).swedish()
            ));
        }
        println!("  {line}");
    }
    let more = list.page.total.saturating_sub(list.page.rows.len() as u64);
    if more > 0 {
        println!("  {}", Text::new("culling-more").with("more", more).swedish());
    }
}

/// What a round of culling did, said once for the command line and the server's log.
pub fn done(culled: Culled) -> Text {
    Text::new("culling-done")
        .with("households", culled.households)
        .with("persons", culled.persons)
        .with("notes", culled.notes)
        .with("documents", culled.documents)
        .with("blocked", culled.blocked)
}
