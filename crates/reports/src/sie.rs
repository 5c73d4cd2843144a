//! Vouchers as an SIE 4i file (type 4, vouchers only), in the PC8 character set (code page 437)
//! that SIE requires. The file names the books (#ORGNR, #FNAMN), the fiscal year (#RAR: a
//! municipality's is the calendar year), the chart (#KPTYP), each account with its type (#KONTO,
//! #KTYP), and the cost centres as objects of dimension 1, which SIE reserves for them (#DIM,
//! #OBJEKT).

use std::fmt::Write;

use chrono::NaiveDate;
use etablera_domain::economy::accounting::{AccountType, Voucher, account_type};
use etablera_domain::identity::OrganisationNumber;
use etablera_domain::money::Money;
use etablera_domain::text::Text;

pub struct SieFile {
    pub program_version: String,
    pub generated: NaiveDate,
    /// The municipality's name.
    pub company: String,
    pub org_number: Option<OrganisationNumber>,
    /// The fiscal year the vouchers are in, first and last day.
    pub fiscal_year: (NaiveDate, NaiveDate),
    /// Account number, name and type, for the accounts the vouchers use.
    pub accounts: Vec<(String, String, AccountType)>,
    /// Cost centre and name, for the cost centres the vouchers use (dimension 1).
    pub cost_centres: Vec<(String, String)>,
    /// Vouchers are numbered in the file from 1 in series `series`; the receiving system may
    /// number them anew.
    pub series: String,
    pub vouchers: Vec<Voucher>,
}

/// A text field, quoted, with quotes inside escaped; line breaks become spaces.
fn quoted(text: &str) -> String {
    let clean: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    format!("\"{}\"", clean.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Amounts with a point and two decimals, a minus sign when negative and no plus sign.
fn amount(m: Money) -> String {
    let ore = m.ore();
    format!("{}{}.{:02}", if ore < 0 { "-" } else { "" }, ore.unsigned_abs() / 100, ore.unsigned_abs() % 100)
}

fn date(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// The file as text (before encoding).
pub fn text(file: &SieFile) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "#FLAGGA 0");
    let _ = writeln!(out, "#PROGRAM \"Etablera\" {}", quoted(&file.program_version));
    let _ = writeln!(out, "#FORMAT PC8");
    let _ = writeln!(out, "#GEN {}", date(file.generated));
    let _ = writeln!(out, "#SIETYP 4");
    if let Some(org_number) = &file.org_number {
        let _ = writeln!(out, "#ORGNR {org_number}");
    }
    let _ = writeln!(out, "#FNAMN {}", quoted(&file.company));
    let _ = writeln!(out, "#RAR 0 {} {}", date(file.fiscal_year.0), date(file.fiscal_year.1));
    // The accounts follow the BAS chart's structure, which SIE names by its 1997 edition.
    let _ = writeln!(out, "#KPTYP EUBAS97");
    for (number, name, _) in &file.accounts {
        let _ = writeln!(out, "#KONTO {number} {}", quoted(name));
    }
    for (number, _, kind) in &file.accounts {
        let _ = writeln!(out, "#KTYP {number} {}", kind.code());
    }
    if !file.cost_centres.is_empty() {
        let _ = writeln!(out, "#DIM 1 {}", quoted(&Text::new("sie-dimension-cost-centre").swedish()));
    }
    for (centre, name) in &file.cost_centres {
        let _ = writeln!(out, "#OBJEKT 1 {} {}", quoted(centre), quoted(name));
    }
    for (i, v) in file.vouchers.iter().enumerate() {
        let _ = writeln!(out, "#VER {} {} {} {}", quoted(&file.series), i + 1, date(v.date), quoted(&v.text));
        let _ = writeln!(out, "{{");
        for line in &v.lines {
            let objects = line.cost_centre.as_ref().map(|c| format!("1 {}", quoted(c))).unwrap_or_default();
            let _ = writeln!(out, "#TRANS {} {{{objects}}} {}", line.account, amount(line.amount));
        }
        let _ = writeln!(out, "}}");
    }
    out
}

/// The file in code page 437, lines ended CR LF as the format's readers expect. A character the
/// code page lacks becomes "?".
pub fn sie4i(file: &SieFile) -> Vec<u8> {
    use codepage_437::CP437_CONTROL;
    text(file).replace('\n', "\r\n").chars().map(|c| CP437_CONTROL.encode(c).unwrap_or(b'?')).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_amounts_and_swedish_letters() {
        assert_eq!(quoted("Möbel \"Hus\""), "\"Möbel \\\"Hus\\\"\"");
        assert_eq!(amount(Money::from_ore(-123_456)), "-1234.56");
        assert_eq!(amount(Money::from_ore(5)), "0.05");
        let file = SieFile {
            program_version: "0.1".into(),
            generated: NaiveDate::from_ymd_opt(2024, 4, 1).unwrap(),
            company: "Österåker".into(),
            org_number: None,
            fiscal_year: (NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(), NaiveDate::from_ymd_opt(2024, 12, 31).unwrap()),
            accounts: vec![],
            cost_centres: vec![],
            series: "E".into(),
            vouchers: vec![],
        };
        let bytes = sie4i(&file);
        assert!(text(&file).contains("#RAR 0 20240101 20241231"));
        // Ö is 0x99 and å 0x86 in code page 437.
        assert!(bytes.windows(2).any(|w| w == [b'"', 0x99]));
        assert!(bytes.contains(&0x86));
        let fnamn: &[u8] = b"#FNAMN \"\x99ster\x86ker\"\r\n";
        assert!(bytes.windows(fnamn.len()).any(|w| w == fnamn));
    }
}

/// What each setting's account is called in the file, in Swedish: the file goes to the
/// municipality's bookkeeping.
fn account_name(key: &str) -> Option<String> {
    let name = Text::new(match key {
        "expense_rent_before_arrival" => "sie-account-rent-before-arrival",
        "expense_travel_from_airport" | "expense_travel_for_cards" => "sie-account-travel",
        "expense_overtime" => "sie-account-overtime",
        "expense_food_first_day" | "expense_clothes" => "sie-account-food-and-clothes",
        "expense_home_equipment" => "sie-account-home-equipment",
        "expense_interpreter" | "expense_special_measures" => "sie-account-interpreter",
        "expense_other" | "expense_economic_assistance" => "sie-account-other",
        "vat" => "sie-account-vat",
        "payable" => "sie-account-payable",
        "receivable" => "sie-account-receivable",
        "revenue" => "sie-account-revenue",
        _ => return None,
    });
    Some(name.swedish())
}

/// A municipality's month as an SIE 4i file: the accounts and cost centres the vouchers use,
/// then the vouchers. `year` is the month's: a municipality's fiscal year is the calendar year.
pub fn month_file(
    company: &str,
    generated: NaiveDate,
    year: i32,
    settings: &[(String, String)],
    vouchers: Vec<Voucher>,
) -> SieFile {
    let used: std::collections::BTreeSet<&str> =
        vouchers.iter().flat_map(|v| v.lines.iter().map(|l| l.account.as_str())).collect();
    let mut accounts: Vec<(String, String, AccountType)> = Vec::new();
    for (key, number) in settings {
        let (Some(name), Some(kind)) = (account_name(key), account_type(key)) else { continue };
        if used.contains(number.as_str()) && !accounts.iter().any(|(n, _, _)| n == number) {
            accounts.push((number.clone(), name, kind));
        }
    }
    accounts.sort();
    let setting = |key: &str| settings.iter().find(|(k, _)| k == key).map(|(_, v)| v.trim().to_owned());
    let centres_used: std::collections::BTreeSet<&str> =
        vouchers.iter().flat_map(|v| v.lines.iter().filter_map(|l| l.cost_centre.as_deref())).collect();
    let cost_centres = [("cost_centre", "sie-object-unit"), ("grant_cost_centre", "sie-object-grant")]
        .iter()
        .filter_map(|(key, name)| setting(key).map(|centre| (centre, Text::new(*name).swedish())))
        .filter(|(centre, _)| centres_used.contains(centre.as_str()))
        .collect();
    SieFile {
        program_version: env!("CARGO_PKG_VERSION").to_owned(),
        generated,
        company: company.to_owned(),
        org_number: setting("org_number").and_then(|n| n.parse().ok()),
        fiscal_year: (
            NaiveDate::from_ymd_opt(year, 1, 1).expect("the first of January"),
            NaiveDate::from_ymd_opt(year, 12, 31).expect("the last of December"),
        ),
        accounts,
        cost_centres,
        series: "E".to_owned(),
        vouchers,
    }
}
