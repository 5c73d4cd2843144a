//! Vouchers as an SIE 4i file (type 4, vouchers only), in the PC8 character set (code page 437)
//! that SIE requires. Cost centres are objects of dimension 1, which SIE reserves for them, so
//! the file needs no #DIM record.

use std::fmt::Write;

use chrono::NaiveDate;
use etablera_domain::economy::accounting::Voucher;
use etablera_domain::money::Money;
use etablera_domain::text::Text;

pub struct SieFile {
    pub program_version: String,
    pub generated: NaiveDate,
    /// The municipality's name.
    pub company: String,
    /// Account number and name, for the accounts the vouchers use.
    pub accounts: Vec<(String, String)>,
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
    let _ = writeln!(out, "#FNAMN {}", quoted(&file.company));
    for (number, name) in &file.accounts {
        let _ = writeln!(out, "#KONTO {number} {}", quoted(name));
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
            accounts: vec![],
            series: "E".into(),
            vouchers: vec![],
        };
        let bytes = sie4i(&file);
        // Ö is 0x99 and å 0x86 in code page 437.
        assert!(bytes.windows(2).any(|w| w == [b'"', 0x99]));
        assert!(bytes.contains(&0x86));
        assert!(bytes.ends_with(b"#FNAMN \"\x99ster\x86ker\"\r\n"));
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

/// A municipality's month as an SIE 4i file: the accounts the vouchers use, then the vouchers.
pub fn month_file(
    company: &str,
    generated: NaiveDate,
    settings: &[(String, String)],
    vouchers: Vec<Voucher>,
) -> SieFile {
    let used: std::collections::BTreeSet<&str> =
        vouchers.iter().flat_map(|v| v.lines.iter().map(|l| l.account.as_str())).collect();
    let mut accounts: Vec<(String, String)> = Vec::new();
    for (key, number) in settings {
        let Some(name) = account_name(key) else { continue };
        if used.contains(number.as_str()) && !accounts.iter().any(|(n, _)| n == number) {
            accounts.push((number.clone(), name));
        }
    }
    accounts.sort();
    SieFile {
        program_version: env!("CARGO_PKG_VERSION").to_owned(),
        generated,
        company: company.to_owned(),
        accounts,
        series: "E".to_owned(),
        vouchers,
    }
}
