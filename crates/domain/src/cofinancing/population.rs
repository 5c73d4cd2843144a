//! Reading population tables: our simple CSV (`code,name,population`) and a printed table with
//! stated amounts (`code,name,population,stated_kr`). Every bad line is reported with its line
//! number; a file with any bad line gives no rows at all.

use std::collections::HashMap;

use crate::money::Money;
use crate::municipality::MunicipalityCode;
use crate::text::Text;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PopulationRow {
    /// The line in the file, counting the header as line 1.
    pub line: usize,
    pub code: MunicipalityCode,
    pub name: String,
    pub population: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: usize,
    pub message: Text,
}

impl LineError {
    pub fn new(line: usize, message: Text) -> LineError {
        LineError { line, message }
    }

    /// "rad 3: …", the line and what is wrong with it.
    pub fn text(&self) -> Text {
        Text::new("line-error").with("line", self.line).with_text("message", self.message.clone())
    }
}

/// In Swedish, as [`Text`] prints: for the command line and tests.
impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.text().fmt(f)
    }
}

/// A row of a printed table to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatedPopulationRow {
    pub row: PopulationRow,
    pub stated: Money,
}

fn records(text: &str, expected: &[&str]) -> Result<Vec<(usize, Vec<String>)>, Vec<LineError>> {
    let text = text.trim_start_matches('\u{feff}');
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = record.as_ref().ok().and_then(|r| r.position()).map_or(index + 1, |p| p.line() as usize);
        match record {
            Ok(r) if r.iter().all(str::is_empty) => {}
            Ok(r) => rows.push((line, r.iter().map(str::to_owned).collect::<Vec<_>>())),
            Err(e) => errors.push(LineError::new(line, Text::new("population-csv-unreadable").with("error", e))),
        }
    }
    let Some((header_line, header)) = rows.first().cloned() else {
        return Err(vec![LineError::new(1, Text::new("population-empty-file"))]);
    };
    let header: Vec<String> = header.iter().map(|h| h.to_lowercase()).collect();
    if header != expected {
        return Err(vec![LineError::new(
            header_line,
            Text::new("population-header").with("expected", expected.join(",")),
        )]);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(rows.into_iter().skip(1).collect())
}

fn population_row(
    line: usize,
    fields: &[String],
    seen: &mut HashMap<String, usize>,
    errors: &mut Vec<LineError>,
) -> Option<PopulationRow> {
    let mut error = |message: Text| errors.push(LineError { line, message });
    let code = match fields[0].parse::<MunicipalityCode>() {
        Ok(code) => code,
        Err(e) => {
            error(e.text());
            return None;
        }
    };
    if let Some(first) = seen.insert(code.as_str().to_owned(), line) {
        error(Text::new("population-duplicate").with("code", &code).with("first", first));
        return None;
    }
    let population = match fields[2].replace([' ', '\u{a0}'], "").as_str() {
        "" => {
            error(Text::new("population-missing"));
            return None;
        }
        text if text.starts_with('-') => {
            error(Text::new("population-negative").with("value", text));
            return None;
        }
        text => match text.parse::<u64>() {
            Ok(n) => n,
            Err(_) => {
                error(Text::new("population-not-integer").with("value", text));
                return None;
            }
        },
    };
    let name = if fields[1].is_empty() { code.name().to_owned() } else { fields[1].clone() };
    Some(PopulationRow { line, code, name, population })
}

fn column_count_error(line: usize, expected: usize) -> LineError {
    LineError::new(line, Text::new("population-field-count").with("expected", expected))
}

/// Parses `code,name,population`.
pub fn parse_population_csv(text: &str) -> Result<Vec<PopulationRow>, Vec<LineError>> {
    let rows = records(text, &["code", "name", "population"])?;
    let mut errors = Vec::new();
    let mut seen = HashMap::new();
    let mut parsed = Vec::new();
    for (line, fields) in rows {
        if fields.len() != 3 {
            errors.push(column_count_error(line, 3));
            continue;
        }
        if let Some(row) = population_row(line, &fields, &mut seen, &mut errors) {
            parsed.push(row);
        }
    }
    if parsed.is_empty() && errors.is_empty() {
        errors.push(LineError::new(2, Text::new("population-no-rows")));
    }
    if errors.is_empty() { Ok(parsed) } else { Err(errors) }
}

/// Parses `code,name,population,stated_kr`.
pub fn parse_stated_table_csv(text: &str) -> Result<Vec<StatedPopulationRow>, Vec<LineError>> {
    let rows = records(text, &["code", "name", "population", "stated_kr"])?;
    let mut errors = Vec::new();
    let mut seen = HashMap::new();
    let mut parsed = Vec::new();
    for (line, fields) in rows {
        if fields.len() != 4 {
            errors.push(column_count_error(line, 4));
            continue;
        }
        let stated = Money::parse_kr(&fields[3]);
        if let Err(e) = &stated {
            errors.push(LineError::new(
                line,
                Text::new("population-stated-amount").with("amount", &fields[3]).with_text("error", e.text()),
            ));
        }
        if let (Some(row), Ok(stated)) = (population_row(line, &fields, &mut seen, &mut errors), stated) {
            parsed.push(StatedPopulationRow { row, stated });
        }
    }
    if errors.is_empty() { Ok(parsed) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_good_file() {
        let rows =
            parse_population_csv("code,name,population\n0586,Mjölby,26639\n\"0509\",\"Ödeshög\",\"5 272\"\n").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[1].line, rows[1].code.as_str(), rows[1].population), (3, "0509", 5_272));
    }

    #[test]
    fn reports_every_bad_line_and_keeps_nothing() {
        let text = "code,name,population\n0586,Mjölby,26639\n9999,Okänd,10\n0586,Mjölby,1\n0509,Ödeshög,-5\n0560,Boxholm,\n0562,Finspång,tusen\n0513,Kinda\n";
        let errors = parse_population_csv(text).unwrap_err();
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [3, 4, 5, 6, 7, 8]);
        assert!(errors[0].message.swedish().contains("ingen kommun med koden 9999"));
        assert!(errors[1].message.swedish().contains("finns redan på rad 2"));
        assert!(errors[2].message.swedish().contains("negativ"));
        assert!(errors[3].message.swedish().contains("saknas"));
        assert_eq!(errors[5].to_string(), "rad 8: raden ska ha 3 fält");
    }

    #[test]
    fn the_header_must_be_right() {
        let errors = parse_population_csv("kod;namn;folkmängd\n0586;Mjölby;1\n").unwrap_err();
        assert_eq!(errors[0].line, 1);
        assert!(parse_population_csv("").is_err());
    }

    #[test]
    fn reads_a_stated_table() {
        let rows = parse_stated_table_csv("code,name,population,stated_kr\n0586,Mjölby,27019,45841\n").unwrap();
        assert_eq!(rows[0].stated, Money::from_kr(45_841));
        let errors = parse_stated_table_csv("code,name,population,stated_kr\n0586,Mjölby,27019,fyrtio\n").unwrap_err();
        assert_eq!(errors[0].line, 2);
    }
}
