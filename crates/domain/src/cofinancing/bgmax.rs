//! Bankgirot's file of incoming payments (BgMax): fixed lines of 80 characters, each starting with
//! its record type. A file opens (01) and closes (70); each deposit to the payee's account opens
//! with its bankgiro (05), lists its payments (20, with their deductions 21 and extra references
//! 22–23, and the payer's name and address 25–29), and closes with the day the money came and
//! the deposit's sum (15). The positions are those of Bankgirot's layout, as the open-source
//! BgMax readers (fribok, bankgiro_inbetalningar, pybgmax) agree on them.
//!
//! Read whole or not at all: a line the layout does not allow, a deposit whose sum is not its
//! payments', a test file, or counts that do not match refuse the file with the line and what is
//! wrong.

use chrono::NaiveDate;

use super::population::LineError;
use crate::money::Money;
use crate::text::Text;

/// One payment as the payer's bank sent it: their reference (an OCR number, if they gave it
/// right) and the amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    /// The line in the file, to point at.
    pub line: usize,
    pub reference: String,
    pub amount: Money,
    /// The payment came with extra references (22, 23) or deductions (21): split by hand.
    pub split: bool,
    /// The day the money reached the payee's account.
    pub deposited_on: NaiveDate,
}

/// The file's payments, to the payee's bankgiro.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentFile {
    /// The payee's bankgiro as the deposits name it, digits only.
    pub bankgiro: String,
    pub payments: Vec<Payment>,
}

/// The most lines a file may have: a year of a county's payments many times over.
pub const MAX_LINES: usize = 200_000;

fn field(line: &str, from: usize, to: usize) -> &str {
    // Positions are 1-based and inclusive, as the layout numbers them.
    line.get(from - 1..to).unwrap_or("").trim()
}

fn amount(line_no: usize, text: &str) -> Result<Money, LineError> {
    text.parse::<i64>()
        .map(Money::from_ore)
        .map_err(|_| LineError::new(line_no, Text::new("bgmax-amount").with("text", text)))
}

fn count(line_no: usize, text: &str) -> Result<usize, LineError> {
    text.parse().map_err(|_| LineError::new(line_no, Text::new("bgmax-count")))
}

/// Reads a BgMax file (ISO 8859-1 or plain ASCII; lines ended LF or CR LF).
pub fn parse(bytes: &[u8]) -> Result<PaymentFile, LineError> {
    // Latin-1: every byte is the character of the same number.
    let text: String = bytes.iter().map(|b| char::from(*b)).collect();
    let lines: Vec<&str> = text.lines().map(|l| l.trim_end_matches('\r')).filter(|l| !l.trim().is_empty()).collect();
    if lines.len() > MAX_LINES {
        return Err(LineError::new(MAX_LINES + 1, Text::new("bgmax-too-long").with("max", MAX_LINES)));
    }
    let first = lines.first().copied().unwrap_or("");
    if !first.starts_with("01") || field(first, 3, 22) != "BGMAX" {
        return Err(LineError::new(1, Text::new("bgmax-not-bgmax")));
    }
    if field(first, 45, 45) == "T" {
        return Err(LineError::new(1, Text::new("bgmax-test-file")));
    }
    let mut file = PaymentFile { bankgiro: String::new(), payments: Vec::new() };
    // The payments of the deposit being read: they learn their day from its closing record.
    let mut open: Option<(Vec<Payment>, Money)> = None;
    let (mut payments, mut deductions, mut references, mut deposits) = (0usize, 0usize, 0usize, 0usize);
    let mut closed = false;
    for (i, line) in lines.iter().enumerate().skip(1) {
        let n = i + 1;
        if closed {
            return Err(LineError::new(n, Text::new("bgmax-after-end")));
        }
        let kind = line.get(..2).unwrap_or("");
        match kind {
            "05" => {
                if open.is_some() {
                    return Err(LineError::new(n, Text::new("bgmax-deposit-not-closed")));
                }
                if !matches!(field(line, 23, 25), "" | "SEK") {
                    return Err(LineError::new(n, Text::new("bgmax-currency")));
                }
                let bankgiro = field(line, 3, 12).trim_start_matches('0').to_owned();
                if !file.bankgiro.is_empty() && file.bankgiro != bankgiro {
                    return Err(LineError::new(n, Text::new("bgmax-two-payees")));
                }
                file.bankgiro = bankgiro;
                open = Some((Vec::new(), Money::ZERO));
            }
            "20" | "21" => {
                let Some((list, sum)) = open.as_mut() else {
                    return Err(LineError::new(n, Text::new("bgmax-outside-deposit")));
                };
                let value = amount(n, field(line, 38, 55))?;
                if kind == "20" {
                    payments += 1;
                    *sum = *sum + value;
                    list.push(Payment {
                        line: n,
                        reference: field(line, 13, 37).to_owned(),
                        amount: value,
                        split: false,
                        deposited_on: NaiveDate::MIN,
                    });
                } else {
                    deductions += 1;
                    *sum = *sum - value;
                    match list.last_mut() {
                        Some(last) => last.split = true,
                        None => return Err(LineError::new(n, Text::new("bgmax-outside-deposit"))),
                    }
                }
            }
            "22" | "23" => {
                references += 1;
                match open.as_mut().and_then(|(list, _)| list.last_mut()) {
                    Some(last) => last.split = true,
                    None => return Err(LineError::new(n, Text::new("bgmax-outside-deposit"))),
                }
            }
            // The payer's name, address and organisation number, and free text: not kept.
            "25" | "26" | "27" | "28" | "29" => {
                if open.is_none() {
                    return Err(LineError::new(n, Text::new("bgmax-outside-deposit")));
                }
            }
            "15" => {
                let Some((list, sum)) = open.take() else {
                    return Err(LineError::new(n, Text::new("bgmax-outside-deposit")));
                };
                deposits += 1;
                let day = NaiveDate::parse_from_str(field(line, 38, 45), "%Y%m%d")
                    .map_err(|_| LineError::new(n, Text::new("bgmax-date")))?;
                let total = amount(n, field(line, 51, 68))?;
                if total != sum {
                    return Err(LineError::new(
                        n,
                        Text::new("bgmax-deposit-sum").with("stated", total.to_string()).with("sum", sum.to_string()),
                    ));
                }
                if count(n, field(line, 72, 79))? != list.len() {
                    return Err(LineError::new(n, Text::new("bgmax-count")));
                }
                file.payments.extend(list.into_iter().map(|p| Payment { deposited_on: day, ..p }));
            }
            "70" => {
                if open.is_some() {
                    return Err(LineError::new(n, Text::new("bgmax-deposit-not-closed")));
                }
                let stated = [
                    count(n, field(line, 3, 10))?,
                    count(n, field(line, 11, 18))?,
                    count(n, field(line, 19, 26))?,
                    count(n, field(line, 27, 34))?,
                ];
                if stated != [payments, deductions, references, deposits] {
                    return Err(LineError::new(n, Text::new("bgmax-count")));
                }
                closed = true;
            }
            _ => return Err(LineError::new(n, Text::new("bgmax-record").with("kind", kind))),
        }
    }
    if !closed {
        return Err(LineError::new(lines.len(), Text::new("bgmax-no-end")));
    }
    Ok(file)
}

/// What became of a payment in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settlement {
    /// The invoice with this number is marked paid on the deposit day.
    Paid { number: String },
    /// The reference is not an OCR number: the payer wrote something else.
    NotOcr,
    /// No invoice of the post has this OCR number.
    NoInvoice,
    /// The payment came with deductions or extra references.
    Split,
    /// The invoice is not waiting for payment (a draft, paid, credited, a credit note).
    NotPayable { number: String },
    /// The amount is not the invoice's.
    AmountDiffers { number: String, invoiced: Money },
}

impl Settlement {
    pub fn text(&self, paid: Money) -> Text {
        match self {
            Settlement::Paid { number } => Text::new("settle-paid").with("number", number),
            Settlement::NotOcr => Text::new("settle-not-ocr"),
            Settlement::NoInvoice => Text::new("settle-no-invoice"),
            Settlement::Split => Text::new("settle-split"),
            Settlement::NotPayable { number } => Text::new("settle-not-payable").with("number", number),
            Settlement::AmountDiffers { number, invoiced } => Text::new("settle-amount")
                .with("number", number)
                .with("paid", paid.to_string())
                .with("invoiced", invoiced.to_string()),
        }
    }
}

/// The invoice number an OCR reference was made from: Etablera's numbers are the year, the
/// municipality's code and a serial (`2026-0586-1`), so the reference's digits before its length
/// and check digits give it back.
pub fn invoice_number(reference: &super::payment::OcrReference) -> Option<String> {
    let digits = reference.as_str();
    let base = digits.get(..digits.len().checked_sub(2)?)?;
    (base.len() > 8).then(|| format!("{}-{}-{}", &base[..4], &base[4..8], &base[8..]))
}

/// What a payment settles: the invoice its reference names, if it is sent and the amount is its
/// own. `invoice` is the named invoice's number, whether it waits for payment, and its amount.
pub fn settle(payment: &Payment, invoice: impl FnOnce(&str) -> Option<(String, bool, Money)>) -> Settlement {
    if payment.split {
        return Settlement::Split;
    }
    let Ok(reference) = super::payment::OcrReference::parse(&payment.reference) else {
        return Settlement::NotOcr;
    };
    let Some((number, payable, invoiced)) = invoice_number(&reference).and_then(|n| invoice(&n)) else {
        return Settlement::NoInvoice;
    };
    if !payable {
        Settlement::NotPayable { number }
    } else if invoiced != payment.amount {
        Settlement::AmountDiffers { number, invoiced }
    } else {
        Settlement::Paid { number }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A line of the layout: the record type, then each field placed at its position.
    pub fn record(kind: &str, fields: &[(usize, &str)]) -> String {
        let mut line = format!("{kind:<80}");
        for (at, value) in fields {
            line.replace_range(at - 1..at - 1 + value.len(), value);
        }
        line
    }

    pub fn payment(reference: &str, ore: i64) -> String {
        record("20", &[(3, "0009912346"), (13, reference), (38, &format!("{ore:018}")), (56, "2"), (57, "1")])
    }

    /// A file with one deposit of the given payments on `day`.
    pub fn file(day: &str, payments: &[String]) -> String {
        let sum: i64 = payments.iter().map(|p| p[37..55].parse::<i64>().unwrap()).sum();
        let mut lines = vec![
            record("01", &[(3, "BGMAX"), (23, "01"), (25, "20261205123000000000"), (45, "P")]),
            record("05", &[(3, "0050501055"), (23, "SEK")]),
        ];
        lines.extend(payments.iter().cloned());
        lines.push(record(
            "15",
            &[
                (3, "00000000000000000000000000000000123"),
                (38, day),
                (46, "00001"),
                (51, &format!("{sum:018}")),
                (69, "SEK"),
                (72, &format!("{:08}", payments.len())),
            ],
        ));
        lines.push(record(
            "70",
            &[(3, &format!("{:08}", payments.len())), (11, "00000000"), (19, "00000000"), (27, "00000001")],
        ));
        lines.join("\r\n") + "\r\n"
    }

    #[test]
    fn payments_are_read_with_their_reference_amount_and_day() {
        let text = file("20261204", &[payment("20260586115", 4_545_200), payment("12345682", 100)]);
        let read = parse(text.as_bytes()).unwrap();
        assert_eq!(read.bankgiro, "50501055");
        assert_eq!(read.payments.len(), 2);
        assert_eq!(read.payments[0].reference, "20260586115");
        assert_eq!(read.payments[0].amount, Money::from_kr(45_452));
        assert_eq!(read.payments[0].deposited_on, NaiveDate::from_ymd_opt(2026, 12, 4).unwrap());
        assert_eq!(read.payments[1].line, 4);
    }

    #[test]
    fn a_file_that_does_not_add_up_is_refused_with_its_line() {
        let good = file("20261204", &[payment("20260586115", 4_545_200)]);
        let error = |text: &str| parse(text.as_bytes()).unwrap_err();
        let wrong_sum = good.replace("000000000004545200SEK", "000000000004545201SEK");
        assert_eq!((error(&wrong_sum).line, error(&wrong_sum).message.key.as_ref()), (4, "bgmax-deposit-sum"));
        let opening = record("01", &[(3, "BGMAX"), (23, "01"), (25, "20261205123000000000"), (45, "P")]);
        let test_file = good.replacen(&opening, &opening.replacen("000P", "000T", 1), 1);
        assert_eq!(error(&test_file).message.key.as_ref(), "bgmax-test-file");
        assert_eq!(error("en vanlig textfil").message.key.as_ref(), "bgmax-not-bgmax");
        let cut: String = good.lines().take(3).collect::<Vec<_>>().join("\n");
        assert_eq!(error(&cut).message.key.as_ref(), "bgmax-no-end");
        let unknown = good.replacen("\r\n20", "\r\n99", 1);
        assert_eq!(error(&unknown).message.key.as_ref(), "bgmax-record");
        let bad_amount = good.replacen("000000000004545200", "00000000000454520X", 1);
        assert_eq!(error(&bad_amount).message.key.as_ref(), "bgmax-amount");
    }

    #[test]
    fn a_payment_with_extra_references_is_left_to_split_by_hand() {
        let extra = record("22", &[(3, "0009912346"), (13, "20260509113"), (38, "000000000000100000")]);
        let mut text = file("20261204", &[payment("20260586115", 4_545_200)]);
        text = text.replacen("\r\n15", &format!("\r\n{extra}\r\n15"), 1).replacen(
            &record("70", &[(3, "00000001"), (11, "00000000"), (19, "00000000"), (27, "00000001")]),
            &record("70", &[(3, "00000001"), (11, "00000000"), (19, "00000001"), (27, "00000001")]),
            1,
        );
        let read = parse(text.as_bytes()).unwrap();
        assert!(read.payments[0].split);
    }

    #[test]
    fn a_payment_settles_the_sent_invoice_its_ocr_number_names_for_its_amount() {
        use super::super::payment::OcrReference;
        let ocr = OcrReference::for_digits("2026-0586-12").unwrap();
        assert_eq!(invoice_number(&ocr).as_deref(), Some("2026-0586-12"));
        let pay = |reference: &str, kr: i64| Payment {
            line: 3,
            reference: reference.into(),
            amount: Money::from_kr(kr),
            split: false,
            deposited_on: NaiveDate::from_ymd_opt(2026, 12, 4).unwrap(),
        };
        let sent = |n: &str| (n == "2026-0586-12").then(|| (n.to_owned(), true, Money::from_kr(45_452)));
        let number = "2026-0586-12".to_owned();
        assert_eq!(settle(&pay(ocr.as_str(), 45_452), sent), Settlement::Paid { number: number.clone() });
        assert_eq!(
            settle(&pay(ocr.as_str(), 45_000), sent),
            Settlement::AmountDiffers { number: number.clone(), invoiced: Money::from_kr(45_452) }
        );
        assert_eq!(settle(&pay("2026058612", 45_452), sent), Settlement::NotOcr, "a wrong check digit");
        let other = OcrReference::for_digits("2026-0509-1").unwrap();
        assert_eq!(settle(&pay(other.as_str(), 45_452), sent), Settlement::NoInvoice);
        let paid = |n: &str| Some((n.to_owned(), false, Money::from_kr(45_452)));
        assert_eq!(settle(&pay(ocr.as_str(), 45_452), paid), Settlement::NotPayable { number });
        assert_eq!(settle(&Payment { split: true, ..pay(ocr.as_str(), 45_452) }, sent), Settlement::Split);
    }
}
