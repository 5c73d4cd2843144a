//! `etablera calc`: the co-financing calculations, on the same domain functions as the pages.
//! Amounts in JSON are integers in öre.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{ArgAction, Subcommand, ValueEnum};
use etablera_domain::agreements::{Period, RefundPolicy, TerminationInput, VacancyInput, terminate, vacancy_refund};
use etablera_domain::cofinancing::population::{LineError, parse_population_csv, parse_stated_table_csv};
use etablera_domain::cofinancing::{Claimant, CostModel, Percent, StatedRow, Unit, apportion, check_table};
use etablera_domain::economy::eligibility::Household;
use etablera_domain::money::Money;
use serde_json::json;

/// Bad input: the command exits 2 with the message.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct InputError(pub String);

fn bad(message: impl Into<String>) -> anyhow::Error {
    InputError(message.into()).into()
}

fn kr(text: &str) -> Result<Money, String> {
    Money::parse_kr(text).map_err(|e| e.text().swedish())
}

#[derive(Clone, Copy, ValueEnum)]
pub enum UnitArg {
    Kr,
    Ore,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum PolicyArg {
    None,
    FromMonthAfterEnd,
}

#[derive(Subcommand)]
pub enum CalcCommand {
    /// A post's cost for a number of months: salary plus on-costs, plus overhead per month.
    Cost {
        #[arg(long, value_parser = kr, value_name = "KR")]
        monthly_salary_kr: Money,
        /// Social fees and other on-costs, in percent of the salary (e.g. 48 or 31,42).
        #[arg(long, value_name = "PERCENT", value_parser = super::args::percent)]
        on_cost_percent: Percent,
        /// Overhead per month, added after the on-costs.
        #[arg(long, value_parser = kr, value_name = "KR", default_value = "0")]
        overhead_kr: Money,
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1200))]
        months: u32,
        #[arg(long)]
        json: bool,
    },
    /// Split a total by population with the largest remainder method.
    Apportion {
        #[arg(long, value_parser = kr, value_name = "KR")]
        total_kr: Money,
        /// A CSV file headed code,name,population.
        #[arg(long, value_name = "FILE.csv")]
        populations: PathBuf,
        /// Round to whole kronor (default) or to öre.
        #[arg(long, value_enum, default_value = "kr")]
        unit: UnitArg,
        #[arg(long)]
        json: bool,
    },
    /// Check a printed table against the exact allocation of its total.
    Audit {
        #[arg(long, value_parser = kr, value_name = "KR")]
        total_kr: Money,
        /// A CSV file headed code,name,population,stated_kr.
        #[arg(long, value_name = "FILE.csv")]
        table: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// End date and refund (or final amount) when a party gives notice.
    Termination {
        #[arg(long, value_name = "YYYY-MM-DD")]
        notice_date: NaiveDate,
        #[arg(long, value_parser = clap::value_parser!(u32).range(0..=120))]
        notice_months: u32,
        /// The invoicing period, START:END.
        #[arg(long, value_name = "YYYY-MM-DD:YYYY-MM-DD", value_parser = super::args::period)]
        period: Period,
        /// The party's amount for the whole period.
        #[arg(long, value_parser = kr, value_name = "KR")]
        amount_kr: Money,
        /// Whether the period is invoiced and paid.
        #[arg(long, action = ArgAction::Set, value_name = "true|false")]
        paid: bool,
        #[arg(long, value_enum)]
        refund_policy: PolicyArg,
        #[arg(long)]
        json: bool,
    },
    /// How much of an initial cost Migrationsverket reimburses, under the rules table in force on
    /// the reception date, and the claim's deadline.
    Reimbursable {
        /// The cost category, e.g. food_first_day, clothes or home_equipment.
        #[arg(long)]
        category: String,
        /// The amount excluding VAT.
        #[arg(long, value_parser = kr, value_name = "KR")]
        amount_kr: Money,
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=50))]
        household_size: u32,
        /// How many in the household are quota refugees (all unless given): the initial costs
        /// of quota refugees cover and count them only.
        #[arg(long, value_parser = clap::value_parser!(u32).range(0..=50))]
        resettled: Option<u32>,
        #[arg(long, value_name = "YYYY-MM-DD")]
        reception_date: NaiveDate,
        #[arg(long)]
        json: bool,
    },
    /// The refund for a vacancy in the post.
    Vacancy {
        #[arg(long, value_name = "YYYY-MM-DD:YYYY-MM-DD", value_parser = super::args::period)]
        vacancy: Period,
        #[arg(long, value_name = "YYYY-MM-DD:YYYY-MM-DD", value_parser = super::args::period)]
        period: Period,
        #[arg(long, value_parser = kr, value_name = "KR")]
        amount_kr: Money,
        /// Refund only vacancies longer than this many months.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=120))]
        threshold_months: Option<u32>,
        #[arg(long)]
        json: bool,
    },
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).map_err(|e| bad(format!("kan inte läsa {}: {e}", path.display())))
}

fn line_errors(path: &Path, errors: Vec<LineError>) -> anyhow::Error {
    let lines: Vec<String> = errors.iter().map(|e| format!("  {e}")).collect();
    bad(format!("{} har fel; inget räknades:\n{}", path.display(), lines.join("\n")))
}

fn print_json(value: serde_json::Value) {
    println!("{value}");
}

/// The rules table is read only by `reimbursable`; the other calculations need no database.
pub fn run(command: CalcCommand, database: &etablera_store::DatabaseUrl) -> anyhow::Result<ExitCode> {
    match command {
        CalcCommand::Reimbursable { category, amount_kr, household_size, resettled, reception_date, json } => {
            let resettled = resettled.unwrap_or(household_size);
            if resettled > household_size {
                return Err(bad("fler kvotflyktingar (--resettled) än personer i hushållet (--household-size)"));
            }
            let household = Household { members: household_size, resettled };
            let store = etablera_store::Store::open(database)?;
            reimbursable(&store, &category, amount_kr, household, reception_date, json)?;
        }
        CalcCommand::Cost { monthly_salary_kr, on_cost_percent, overhead_kr, months, json } => {
            let model = CostModel {
                monthly_salary: monthly_salary_kr,
                on_cost: on_cost_percent,
                monthly_overhead: overhead_kr,
            };
            let total = model.cost(months);
            if json {
                print_json(json!({ "total_ore": total.ore() }));
            } else {
                println!("{months} månader: {total}");
                println!("  ({monthly_salary_kr} × (1 + {on_cost_percent}) + {overhead_kr}) × {months}");
            }
        }
        CalcCommand::Apportion { total_kr, populations, unit, json } => {
            let rows = parse_population_csv(&read(&populations)?).map_err(|e| line_errors(&populations, e))?;
            let claimants: Vec<Claimant> = rows.iter().map(Claimant::from).collect();
            let unit = match unit {
                UnitArg::Kr => Unit::Krona,
                UnitArg::Ore => Unit::Ore,
            };
            let allocation = apportion(total_kr, unit, &claimants).map_err(|e| bad(e.text().to_string()))?;
            let sum: Money = allocation.iter().map(|a| a.amount).sum();
            if json {
                let rows: Vec<_> = allocation
                    .iter()
                    .map(|a| json!({ "code": a.code, "name": a.name, "population": a.population, "amount_ore": a.amount.ore() }))
                    .collect();
                print_json(json!({ "total_ore": total_kr.ore(), "sum_ore": sum.ore(), "rows": rows }));
            } else {
                println!(
                    "{:<6} {:<16} {:>10} {:>10} {:>18} {:>14} {:>14}",
                    "KOD", "KOMMUN", "FOLKMÄNGD", "ANDEL", "EXAKT ANDEL", "AVRUNDNING", "BELOPP"
                );
                for a in &allocation {
                    println!(
                        "{:<6} {:<16} {:>10} {:>10} {:>18} {:>14} {:>14}",
                        a.code,
                        a.name,
                        a.population,
                        a.share_text(),
                        a.quota_text(),
                        a.rounding_text(),
                        a.amount.to_string()
                    );
                }
                println!("Summa {sum} av {total_kr}.");
            }
        }
        CalcCommand::Audit { total_kr, table, json } => {
            let rows = parse_stated_table_csv(&read(&table)?).map_err(|e| line_errors(&table, e))?;
            let stated: Vec<StatedRow> = rows
                .iter()
                .map(|r| StatedRow {
                    code: r.row.code.to_string(),
                    name: r.row.name.clone(),
                    population: r.row.population,
                    stated: r.stated,
                })
                .collect();
            let check = check_table(total_kr, &stated).map_err(|e| bad(e.text().to_string()))?;
            if json {
                let rows: Vec<_> = check
                    .rows
                    .iter()
                    .map(|r| {
                        json!({ "code": r.code, "stated_ore": r.stated.ore(), "expected_ore": r.expected.ore(),
                                "difference_ore": r.difference.ore(), "flagged": r.flagged })
                    })
                    .collect();
                print_json(
                    json!({ "stated_sum_ore": check.stated_sum.ore(), "sum_matches_total": check.sum_matches_total, "rows": rows }),
                );
            } else {
                for r in &check.rows {
                    let mark = if r.flagged { "AVVIKER" } else { "" };
                    println!(
                        "{:<6} {:<16} angivet {:>12} exakt {:>12} skillnad {:>10} {mark}",
                        r.code,
                        r.name,
                        r.stated.to_string(),
                        r.expected.to_string(),
                        r.difference.to_string()
                    );
                }
                let verdict = if check.sum_matches_total { "stämmer med" } else { "stämmer inte med" };
                println!(
                    "De angivna beloppen summerar till {}, som {verdict} totalen {}.",
                    check.stated_sum, check.total
                );
                println!("{} rader avviker mer än en krona från den exakta fördelningen.", check.flagged().count());
            }
        }
        CalcCommand::Termination { notice_date, notice_months, period, amount_kr, paid, refund_policy, json } => {
            let policy = match refund_policy {
                PolicyArg::None => RefundPolicy::None,
                PolicyArg::FromMonthAfterEnd => RefundPolicy::FromMonthAfterEnd,
            };
            let t =
                terminate(&TerminationInput { notice_date, notice_months, period, amount: amount_kr, paid, policy });
            if json {
                print_json(json!({
                    "end_date": t.end_date.to_string(),
                    "refund_from": t.refund_from.map(|d| d.to_string()),
                    "refund_ore": t.refund.ore(),
                    "amount_due_ore": t.amount_due.ore(),
                }));
            } else {
                println!("Avtalet upphör {} ({notice_months} månaders uppsägning från {notice_date}).", t.end_date);
                match t.refund_from {
                    Some(from) => println!(
                        "Återbetalning från {from}: {amount_kr} × {} / {} månader = {}.",
                        t.refund_months, t.period_months, t.refund
                    ),
                    None => println!("Ingen återbetalning."),
                }
                if !paid {
                    println!(
                        "Att fakturera: {amount_kr} × {} / {} månader = {}.",
                        t.due_months, t.period_months, t.amount_due
                    );
                }
            }
        }
        CalcCommand::Vacancy { vacancy, period, amount_kr, threshold_months, json } => {
            let r = vacancy_refund(&VacancyInput { vacancy, period, amount: amount_kr, threshold_months });
            if json {
                print_json(
                    json!({ "refundable": r.refundable, "vacancy_days": r.vacancy_days, "refund_ore": r.refund.ore() }),
                );
            } else if r.refundable {
                println!("Återbetalning: {amount_kr} × {} / {} dagar = {}.", r.vacancy_days, r.period_days, r.refund);
            } else {
                println!("Ingen återbetalning ({} vakanta dagar i perioden).", r.vacancy_days);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn reimbursable(
    store: &etablera_store::Store,
    category: &str,
    amount: Money,
    household: Household,
    reception: NaiveDate,
    json: bool,
) -> anyhow::Result<()> {
    use etablera_domain::economy::eligibility::{Concerns, Measured, NotReimbursable, counted_size, quote};
    use etablera_domain::economy::rules::CostCategory;
    let category = CostCategory::from_code(category.trim()).ok_or_else(|| {
        let known: Vec<&str> = CostCategory::ALL.iter().map(|c| c.code()).collect();
        bad(format!("okänd kategori {category:?}; välj en av {}", known.join(", ")))
    })?;
    let rules: Vec<_> =
        store.with_conn(etablera_store::economy::rules::all)?.into_iter().map(|(_, rule)| rule).collect();
    let r = match quote(&rules, category, amount, household, reception).map_err(|e| bad(e.text().swedish()))? {
        Measured::Reimbursable { reimbursable, .. } => reimbursable,
        Measured::Not(NotReimbursable::NoRule) => {
            return Err(bad(format!("ingen regel för {} gäller {reception}", category.code())));
        }
        Measured::Not(NotReimbursable::NotResettled) => {
            if json {
                print_json(json!({
                    "claim_type": null,
                    "reimbursable_ore": 0,
                    "over_cap_ore": amount.ore(),
                    "deadline": null,
                    "not_reimbursable": "not_resettled",
                }));
            } else {
                println!("Ersätts inte: ansökningstypen gäller kvotflyktingar och hushållet har ingen.");
                println!("Över taket: {amount}");
            }
            return Ok(());
        }
    };
    let household_size = counted_size(r.claim_type, household, Concerns::Household).unwrap_or(household.members);
    if json {
        print_json(json!({
            "claim_type": r.claim_type.code(),
            "reimbursable_ore": r.reimbursable.ore(),
            "over_cap_ore": r.over_cap.ore(),
            "deadline": r.deadline.map(|d| d.to_string()),
        }));
    } else {
        println!("Ansökningstyp: {}", r.claim_type.code());
        match r.cap {
            Some(cap) => println!("Tak för hushållet ({household_size} personer): {cap}"),
            None if r.cap_missing => println!("Taket saknas i regeltabellen: inget räknas som ersättningsbart."),
            None => println!("Inget tak."),
        }
        println!("Ersättningsbart: {}", r.reimbursable);
        println!("Över taket: {}", r.over_cap);
        match r.deadline {
            Some(d) => println!("Ansökan ska vara inne senast {d}."),
            None => println!("Ansökningstiden saknas i regeltabellen."),
        }
    }
    Ok(())
}
