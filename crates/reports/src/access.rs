//! The access log as CSV, for the monthly log review.

use etablera_domain::access::AccessLogEntry;
use etablera_domain::text::Text;
use etablera_domain::time::to_local;

/// One exported row: the entry, who acted (user name, when known) and its chain hash.
pub struct LoggedAccess<'a> {
    pub entry: &'a AccessLogEntry,
    pub actor_username: Option<&'a str>,
    pub hash: &'a str,
}

/// The columns, in Swedish: the monthly review is kept in Swedish.
fn header() -> [String; 12] {
    [
        Text::new("log-col-row"),
        Text::new("log-col-local-time"),
        Text::new("log-col-utc"),
        Text::new("log-col-user-id"),
        Text::new("log-col-username"),
        Text::new("log-col-action"),
        Text::new("log-col-record-kind"),
        Text::new("log-col-record-id"),
        Text::new("log-col-municipality"),
        Text::new("log-col-request"),
        Text::new("log-col-address"),
        Text::new("log-col-hash"),
    ]
    .map(|text| text.swedish())
}

/// CSV with a header row, comma separated, UTF-8 with a byte-order mark so that spreadsheet
/// programs read å, ä and ö right.
pub fn access_log_csv(rows: &[LoggedAccess<'_>]) -> Result<Vec<u8>, csv::Error> {
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut writer = csv::Writer::from_writer(&mut out);
        writer.write_record(header())?;
        for row in rows {
            let e = row.entry;
            writer.write_record(crate::cells::record([
                e.id.to_string(),
                to_local(e.at).format("%Y-%m-%d %H:%M:%S").to_string(),
                e.at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
                e.actor_user_id.map(|id| id.to_string()).unwrap_or_default(),
                row.actor_username.unwrap_or_default().to_owned(),
                e.action.clone(),
                e.record_kind.clone(),
                e.record_id.clone().unwrap_or_default(),
                e.municipality_code.clone().unwrap_or_default(),
                e.request_id.clone().unwrap_or_default(),
                e.client_address.clone().unwrap_or_default(),
                row.hash.to_owned(),
            ]))?;
        }
        writer.flush()?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_header_and_one_line_per_row_in_local_time() {
        let entry = AccessLogEntry {
            id: 3,
            at: chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap().and_hms_opt(8, 30, 0).unwrap(),
            actor_user_id: Some(2),
            action: "read".into(),
            record_kind: "user".into(),
            record_id: Some("5".into()),
            municipality_code: Some("0117".into()),
            request_id: Some("abc".into()),
            client_address: Some("127.0.0.1".into()),
        };
        let bytes =
            access_log_csv(&[LoggedAccess { entry: &entry, actor_username: Some("anna"), hash: "ff" }]).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with("rad,tid (Europe/Stockholm)"));
        assert_eq!(
            lines[1],
            "3,2026-11-24 09:30:00,2026-11-24T08:30:00.000000Z,2,anna,read,user,5,0117,abc,127.0.0.1,ff"
        );
    }
}

const EXTRACT_TEMPLATE: &str = include_str!("../templates/extract.typ");

/// A register extract as a document: every word and figure already in the reader's language.
pub struct ExtractDocument {
    pub title: String,
    /// What the extract is and what it holds, a paragraph.
    pub intro: String,
    pub facts: Vec<(String, String)>,
    pub sections: Vec<ExtractSection>,
    pub footer: String,
    /// "sida" and "av" of "sida 1 av 2", and the language's code.
    pub page_word: String,
    pub of_word: String,
    pub lang: String,
}

/// One kind of record: a heading, the columns and the rows, or what to say when there are none.
pub struct ExtractSection {
    pub heading: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub none: String,
}

const SEPARATORS: [char; 4] = ['\u{1c}', '\u{1d}', '\u{1e}', '\u{1f}'];

fn cells(cells: &[String]) -> String {
    cells.iter().map(|c| c.replace(SEPARATORS, " ")).collect::<Vec<_>>().join("\u{1f}")
}

fn lines(rows: &[Vec<String>]) -> String {
    rows.iter().map(|r| cells(r)).collect::<Vec<_>>().join("\u{1e}")
}

/// The extract as a PDF of A4 pages.
pub fn extract_pdf(document: &ExtractDocument) -> Result<Vec<u8>, crate::pdf::PdfError> {
    let facts: Vec<Vec<String>> = document.facts.iter().map(|(k, v)| vec![k.clone(), v.clone()]).collect();
    let sections = document
        .sections
        .iter()
        .map(|s| {
            [
                cells(std::slice::from_ref(&s.heading)),
                cells(&s.headers),
                lines(&s.rows),
                cells(std::slice::from_ref(&s.none)),
            ]
            .join("\u{1c}")
        })
        .collect::<Vec<_>>()
        .join("\u{1d}");
    crate::pdf::render(
        EXTRACT_TEMPLATE,
        vec![
            ("title", document.title.replace(SEPARATORS, " ")),
            ("intro", document.intro.replace(SEPARATORS, " ")),
            ("facts", lines(&facts)),
            ("sections", sections),
            ("footer", document.footer.replace(SEPARATORS, " ")),
            ("page_word", document.page_word.clone()),
            ("of_word", document.of_word.clone()),
            ("lang", document.lang.clone()),
        ],
    )
}
