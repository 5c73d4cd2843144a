//! Text cells of CSV and XLSX files, made safe to open. A spreadsheet program reads a cell that
//! begins with `=`, `+`, `-` or `@` (or a tab or carriage return before them) as a formula, so a
//! name, a reference or a request id that someone typed as `=HYPERLINK(...)` would run when a
//! file is opened (OWASP, CSV injection). Such a cell is written with a leading apostrophe, which
//! the programs show as text; a plain number, negative amounts included, is left as it is.

use std::borrow::Cow;

/// The cell as it may be written: unchanged, or with a leading `'` when it could be read as a
/// formula.
pub fn neutral(cell: &str) -> Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && !is_number(cell) { Cow::Owned(format!("'{cell}")) } else { Cow::Borrowed(cell) }
}

/// A signed decimal number as Etablera writes amounts and counts: `-1200`, `-1 200,50`, `+3.5`.
fn is_number(cell: &str) -> bool {
    let digits = cell.strip_prefix(['-', '+']).unwrap_or(cell);
    digits.starts_with(|c: char| c.is_ascii_digit())
        && digits.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | ' ' | '\u{a0}'))
}

/// A CSV record's cells, each made [`neutral`].
pub fn record<I, S>(cells: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    cells.into_iter().map(|c| neutral(c.as_ref()).into_owned()).collect()
}

/// Text into a worksheet, made [`neutral`]: every text cell of Etablera's workbooks goes
/// through here.
pub trait TextCells {
    fn text(&mut self, row: u32, col: u16, text: impl AsRef<str>) -> Result<&mut Self, rust_xlsxwriter::XlsxError>;
    fn text_with_format(
        &mut self,
        row: u32,
        col: u16,
        text: impl AsRef<str>,
        format: &rust_xlsxwriter::Format,
    ) -> Result<&mut Self, rust_xlsxwriter::XlsxError>;
}

impl TextCells for rust_xlsxwriter::Worksheet {
    fn text(&mut self, row: u32, col: u16, text: impl AsRef<str>) -> Result<&mut Self, rust_xlsxwriter::XlsxError> {
        self.write_string(row, col, neutral(text.as_ref()))
    }

    fn text_with_format(
        &mut self,
        row: u32,
        col: u16,
        text: impl AsRef<str>,
        format: &rust_xlsxwriter::Format,
    ) -> Result<&mut Self, rust_xlsxwriter::XlsxError> {
        self.write_string_with_format(row, col, neutral(text.as_ref()), format)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_that_a_spreadsheet_would_run_is_written_as_text() {
        for risky in ["=HYPERLINK(\"http://x\",\"klicka\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "-", "=1"] {
            assert_eq!(neutral(risky), format!("'{risky}"), "{risky:?}");
        }
    }

    #[test]
    fn numbers_and_ordinary_text_are_left_alone() {
        for plain in ["-1200", "-1 200,50", "+3.5", "12", "Anna Testsson", "H-12", "", "'=quoted already"] {
            assert_eq!(neutral(plain), plain, "{plain:?}");
        }
        assert_eq!(record(["=1", "2"]), vec!["'=1".to_owned(), "2".to_owned()]);
    }
}
