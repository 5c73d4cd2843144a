//! The economy's documents: a claim laid out like Migrationsverket's form 4497 (XLSX and PDF),
//! and the annual grant's account per category and month (XLSX and PDF) for the committee.

use chrono::NaiveDate;
use etablera_domain::money::Money;
use etablera_domain::text::Text;

pub use crate::table::Heading;
use crate::table::{Cell, Table};

/// The totals row under a table: "Summa" in the first column, the amounts under theirs.
fn totals(text_columns: usize, amounts: Vec<Money>) -> Vec<Cell> {
    let mut row = vec![Cell::text(Text::new("file-sum").swedish())];
    row.extend((1..text_columns).map(|_| Cell::text("")));
    row.extend(amounts.into_iter().map(Cell::Money));
    row
}

/// A claim's row as the form wants it.
pub struct ClaimLine {
    pub dossier_number: String,
    pub personal_number: String,
    pub reception_date: Option<NaiveDate>,
    pub period: (NaiveDate, NaiveDate),
    pub amounts: Vec<Money>,
}

/// The claim as form 4497's table: identity columns, then one amount column per category and
/// the row's sum. `columns` names the amount columns in order.
pub fn claim_sheet(columns: &[String], lines: &[ClaimLine]) -> Table {
    let mut headers: Vec<String> = [
        Text::new("file-col-dossier-number"),
        Text::new("file-col-personal-number"),
        Text::new("file-col-reception-date"),
        Text::new("file-col-period"),
    ]
    .iter()
    .map(Text::swedish)
    .collect();
    headers.extend(columns.iter().cloned());
    headers.push(Text::new("file-sum").swedish());
    let mut totals_by_column = vec![Money::ZERO; columns.len() + 1];
    let rows = lines
        .iter()
        .map(|l| {
            let sum: Money = l.amounts.iter().copied().sum();
            let mut amounts = l.amounts.clone();
            amounts.push(sum);
            for (t, a) in totals_by_column.iter_mut().zip(&amounts) {
                *t = *t + *a;
            }
            let mut row = vec![
                Cell::text(&l.dossier_number),
                Cell::text(&l.personal_number),
                l.reception_date.map_or_else(|| Cell::text(""), Cell::Date),
                // No-break spaces keep the period on one line.
                Cell::text(format!("{}\u{a0}–\u{a0}{}", l.period.0, l.period.1)),
            ];
            row.extend(amounts.into_iter().map(Cell::Money));
            row
        })
        .collect();
    Table { headers, text_columns: 4, rows, totals: totals(4, totals_by_column) }
}

/// The grant's account: one row per category with the twelve months and the year.
pub fn grant_sheet(rows: &[(String, [Money; 12])], by_month: &[Money; 12]) -> Table {
    let mut headers = vec![Text::new("file-col-category").swedish()];
    let months = [
        Text::new("file-month-1"),
        Text::new("file-month-2"),
        Text::new("file-month-3"),
        Text::new("file-month-4"),
        Text::new("file-month-5"),
        Text::new("file-month-6"),
        Text::new("file-month-7"),
        Text::new("file-month-8"),
        Text::new("file-month-9"),
        Text::new("file-month-10"),
        Text::new("file-month-11"),
        Text::new("file-month-12"),
    ];
    headers.extend(months.iter().map(Text::swedish));
    headers.push(Text::new("file-col-year").swedish());
    let rows = rows
        .iter()
        .map(|(name, months)| {
            let year: Money = months.iter().copied().sum();
            std::iter::once(Cell::text(name)).chain(months.iter().chain([&year]).map(|m| Cell::Money(*m))).collect()
        })
        .collect();
    let mut sums = by_month.to_vec();
    sums.push(by_month.iter().copied().sum());
    Table { headers, text_columns: 1, rows, totals: totals(1, sums) }
}
