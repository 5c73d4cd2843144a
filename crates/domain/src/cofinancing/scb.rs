//! Population tables from Statistics Sweden (SCB): the CSV that PxWeb serves (ISO-8859-1, comma,
//! semicolon or tab separated, one region per row, a column per year) and json-stat2. Rows for
//! the country and the counties are skipped; a four-digit code that is no municipality, a
//! duplicate, or a missing or negative number is an error with its line (or position).

use std::collections::HashMap;

use serde_json::Value;

use super::population::{LineError, PopulationRow};
use crate::municipality::MunicipalityCode;
use crate::text::Text;

/// What an SCB file holds for one year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScbTable {
    pub year: i32,
    pub rows: Vec<PopulationRow>,
    /// Regions that are not municipalities (the country, counties).
    pub skipped_regions: usize,
}

/// Text as UTF-8 when it is valid UTF-8, otherwise as ISO-8859-1 (what PxWeb's CSV uses).
pub fn decode(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.trim_start_matches('\u{feff}').to_owned(),
        Err(_) => bytes.iter().map(|&b| b as char).collect(),
    }
}

fn one(line: usize, message: Text) -> Vec<LineError> {
    vec![LineError { line, message }]
}

/// A year in a column heading such as `2023` or `Folkmängd 2023`.
fn year_in(heading: &str) -> Option<i32> {
    heading
        .split(|c: char| !c.is_ascii_digit())
        .filter(|part| part.len() == 4)
        .filter_map(|part| part.parse::<i32>().ok())
        .find(|y| (1900..=2200).contains(y))
}

/// A region cell: `0114 Upplands Väsby`, `0114`, or `01 Stockholms län` (then not a municipality).
fn region(cell: &str) -> Option<(String, String)> {
    let cell = cell.trim();
    let (code, name) = cell.split_once(' ').unwrap_or((cell, ""));
    (code.bytes().all(|b| b.is_ascii_digit()) && !code.is_empty()).then(|| (code.to_owned(), name.trim().to_owned()))
}

fn count(text: &str, line: usize) -> Result<u64, Text> {
    let cleaned: String = text.trim().chars().filter(|c| !matches!(c, ' ' | '\u{a0}')).collect();
    match cleaned.as_str() {
        "" | ".." | "." | "-" => Err(Text::new("population-missing")),
        t if t.starts_with('-') => Err(Text::new("population-negative").with("value", t)),
        t => t.parse().map_err(|_| Text::new("population-not-integer-on-line").with("value", t).with("line", line)),
    }
}

struct Collector {
    rows: Vec<PopulationRow>,
    errors: Vec<LineError>,
    seen: HashMap<String, usize>,
    skipped: usize,
}

impl Collector {
    fn new() -> Collector {
        Collector { rows: Vec::new(), errors: Vec::new(), seen: HashMap::new(), skipped: 0 }
    }

    fn add(&mut self, line: usize, code: &str, name: &str, value: Result<u64, Text>) {
        if code.len() != 4 {
            self.skipped += 1;
            return;
        }
        let code: MunicipalityCode = match code.parse() {
            Ok(c) => c,
            Err(e) => return self.errors.push(LineError { line, message: e.text() }),
        };
        if let Some(first) = self.seen.insert(code.as_str().to_owned(), line) {
            return self.errors.push(LineError {
                line,
                message: Text::new("population-duplicate").with("code", &code).with("first", first),
            });
        }
        match value {
            Ok(population) => {
                let name = if name.is_empty() { code.name().to_owned() } else { name.to_owned() };
                self.rows.push(PopulationRow { line, code, name, population });
            }
            Err(message) => self.errors.push(LineError { line, message }),
        }
    }

    fn finish(self, year: i32) -> Result<ScbTable, Vec<LineError>> {
        if !self.errors.is_empty() {
            return Err(self.errors);
        }
        if self.rows.is_empty() {
            return Err(one(1, Text::new("scb-no-municipalities")));
        }
        Ok(ScbTable { year, rows: self.rows, skipped_regions: self.skipped })
    }
}

/// Parses PxWeb's CSV. With several year columns, `year` chooses one.
pub fn parse_scb_csv(bytes: &[u8], year: Option<i32>) -> Result<ScbTable, Vec<LineError>> {
    let text = decode(bytes);
    let first_line = text.lines().next().unwrap_or("");
    let delimiter =
        [b';', b'\t', b','].into_iter().max_by_key(|&d| first_line.matches(d as char).count()).unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    for (index, record) in reader.records().enumerate() {
        match record {
            Ok(r) if r.iter().all(str::is_empty) => {}
            Ok(r) => records.push((index + 1, r.iter().map(str::to_owned).collect::<Vec<String>>())),
            Err(e) => return Err(one(index + 1, Text::new("population-csv-unreadable").with("error", e))),
        }
    }
    let Some((_, header)) = records.first() else { return Err(one(1, Text::new("population-empty-file"))) };
    let year_columns: Vec<(usize, i32)> =
        header.iter().enumerate().filter_map(|(i, h)| year_in(h).map(|y| (i, y))).collect();
    let (column, year) = match (year, year_columns.as_slice()) {
        (_, []) => return Err(one(1, Text::new("scb-no-year-column"))),
        (None, [(i, y)]) => (*i, *y),
        (None, _) => {
            let years: Vec<String> = year_columns.iter().map(|(_, y)| y.to_string()).collect();
            return Err(one(1, Text::new("scb-several-years").with("years", years.join(", "))));
        }
        (Some(wanted), columns) => match columns.iter().find(|(_, y)| *y == wanted) {
            Some((i, y)) => (*i, *y),
            None => return Err(one(1, Text::new("scb-no-column-for-year").with("year", wanted))),
        },
    };
    let mut collector = Collector::new();
    for (line, fields) in records.iter().skip(1) {
        let Some((code, name)) = fields.iter().find_map(|f| region(f)) else {
            collector.errors.push(LineError { line: *line, message: Text::new("scb-no-region") });
            continue;
        };
        let value = fields.get(column).map_or(Err(Text::new("population-missing")), |v| count(v, *line));
        collector.add(*line, &code, &name, value);
    }
    collector.finish(year)
}

/// Parses a json-stat2 dataset with a region dimension and a time dimension; every other
/// dimension must have one value. With several years, `year` chooses one.
pub fn parse_json_stat2(bytes: &[u8], year: Option<i32>) -> Result<ScbTable, Vec<LineError>> {
    let fail = |message: Text| one(1, Text::new("scb-json-stat").with_text("message", message));
    let doc: Value =
        serde_json::from_slice(bytes).map_err(|e| one(e.line(), Text::new("scb-json-invalid").with("error", &e)))?;
    let ids: Vec<&str> = doc["id"]
        .as_array()
        .ok_or_else(|| fail(Text::new("scb-json-missing").with("name", "id")))?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let sizes: Vec<usize> = doc["size"]
        .as_array()
        .ok_or_else(|| fail(Text::new("scb-json-missing").with("name", "size")))?
        .iter()
        .filter_map(|v| v.as_u64())
        .map(|v| v as usize)
        .collect();
    if ids.len() != sizes.len() || ids.is_empty() {
        return Err(fail(Text::new("scb-json-id-size")));
    }
    let time_ids: Vec<&str> =
        doc["role"]["time"].as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    let is_time =
        |id: &str| time_ids.contains(&id) || id.eq_ignore_ascii_case("tid") || id.eq_ignore_ascii_case("time");
    let region_at = ids
        .iter()
        .position(|id| id.eq_ignore_ascii_case("region"))
        .ok_or_else(|| fail(Text::new("scb-json-no-region")))?;
    let time_at = ids.iter().position(|id| is_time(id)).ok_or_else(|| fail(Text::new("scb-json-no-time")))?;
    for (i, id) in ids.iter().enumerate() {
        if i != region_at && i != time_at && sizes[i] != 1 {
            return Err(fail(Text::new("scb-json-dimension-values").with("id", id).with("count", sizes[i])));
        }
    }
    // Category codes in index order: "index" is an object code → position, or an array.
    let categories = |id: &str| -> Vec<String> {
        let index = &doc["dimension"][id]["category"]["index"];
        match index {
            Value::Array(codes) => codes.iter().filter_map(|c| c.as_str().map(str::to_owned)).collect(),
            Value::Object(map) => {
                let mut pairs: Vec<(usize, String)> =
                    map.iter().filter_map(|(k, v)| v.as_u64().map(|p| (p as usize, k.clone()))).collect();
                pairs.sort();
                pairs.into_iter().map(|(_, k)| k).collect()
            }
            _ => Vec::new(),
        }
    };
    let regions = categories(ids[region_at]);
    let times = categories(ids[time_at]);
    if regions.len() != sizes[region_at] || times.len() != sizes[time_at] {
        return Err(fail(Text::new("scb-json-categories")));
    }
    let time_years: Vec<Option<i32>> = times.iter().map(|t| year_in(t)).collect();
    let time_position = match (year, times.len()) {
        (None, 1) => 0,
        (None, _) => {
            return Err(fail(Text::new("scb-several-years").with("years", times.join(", "))));
        }
        (Some(wanted), _) => time_years
            .iter()
            .position(|y| *y == Some(wanted))
            .ok_or_else(|| fail(Text::new("scb-json-no-value-for-year").with("year", wanted)))?,
    };
    let chosen_year = time_years[time_position]
        .ok_or_else(|| fail(Text::new("scb-json-not-a-year").with("value", &times[time_position])))?;
    let labels = &doc["dimension"][ids[region_at]]["category"]["label"];
    let values = doc["value"].as_array().ok_or_else(|| fail(Text::new("scb-json-missing").with("name", "value")))?;
    let total: usize = sizes.iter().product();
    if values.len() != total {
        return Err(fail(Text::new("scb-json-value-count").with("count", values.len()).with("total", total)));
    }
    let stride = |dim: usize| sizes[dim + 1..].iter().product::<usize>();
    let mut collector = Collector::new();
    for (r, code) in regions.iter().enumerate() {
        let flat = r * stride(region_at) + time_position * stride(time_at);
        // "Line" is the region's position in the dataset, counted from 1.
        let position = r + 1;
        let value = match &values[flat] {
            Value::Number(n) => match n.as_i64() {
                Some(v) if v < 0 => Err(Text::new("population-negative").with("value", v)),
                Some(v) => Ok(v as u64),
                None => Err(Text::new("population-number-not-integer").with("value", n)),
            },
            _ => Err(Text::new("population-missing")),
        };
        let name = labels[code].as_str().unwrap_or("");
        let name = name.strip_prefix(code.as_str()).map(str::trim).unwrap_or(name);
        collector.add(position, code, name, value);
    }
    collector.finish(chosen_year)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn latin1(text: &str) -> Vec<u8> {
        text.chars().map(|c| u8::try_from(u32::from(c)).unwrap()).collect()
    }

    #[test]
    fn reads_pxweb_csv_in_iso_8859_1() {
        let file = latin1(
            "\"region\",\"Folkmängd 2016\",\"Folkmängd 2017\"\n\"00 Riket\",9995153,10120242\n\"05 Östergötlands län\",447744,450318\n\"0586 Mjölby\",26639,27019\n\"0509 Ödeshög\",5272,5343\n",
        );
        let table = parse_scb_csv(&file, Some(2017)).unwrap();
        assert_eq!(table.year, 2017);
        assert_eq!(table.skipped_regions, 2);
        assert_eq!(table.rows.len(), 2);
        assert_eq!(
            (table.rows[0].code.as_str(), table.rows[0].population, table.rows[0].name.as_str()),
            ("0586", 27_019, "Mjölby")
        );
        assert_eq!(table.rows[1].name, "Ödeshög");
        let errors = parse_scb_csv(&file, None).unwrap_err();
        assert!(errors[0].message.swedish().contains("flera år (2016, 2017)"));
    }

    #[test]
    fn semicolons_and_missing_values() {
        let file = b"region;2023\n0114 Upplands V\xe4sby;..\n9999 Ingen;5\n0114 Upplands V\xe4sby;48000\n";
        let errors = parse_scb_csv(file, None).unwrap_err();
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [2, 3, 4]);
        assert!(errors[0].message.swedish().contains("saknas"));
        assert!(errors[1].message.swedish().contains("9999"));
        assert!(errors[2].message.swedish().contains("finns redan på rad 2"));
    }

    #[test]
    fn reads_json_stat2() {
        let doc = serde_json::json!({
            "version": "2.0", "class": "dataset",
            "id": ["Region", "ContentsCode", "Tid"], "size": [3, 1, 2],
            "role": { "time": ["Tid"] },
            "dimension": {
                "Region": { "category": { "index": { "05": 0, "0586": 1, "0509": 2 }, "label": { "05": "Östergötlands län", "0586": "Mjölby", "0509": "Ödeshög" } } },
                "ContentsCode": { "category": { "index": { "BE0101N1": 0 } } },
                "Tid": { "category": { "index": ["2016", "2017"] } }
            },
            "value": [447744, 450318, 26639, 27019, 5272, 5343]
        });
        let bytes = serde_json::to_vec(&doc).unwrap();
        let table = parse_json_stat2(&bytes, Some(2016)).unwrap();
        assert_eq!(table.year, 2016);
        assert_eq!(table.skipped_regions, 1);
        assert_eq!(
            table.rows.iter().map(|r| (r.code.as_str(), r.population)).collect::<Vec<_>>(),
            [("0586", 26_639), ("0509", 5_272)]
        );
        let table = parse_json_stat2(&bytes, Some(2017)).unwrap();
        assert_eq!(table.rows[1].population, 5_343);
        assert!(parse_json_stat2(&bytes, None).is_err(), "two years and none chosen");
        assert!(parse_json_stat2(b"{", None).is_err());
    }
}
