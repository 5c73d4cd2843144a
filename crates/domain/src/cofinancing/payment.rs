//! How an invoice is paid: the seller's account (bankgiro, plusgiro, or IBAN with BIC), each
//! checked as its owner specifies, and the payment reference (an OCR number with a length digit
//! and a check digit, as Bankgirot specifies), so that the payer's bank matches the payment to
//! the invoice without anyone reading it.

use std::fmt;

use crate::identity::{luhn_check_digit, luhn_valid};
use crate::input::{Errors, Invalid, required_text};
use crate::text::Text;

fn digits_of(text: &str) -> Option<Vec<u8>> {
    let cleaned: String = text.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    if cleaned.is_empty() || !cleaned.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(cleaned.bytes().map(|b| b - b'0').collect())
}

fn digits_text(digits: &[u8]) -> String {
    digits.iter().map(|d| char::from(b'0' + d)).collect()
}

/// A giro number's digits when there are as many as `lengths` allows and the last is their
/// Luhn check digit; the messages are `{messages}-format` and `{messages}-check`.
fn giro_digits(text: &str, lengths: std::ops::RangeInclusive<usize>, messages: &str) -> Result<String, Text> {
    let format = || Text::new(format!("{messages}-format"));
    let digits = digits_of(text.trim()).filter(|d| lengths.contains(&d.len())).ok_or_else(format)?;
    if !luhn_valid(&digits) {
        return Err(Text::new(format!("{messages}-check")));
    }
    Ok(digits_text(&digits))
}

/// A bankgiro number: seven or eight digits, the last a Luhn check digit; shown NNN-NNNN or
/// NNNN-NNNN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bankgiro(String);

impl Bankgiro {
    pub fn parse(text: &str) -> Result<Bankgiro, Text> {
        giro_digits(text, 7..=8, "payment-bankgiro").map(Bankgiro)
    }

    /// The digits alone, as a payment file and the e-invoice carry them.
    pub fn digits(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Bankgiro {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (head, tail) = self.0.split_at(self.0.len() - 4);
        write!(f, "{head}-{tail}")
    }
}

/// A plusgiro number: two to eight digits, the last a Luhn check digit; shown with a hyphen
/// before the check digit (NNNNNN-N).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plusgiro(String);

impl Plusgiro {
    pub fn parse(text: &str) -> Result<Plusgiro, Text> {
        giro_digits(text, 2..=8, "payment-plusgiro").map(Plusgiro)
    }

    pub fn digits(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Plusgiro {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (head, tail) = self.0.split_at(self.0.len() - 1);
        write!(f, "{head}-{tail}")
    }
}

/// An IBAN: a country code, two check digits that make the whole number 1 modulo 97, and the
/// account; a Swedish one is 24 characters. Shown in groups of four.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Iban(String);

impl Iban {
    pub fn parse(text: &str) -> Result<Iban, Text> {
        let iban: String = text.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
        let well_formed = (15..=34).contains(&iban.len())
            && iban.chars().all(|c| c.is_ascii_alphanumeric())
            && iban[..2].chars().all(|c| c.is_ascii_alphabetic())
            && iban[2..4].chars().all(|c| c.is_ascii_digit());
        if !well_formed || (iban.starts_with("SE") && iban.len() != 24) {
            return Err(Text::new("payment-iban-format"));
        }
        // The first four characters move to the end; letters count as 10–35.
        let rearranged = format!("{}{}", &iban[4..], &iban[..4]);
        let remainder = rearranged.chars().fold(0u32, |acc, c| {
            let value = c.to_digit(36).expect("checked alphanumeric");
            if value < 10 { (acc * 10 + value) % 97 } else { (acc * 100 + value) % 97 }
        });
        if remainder != 1 {
            return Err(Text::new("payment-iban-check"));
        }
        Ok(Iban(iban))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Iban {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let groups: Vec<&str> = self.0.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).expect("ASCII")).collect();
        f.write_str(&groups.join(" "))
    }
}

/// A BIC (SWIFT code): four letters for the bank, two for the country, two letters or digits
/// for the place, and perhaps three for the branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bic(String);

impl Bic {
    pub fn parse(text: &str) -> Result<Bic, Text> {
        let bic = text.trim().to_ascii_uppercase();
        let ok = matches!(bic.len(), 8 | 11)
            && bic[..6].chars().all(|c| c.is_ascii_alphabetic())
            && bic[6..].chars().all(|c| c.is_ascii_alphanumeric());
        if ok { Ok(Bic(bic)) } else { Err(Text::new("payment-bic-format")) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where the money goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentAccount {
    Bankgiro(Bankgiro),
    Plusgiro(Plusgiro),
    Iban { iban: Iban, bic: Bic },
}

/// A payment reference for Bankgirot's OCR control: the invoice's digits, a length digit (the
/// whole reference's length, modulo 10) and a Luhn check digit over all before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcrReference(String);

/// The most digits an OCR reference may have.
pub const OCR_MAX_DIGITS: usize = 25;

impl OcrReference {
    /// The reference for `base` (the digits of an invoice number; other characters are left
    /// out): its digits, the length digit and the check digit.
    pub fn for_digits(base: &str) -> Result<OcrReference, Text> {
        let mut digits: Vec<u8> = base.bytes().filter(u8::is_ascii_digit).map(|b| b - b'0').collect();
        if digits.is_empty() || digits.len() + 2 > OCR_MAX_DIGITS {
            return Err(Text::new("payment-ocr-base"));
        }
        digits.push(((digits.len() + 2) % 10) as u8);
        let check = luhn_check_digit(&digits);
        digits.push(check);
        Ok(OcrReference(digits_text(&digits)))
    }

    /// A reference as typed or read from a payment file: checked for its length digit and its
    /// check digit.
    pub fn parse(text: &str) -> Result<OcrReference, Text> {
        let digits = digits_of(text.trim()).ok_or_else(|| Text::new("payment-ocr-format"))?;
        if !(3..=OCR_MAX_DIGITS).contains(&digits.len()) {
            return Err(Text::new("payment-ocr-format"));
        }
        let length_digit = digits[digits.len() - 2];
        if usize::from(length_digit) != digits.len() % 10 || !luhn_valid(&digits) {
            return Err(Text::new("payment-ocr-check"));
        }
        Ok(OcrReference(digits_text(&digits)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OcrReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

crate::coded! {
    /// How the seller is paid: to a bankgiro, a plusgiro, or an account abroad-style by IBAN and BIC.
    pub enum AccountKind {
        Bankgiro = "bankgiro",
        Plusgiro = "plusgiro",
        Iban = "iban",
    }
}

impl PaymentAccount {
    pub fn kind(&self) -> AccountKind {
        match self {
            PaymentAccount::Bankgiro(_) => AccountKind::Bankgiro,
            PaymentAccount::Plusgiro(_) => AccountKind::Plusgiro,
            PaymentAccount::Iban { .. } => AccountKind::Iban,
        }
    }

    /// The account as stored: its digits (a giro) or the IBAN, and the BIC of an IBAN.
    pub fn stored(&self) -> (&str, Option<&str>) {
        match self {
            PaymentAccount::Bankgiro(b) => (b.digits(), None),
            PaymentAccount::Plusgiro(p) => (p.digits(), None),
            PaymentAccount::Iban { iban, bic } => (iban.as_str(), Some(bic.as_str())),
        }
    }

    /// An account as stored, read back through the same checks.
    pub fn from_stored(kind: AccountKind, account: &str, bic: Option<&str>) -> Result<PaymentAccount, Text> {
        Ok(match kind {
            AccountKind::Bankgiro => PaymentAccount::Bankgiro(Bankgiro::parse(account)?),
            AccountKind::Plusgiro => PaymentAccount::Plusgiro(Plusgiro::parse(account)?),
            AccountKind::Iban => {
                PaymentAccount::Iban { iban: Iban::parse(account)?, bic: Bic::parse(bic.unwrap_or_default())? }
            }
        })
    }
}

impl fmt::Display for PaymentAccount {
    /// As a payer types it: "Bankgiro 5050-1055", "Plusgiro 90 20 03-3" or "IBAN SE45 …, BIC ESSESESS".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PaymentAccount::Bankgiro(b) => write!(f, "Bankgiro {b}"),
            PaymentAccount::Plusgiro(p) => write!(f, "Plusgiro {p}"),
            PaymentAccount::Iban { iban, bic } => write!(f, "IBAN {iban}, BIC {}", bic.as_str()),
        }
    }
}

/// A check's message (a clause) as a form shows it: a sentence.
fn sentence(field: &'static str, message: Text) -> Invalid {
    Invalid::new(field, Text::new("full-stop").with_text("text", message.capitalised()))
}

/// A Swedish postcode: five digits, the first not 0; shown "NNN NN".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Postcode(String);

impl Postcode {
    pub fn parse(text: &str) -> Result<Postcode, Text> {
        let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() == 5 && digits.chars().all(|c| c.is_ascii_digit()) && !digits.starts_with('0') {
            Ok(Postcode(digits))
        } else {
            Err(Text::new("address-postcode-format"))
        }
    }

    pub fn digits(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", &self.0[..3], &self.0[3..])
    }
}

/// A postal address in Sweden, as an invoice carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostalAddress {
    pub street: String,
    pub postcode: Postcode,
    pub city: String,
}

/// An address as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct AddressForm {
    pub street: String,
    pub postcode: String,
    pub city: String,
}

impl AddressForm {
    pub fn check(&self) -> Result<PostalAddress, Vec<Invalid>> {
        let mut errors = Errors::new();
        let address = self.check_into(&mut errors);
        errors.finish(|| address)
    }

    fn check_into(&self, errors: &mut Errors) -> Option<PostalAddress> {
        let street = errors.keep(required_text("street", &self.street, 100, Text::new("what-street")));
        let postcode = errors.keep(Postcode::parse(&self.postcode).map_err(|m| sentence("postcode", m)));
        let city = errors.keep(required_text("city", &self.city, 60, Text::new("what-city")));
        Some(PostalAddress { street: street?, postcode: postcode?, city: city? })
    }
}

/// How the county board is paid and where it is: what every invoice of its post carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoicing {
    pub account: PaymentAccount,
    pub address: PostalAddress,
}

/// The post's invoicing details as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct InvoicingForm {
    /// `bankgiro`, `plusgiro` or `iban`.
    pub account_kind: String,
    pub account: String,
    /// Only for an IBAN.
    pub bic: String,
    pub street: String,
    pub postcode: String,
    pub city: String,
}

impl InvoicingForm {
    /// Every error at once: the account by its owner's checks, the BIC with an IBAN, the address.
    pub fn check(&self) -> Result<Invoicing, Vec<Invalid>> {
        let mut errors = Errors::new();
        let account = match AccountKind::from_code(self.account_kind.trim()) {
            None => {
                errors.push(Invalid::new("account_kind", Text::new("invoicing-account-kind")));
                None
            }
            Some(AccountKind::Iban) => {
                let iban = errors.keep(Iban::parse(&self.account).map_err(|m| sentence("account", m)));
                let bic = errors.keep(Bic::parse(&self.bic).map_err(|m| sentence("bic", m)));
                iban.zip(bic).map(|(iban, bic)| PaymentAccount::Iban { iban, bic })
            }
            Some(kind) => {
                errors.keep(PaymentAccount::from_stored(kind, &self.account, None).map_err(|m| sentence("account", m)))
            }
        };
        let address =
            AddressForm { street: self.street.clone(), postcode: self.postcode.clone(), city: self.city.clone() }
                .check_into(&mut errors);
        errors.finish(|| Some(Invoicing { account: account?, address: address? }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bankgiro_and_plusgiro_numbers_carry_a_luhn_check_digit() {
        // Bankgirot's own examples: 5050-1055 and 991-2346.
        assert_eq!(Bankgiro::parse("5050-1055").unwrap().to_string(), "5050-1055");
        assert_eq!(Bankgiro::parse("991-2346").unwrap().digits(), "9912346");
        assert_eq!(Bankgiro::parse("5050-1056").unwrap_err().key, "payment-bankgiro-check");
        assert_eq!(Bankgiro::parse("123456").unwrap_err().key, "payment-bankgiro-format");
        assert_eq!(Bankgiro::parse("5050-105x").unwrap_err().key, "payment-bankgiro-format");
        // Plusgirot's own 90 20 03-3 (Radiohjälpen).
        assert_eq!(Plusgiro::parse("90 20 03-3").unwrap().to_string(), "902003-3");
        assert!(Plusgiro::parse("90 20 03-4").is_err());
    }

    #[test]
    fn an_iban_is_checked_modulo_97_and_a_swedish_one_has_24_characters() {
        // The example of the Swedish Bankers' Association.
        let iban = Iban::parse("se35 5000 0000 0549 1000 0003").unwrap();
        assert_eq!(iban.as_str(), "SE3550000000054910000003");
        assert_eq!(iban.to_string(), "SE35 5000 0000 0549 1000 0003");
        assert_eq!(Iban::parse("SE3650000000054910000003").unwrap_err().key, "payment-iban-check");
        assert_eq!(Iban::parse("SE35500000000549100000").unwrap_err().key, "payment-iban-format");
        assert!(Iban::parse("GB82 WEST 1234 5698 7654 32").is_ok());
        assert_eq!(Bic::parse("essesess").unwrap().as_str(), "ESSESESS");
        assert!(Bic::parse("ESSESESSXXX").is_ok());
        assert!(Bic::parse("ESS1SESS").is_err());
    }

    #[test]
    fn an_ocr_reference_ends_in_a_length_digit_and_a_check_digit() {
        // Bankgirot's example: 12345682 — six digits, the length 8, the check digit 2.
        let ocr = OcrReference::for_digits("123456").unwrap();
        assert_eq!(ocr.as_str(), "12345682");
        assert_eq!(OcrReference::parse("1234 5682").unwrap(), ocr);
        assert_eq!(OcrReference::parse("12345683").unwrap_err().key, "payment-ocr-check");
        assert_eq!(OcrReference::parse("12345672").unwrap_err().key, "payment-ocr-check", "a wrong length digit");
        // The invoice number's letters and signs are left out; a length of 10 or more counts modulo 10.
        let long = OcrReference::for_digits("F2026-00013").unwrap();
        assert_eq!(&long.as_str()[..9], "202600013");
        assert_eq!(long.as_str().len(), 11);
        assert_eq!(&long.as_str()[9..10], "1");
        assert!(OcrReference::parse(long.as_str()).is_ok());
        assert!(OcrReference::for_digits("utan siffror").is_err());
        assert!(OcrReference::for_digits(&"1".repeat(24)).is_err());
    }

    #[test]
    fn invoicing_details_name_every_wrong_field_at_once() {
        let form = InvoicingForm {
            account_kind: "iban".into(),
            account: "SE45 5000 0000 0583 9825 7467".into(),
            bic: "ESSE".into(),
            street: " ".into(),
            postcode: "05 123".into(),
            city: "Linköping".into(),
        };
        let fields: Vec<String> = form.check().unwrap_err().into_iter().map(|e| e.field.into_owned()).collect();
        assert_eq!(fields, ["account", "bic", "street", "postcode"]);
        let good = InvoicingForm {
            account_kind: "bankgiro".into(),
            account: "5050-1055".into(),
            bic: "ignored for a giro".into(),
            street: "Östgötagatan 3".into(),
            postcode: "581 86".into(),
            city: "Linköping".into(),
        }
        .check()
        .unwrap();
        assert_eq!(good.account.to_string(), "Bankgiro 5050-1055");
        assert_eq!(good.account.stored(), ("50501055", None));
        assert_eq!(good.address.postcode.to_string(), "581 86");
        let none = InvoicingForm { account_kind: "kontanter".into(), ..InvoicingForm::default() };
        let fields: Vec<String> = none.check().unwrap_err().into_iter().map(|e| e.field.into_owned()).collect();
        assert_eq!(fields, ["account_kind", "street", "postcode", "city"]);
    }

    #[test]
    fn a_stored_account_reads_back_as_it_was_written() {
        let iban = PaymentAccount::Iban {
            iban: Iban::parse("SE45 5000 0000 0583 9825 7466").unwrap(),
            bic: Bic::parse("esseSESS").unwrap(),
        };
        let (account, bic) = iban.stored();
        assert_eq!(PaymentAccount::from_stored(AccountKind::Iban, account, bic).unwrap(), iban);
        assert_eq!(iban.to_string(), "IBAN SE45 5000 0000 0583 9825 7466, BIC ESSESESS");
        assert!(PaymentAccount::from_stored(AccountKind::Bankgiro, "50501056", None).is_err());
    }
}
