//! The economy's documents: a claim laid out like Migrationsverket's form 4497 (XLSX and PDF),
//! and the annual grant's account per category and month (XLSX and PDF) for the committee.

use crate::cells::TextCells;
use chrono::NaiveDate;
use etablera_domain::money::Money;
use etablera_domain::text::Text;

/// A table for the documents: a heading per column and rows of text or money.
pub struct Sheet {
    pub headers: Vec<String>,
    /// How many leading columns are text; the rest are amounts.
    pub text_columns: usize,
    pub rows: Vec<(Vec<String>, Vec<Money>)>,
    /// The totals row's amounts, under the amount columns.
    pub totals: Vec<Money>,
}

pub use crate::table::Heading;
use crate::table::Table;

fn amount_text(m: Money) -> String {
    m.format_number()
}

/// The sheet as an XLSX workbook: amounts as numbers in kronor with two decimals.
pub fn xlsx(sheet_name: &str, heading: &Heading, sheet: &Sheet) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut workbook = Workbook::new();
    let ws = workbook.add_worksheet();
    ws.set_name(sheet_name)?;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("# ##0.00");
    let bold_money = Format::new().set_bold().set_num_format("# ##0.00");
    let mut r = crate::table::write_heading(ws, heading, &sheet.headers)?;
    for (texts, amounts) in &sheet.rows {
        r += 1;
        for (col, text) in texts.iter().enumerate() {
            ws.text(r, col as u16, text)?;
        }
        for (i, amount) in amounts.iter().enumerate() {
            ws.write_number_with_format(r, (sheet.text_columns + i) as u16, amount.ore() as f64 / 100.0, &money)?;
        }
    }
    r += 1;
    ws.text_with_format(r, 0, Text::new("file-sum").swedish(), &bold)?;
    // Sums in öre, not formulas, so that they are exact wherever the file is opened.
    for (i, amount) in sheet.totals.iter().enumerate() {
        ws.write_number_with_format(r, (sheet.text_columns + i) as u16, amount.ore() as f64 / 100.0, &bold_money)?;
    }
    if !heading.note.is_empty() {
        ws.text(r + 2, 0, &heading.note)?;
    }
    ws.set_column_width(0, 18)?;
    for col in 1..sheet.headers.len() as u16 {
        ws.set_column_width(col, 14)?;
    }
    workbook.save_to_buffer()
}

/// The sheet as a PDF, landscape when it is wide.
pub fn pdf(heading: &Heading, sheet: &Sheet, footer: &str) -> Result<Vec<u8>, crate::pdf::PdfError> {
    let rows = sheet
        .rows
        .iter()
        .map(|(texts, amounts)| texts.iter().cloned().chain(amounts.iter().map(|m| amount_text(*m))).collect())
        .collect();
    let mut totals = vec![Text::new("file-sum").swedish()];
    totals.extend((1..sheet.text_columns).map(|_| String::new()));
    totals.extend(sheet.totals.iter().map(|m| amount_text(*m)));
    let table = Table { headers: sheet.headers.clone(), text_columns: sheet.text_columns, rows, totals };
    crate::table::pdf(heading, &table, footer)
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
pub fn claim_sheet(columns: &[String], lines: &[ClaimLine]) -> Sheet {
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
    let mut totals = vec![Money::ZERO; columns.len() + 1];
    let rows = lines
        .iter()
        .map(|l| {
            let sum: Money = l.amounts.iter().copied().sum();
            let mut amounts = l.amounts.clone();
            amounts.push(sum);
            for (t, a) in totals.iter_mut().zip(&amounts) {
                *t = *t + *a;
            }
            (
                vec![
                    l.dossier_number.clone(),
                    l.personal_number.clone(),
                    l.reception_date.map(|d| d.to_string()).unwrap_or_default(),
                    // No-break spaces keep the period on one line.
                    format!("{}\u{a0}–\u{a0}{}", l.period.0, l.period.1),
                ],
                amounts,
            )
        })
        .collect();
    Sheet { headers, text_columns: 4, rows, totals }
}

/// The grant's account: one row per category with the twelve months and the year.
pub fn grant_sheet(rows: &[(String, [Money; 12])], by_month: &[Money; 12]) -> Sheet {
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
            let mut amounts = months.to_vec();
            amounts.push(months.iter().copied().sum());
            (vec![name.clone()], amounts)
        })
        .collect();
    let mut totals = by_month.to_vec();
    totals.push(by_month.iter().copied().sum());
    Sheet { headers, text_columns: 1, rows, totals }
}
