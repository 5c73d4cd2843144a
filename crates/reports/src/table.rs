//! A document that is a table of text: a title and facts above it, a note below. Typeset as PDF
//! by `templates/table.typ`; the economy's amounts and the monthly report's counts come here as
//! text, already formatted.

use crate::cells::TextCells;

/// What a document says about itself above the table.
pub struct Heading {
    pub title: String,
    /// Label and value pairs: municipality, period, deadline, status.
    pub facts: Vec<(String, String)>,
    /// A closing remark under the table.
    pub note: String,
}

pub struct Table {
    pub headers: Vec<String>,
    /// How many leading columns are left-aligned text; the rest are figures, right-aligned.
    pub text_columns: usize,
    pub rows: Vec<Vec<String>>,
    /// A bold last row; empty for none.
    pub totals: Vec<String>,
}

const FIELD: char = '\u{1f}';
const ROW: char = '\u{1e}';
const TEMPLATE: &str = include_str!("../templates/table.typ");

fn joined(cells: impl IntoIterator<Item = String>) -> String {
    cells.into_iter().map(|c| c.replace([FIELD, ROW], " ")).collect::<Vec<_>>().join(&FIELD.to_string())
}

/// The table as a PDF, landscape when it is wide.
pub fn pdf(heading: &Heading, table: &Table, footer: &str) -> Result<Vec<u8>, crate::pdf::PdfError> {
    let rows: Vec<String> = table.rows.iter().map(|r| joined(r.iter().cloned())).collect();
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
            ("totals", joined(table.totals.iter().cloned())),
            ("note", heading.note.clone()),
            ("footer", footer.to_owned()),
            ("landscape", if table.headers.len() > 7 { "yes" } else { "no" }.to_owned()),
        ],
    )
}

/// The table as CSV: the header row, then the rows.
pub fn csv(table: &Table) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(crate::cells::record(&table.headers))?;
    for row in &table.rows {
        out.write_record(crate::cells::record(row))?;
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

/// The table as an XLSX workbook; a cell that is a whole number is written as a number, so that
/// it can be summed, and anything else (such as "<3") as text.
pub fn xlsx(sheet_name: &str, heading: &Heading, table: &Table) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut workbook = Workbook::new();
    let ws = workbook.add_worksheet();
    ws.set_name(sheet_name)?;
    let bold = Format::new().set_bold();
    let mut r = write_heading(ws, heading, &table.headers)?;
    let lines =
        table.rows.iter().map(|row| (row, false)).chain((!table.totals.is_empty()).then_some((&table.totals, true)));
    for (row, is_total) in lines {
        r += 1;
        for (col, cell) in row.iter().enumerate() {
            let format = if is_total { bold.clone() } else { Format::new() };
            match cell.parse::<i64>() {
                Ok(n) if col >= table.text_columns => ws.write_number_with_format(r, col as u16, n as f64, &format)?,
                _ => ws.text_with_format(r, col as u16, cell, &format)?,
            };
        }
    }
    if !heading.note.is_empty() {
        ws.text(r + 2, 0, &heading.note)?;
    }
    ws.set_column_width(0, 44)?;
    for col in 1..table.headers.len() as u16 {
        ws.set_column_width(col, 14)?;
    }
    workbook.save_to_buffer()
}
