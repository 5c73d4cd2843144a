//! A document that is a table: a title and facts above it, a note below, cells of text, dates,
//! amounts and counts. Typeset as PDF by `templates/table.typ`, written as XLSX, as CSV for
//! programs and as CSV for people with Swedish Excel.

use chrono::{Datelike, NaiveDate};
use etablera_domain::money::Money;

use crate::cells::TextCells;

/// What a document says about itself above the table.
pub struct Heading {
    pub title: String,
    /// Label and value pairs: municipality, period, deadline, status.
    pub facts: Vec<(String, String)>,
    /// A closing remark under the table.
    pub note: String,
}

/// One cell of a table, typed so that each file writes it as its readers expect: a spreadsheet
/// gets a date or a number it can sum, a Swedish CSV a decimal comma, a machine CSV a point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Date(NaiveDate),
    Money(Money),
    Count(i64),
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Cell {
        Cell::Text(text.into())
    }

    /// A count as a report shows it: a number, or a text such as "<3" where it is withheld.
    pub fn count_or_text(shown: String) -> Cell {
        shown.parse().map(Cell::Count).unwrap_or(Cell::Text(shown))
    }

    /// As people read it on paper: amounts with spaces between thousands and a decimal comma.
    pub fn shown(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Date(d) => d.to_string(),
            Cell::Money(m) => m.format_number(),
            Cell::Count(n) => n.to_string(),
        }
    }

    /// As a program reads it: ISO dates, amounts with a decimal point and two decimals.
    pub fn machine(&self) -> String {
        match self {
            Cell::Money(m) => decimal_point(*m),
            other => other.shown(),
        }
    }

    /// As Swedish Excel reads it from a CSV file: a decimal comma and no thousands separator, so
    /// that the amount is a number.
    pub fn swedish(&self) -> String {
        match self {
            Cell::Money(_) => self.machine().replace('.', ","),
            other => other.shown(),
        }
    }
}

/// An amount in kronor with a decimal point and two decimals, as programs and e-invoices read it.
pub(crate) fn decimal_point(money: Money) -> String {
    let ore = money.ore();
    format!("{}{}.{:02}", if ore < 0 { "-" } else { "" }, ore.unsigned_abs() / 100, ore.unsigned_abs() % 100)
}

pub struct Table {
    pub headers: Vec<String>,
    /// How many leading columns are left-aligned text; the rest are figures, right-aligned.
    pub text_columns: usize,
    pub rows: Vec<Vec<Cell>>,
    /// A bold last row; empty for none.
    pub totals: Vec<Cell>,
}

const FIELD: char = '\u{1f}';
const ROW: char = '\u{1e}';
const TEMPLATE: &str = include_str!("../templates/table.typ");

fn joined(cells: impl IntoIterator<Item = String>) -> String {
    cells.into_iter().map(|c| c.replace([FIELD, ROW], " ")).collect::<Vec<_>>().join(&FIELD.to_string())
}

/// The table as a PDF, landscape when it is wide.
pub fn pdf(heading: &Heading, table: &Table, footer: &str) -> Result<Vec<u8>, crate::pdf::PdfError> {
    let rows: Vec<String> = table.rows.iter().map(|r| joined(r.iter().map(Cell::shown))).collect();
    crate::pdf::render(
        TEMPLATE,
        vec![
            ("title", heading.title.clone()),
            (
                "facts",
                heading
                    .facts
                    .iter()
                    .map(|(k, v)| joined([k.clone(), v.clone()]))
                    .collect::<Vec<_>>()
                    .join(&ROW.to_string()),
            ),
            ("headers", joined(table.headers.iter().cloned())),
            ("text_columns", table.text_columns.to_string()),
            ("rows", rows.join(&ROW.to_string())),
            ("totals", joined(table.totals.iter().map(Cell::shown))),
            ("note", heading.note.clone()),
            ("footer", footer.to_owned()),
            ("landscape", if table.headers.len() > 7 { "yes" } else { "no" }.to_owned()),
        ],
    )
}

/// The table as CSV for programs (the report contract): commas, the header row, then the rows,
/// amounts with a decimal point.
pub fn csv(table: &Table) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(crate::cells::record(&table.headers))?;
    for row in &table.rows {
        out.write_record(crate::cells::record(row.iter().map(Cell::machine)))?;
    }
    out.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// The table as CSV for people with Swedish Excel, which opens it with a double click: UTF-8
/// with a byte-order mark (else å, ä and ö come out wrong), semicolons between cells, amounts
/// with a decimal comma, the Swedish headings, and the totals row.
pub fn csv_swedish(table: &Table) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::WriterBuilder::new().delimiter(b';').from_writer("\u{feff}".as_bytes().to_vec());
    out.write_record(crate::cells::record(&table.headers))?;
    for row in table.rows.iter().chain((!table.totals.is_empty()).then_some(&table.totals)) {
        out.write_record(crate::cells::record(row.iter().map(Cell::swedish)))?;
    }
    out.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// Writes the heading (the title in bold, then the facts as label and value) and, after a blank
/// row, the columns' headers in bold; returns the headers' row.
pub(crate) fn write_heading(
    ws: &mut rust_xlsxwriter::Worksheet,
    heading: &Heading,
    headers: &[String],
) -> Result<u32, rust_xlsxwriter::XlsxError> {
    let bold = rust_xlsxwriter::Format::new().set_bold();
    ws.text_with_format(0, 0, &heading.title, &bold)?;
    let mut r = 1u32;
    for (label, value) in &heading.facts {
        ws.text(r, 0, label)?;
        ws.text(r, 1, value)?;
        r += 1;
    }
    r += 1;
    for (col, header) in headers.iter().enumerate() {
        ws.text_with_format(r, col as u16, header, &bold)?;
    }
    Ok(r)
}

/// The table as an XLSX workbook: dates as dates, amounts as numbers in a krona format, counts
/// as numbers (so that they can be summed), the headings frozen above the rows with a filter on
/// them, columns as wide as their contents, and the document's title and author in its
/// properties.
pub fn xlsx(sheet_name: &str, heading: &Heading, table: &Table) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
    let mut workbook = Workbook::new();
    workbook.set_properties(
        &DocProperties::new()
            .set_title(&heading.title)
            .set_subject(sheet_name)
            .set_author("Etablera")
            .set_comment(&heading.note),
    );
    let ws = workbook.add_worksheet();
    ws.set_name(sheet_name)?;
    let header_row = write_heading(ws, heading, &table.headers)?;
    let mut r = header_row;
    let lines =
        table.rows.iter().map(|row| (row, false)).chain((!table.totals.is_empty()).then_some((&table.totals, true)));
    for (row, is_total) in lines {
        r += 1;
        for (col, cell) in row.iter().enumerate() {
            let base = if is_total { Format::new().set_bold() } else { Format::new() };
            let col = col as u16;
            match cell {
                Cell::Text(t) => ws.text_with_format(r, col, t, &base)?,
                Cell::Date(d) => {
                    let date = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
                    ws.write_datetime_with_format(r, col, &date, &base.set_num_format("yyyy-mm-dd"))?
                }
                Cell::Money(m) => {
                    ws.write_number_with_format(r, col, m.ore() as f64 / 100.0, &base.set_num_format(KRONOR))?
                }
                Cell::Count(n) => ws.write_number_with_format(r, col, *n as f64, &base.set_num_format("#,##0"))?,
            };
        }
    }
    if !heading.note.is_empty() {
        ws.text(r + 2, 0, &heading.note)?;
    }
    let last_column = table.headers.len().saturating_sub(1) as u16;
    ws.set_freeze_panes(header_row + 1, 0)?;
    if !table.rows.is_empty() {
        ws.autofilter(header_row, 0, header_row + table.rows.len() as u32, last_column)?;
    }
    for (col, width) in widths(table).into_iter().enumerate() {
        ws.set_column_width(col as u16, width)?;
    }
    workbook.save_to_buffer()
}

/// Kronor with two decimals; Excel shows the separators of the reader's locale (45 837,00 kr in
/// Swedish).
const KRONOR: &str = "#,##0.00 \"kr\"";

/// Each column as wide as its heading or widest cell, within reason; the filter's button needs
/// room beside the heading.
fn widths(table: &Table) -> Vec<f64> {
    (0..table.headers.len())
        .map(|col| {
            let cell_width = |cell: &Cell| match cell {
                Cell::Money(m) => m.to_string().chars().count(),
                other => other.shown().chars().count(),
            };
            let widest =
                table.rows.iter().chain(std::iter::once(&table.totals)).filter_map(|r| r.get(col)).map(cell_width);
            let heading = table.headers[col].chars().count() + 3;
            widest.chain(std::iter::once(heading)).max().unwrap_or(10).clamp(8, 60) as f64 + 1.0
        })
        .collect()
}
