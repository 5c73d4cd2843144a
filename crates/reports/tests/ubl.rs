//! Every UBL document Etablera makes passes the EN 16931 validation rules (shared/tools/
//! einvoice-check) and the Swedish Peppol rules on organisation numbers.

use std::path::PathBuf;
use std::process::Command;

use chrono::NaiveDate;
use etablera_domain::cofinancing::payment::{
    Bankgiro, Bic, Iban, OcrReference, PaymentAccount, Plusgiro, PostalAddress, Postcode,
};
use etablera_domain::identity::luhn_valid;
use etablera_domain::money::Money;
use etablera_reports::cofinancing::{UblContact, UblInvoice, UblLine, UblParty, UblPayment, ubl};

mod support;

fn check_tool() -> PathBuf {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/tools/einvoice-check");
    assert!(path.exists(), "the validator is missing at {}", path.display());
    path
}

fn seed_invoice(credits: Option<&str>) -> UblInvoice {
    UblInvoice {
        number: if credits.is_some() { "2024-0586-2".into() } else { "2024-0586-1".into() },
        issue_date: NaiveDate::from_ymd_opt(2024, 12, 10).unwrap(),
        due_date: NaiveDate::from_ymd_opt(2025, 1, 9).unwrap(),
        buyer_reference: "OSN/2018:236".into(),
        note: Some("Finansiering av integrationssamordnare 2024 & 2025 <enligt avtal>".into()),
        seller: UblParty {
            name: "Länsstyrelsen Östergötland".into(),
            org_number: "202100-2270".parse().unwrap(),
            address: Some(address("Östgötagatan 3", "581 86", "Linköping")),
            contact: Some(UblContact {
                name: "Anna Andersson".into(),
                phone: Some("010-223 50 00".into()),
                email: Some("anna.andersson@example.se".into()),
            }),
        },
        buyer: UblParty {
            name: "Mjölby kommun".into(),
            org_number: "212000-0480".parse().unwrap(),
            address: Some(address("Box 47", "595 21", "Mjölby")),
            contact: Some(UblContact { name: "Bo Berg".into(), phone: None, email: None }),
        },
        lines: vec![UblLine {
            description: "Andel av integrationssamordnare, folkmängd 27 019 av 450 318".into(),
            period_start: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            period_end: NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(),
            amount: Money::from_kr(45_837),
        }],
        credits: credits.map(str::to_owned),
        payment: Some(UblPayment {
            account: PaymentAccount::Bankgiro(Bankgiro::parse("5050-1055").unwrap()),
            reference: OcrReference::for_digits(if credits.is_some() { "2024-0586-2" } else { "2024-0586-1" }).unwrap(),
        }),
    }
}

fn address(street: &str, postcode: &str, city: &str) -> PostalAddress {
    PostalAddress { street: street.into(), postcode: Postcode::parse(postcode).unwrap(), city: city.into() }
}

/// The OCR reference the document asks the payer to give, checked as the payer's bank checks it.
fn payment_id(xml: &str) -> OcrReference {
    let id = xml.split("<cbc:PaymentID>").nth(1).expect("a payment id").split('<').next().unwrap();
    OcrReference::parse(id).expect("a valid OCR reference")
}

/// Runs the validator once over all documents (it sets itself up on first use, which must not
/// happen twice at the same time).
fn validate(documents: &[(&str, &str)]) {
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<PathBuf> = documents
        .iter()
        .map(|(name, xml)| {
            let file = dir.path().join(name);
            std::fs::write(&file, xml).unwrap();
            file
        })
        .collect();
    let out = Command::new(check_tool()).args(&files).output().expect("einvoice-check runs");
    let report = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "EN 16931 validation failed:\n{report}");
    for (name, _) in documents {
        // The Swedish rules (SE-R-*) are warnings in the rule set; none may fire.
        assert!(report.contains(&format!("{name}: valid (0 fatal, 0 warnings)")), "{name}: {report}");
    }
}

fn swedish_rules(xml: &str) {
    // Organisation numbers with scheme 0007 are ten digits with a valid check digit.
    let mut count = 0;
    for part in xml.split("schemeID=\"0007\">").skip(1) {
        let value = part.split('<').next().unwrap();
        assert_eq!(value.len(), 10, "{value}");
        let digits: Vec<u8> = value.bytes().map(|b| b - b'0').collect();
        assert!(luhn_valid(&digits), "{value} has a bad check digit");
        count += 1;
    }
    assert_eq!(count, 6, "endpoint, identification and legal entity for both parties");
    assert!(xml.contains("<cbc:BuyerReference>OSN/2018:236</cbc:BuyerReference>"));
    assert!(xml.contains("<cbc:DocumentCurrencyCode>SEK</cbc:DocumentCurrencyCode>"));
}

#[test]
fn invoices_and_credit_notes_pass_en_16931_and_the_swedish_rules() {
    let invoice = ubl(&seed_invoice(None));
    assert!(invoice.contains("<cbc:PayableAmount currencyID=\"SEK\">45837.00</cbc:PayableAmount>"));
    assert!(invoice.contains("2024 &amp; 2025 &lt;enligt avtal&gt;"), "text is escaped");
    swedish_rules(&invoice);

    let mut refund = seed_invoice(Some("2024-0586-1"));
    refund.lines[0].amount = Money::from_kr(15_279);
    let credit = ubl(&refund);
    assert!(credit.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CreditNote "));
    assert!(credit.contains("<cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>2024-0586-1</cbc:ID>"));
    swedish_rules(&credit);

    // Paid by bankgiro with an OCR reference; by plusgiro; by IBAN and BIC.
    assert!(invoice.contains("<cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>"));
    assert!(invoice.contains("<cbc:ID>50501055</cbc:ID><cac:FinancialInstitutionBranch><cbc:ID>SE:BANKGIRO</cbc:ID>"));
    assert_eq!(payment_id(&invoice).as_str(), "20240586113");
    assert_eq!(payment_id(&credit).as_str(), "20240586212");
    assert!(invoice.contains("<cbc:StreetName>Östgötagatan 3</cbc:StreetName><cbc:CityName>Linköping</cbc:CityName><cbc:PostalZone>581 86</cbc:PostalZone>"));
    assert!(
        invoice
            .contains("<cac:Contact><cbc:Name>Anna Andersson</cbc:Name><cbc:Telephone>010-223 50 00</cbc:Telephone>")
    );
    assert!(invoice.contains("Betalas senast 2025-01-09 till Bankgiro 5050-1055 med OCR-nummer 20240586113."));
    let mut by_plusgiro = seed_invoice(None);
    by_plusgiro.payment.as_mut().unwrap().account = PaymentAccount::Plusgiro(Plusgiro::parse("90 20 03-3").unwrap());
    let by_plusgiro = ubl(&by_plusgiro);
    assert!(
        by_plusgiro.contains("<cbc:ID>9020033</cbc:ID><cac:FinancialInstitutionBranch><cbc:ID>SE:PLUSGIRO</cbc:ID>")
    );
    let mut by_iban = seed_invoice(None);
    by_iban.payment.as_mut().unwrap().account = PaymentAccount::Iban {
        iban: Iban::parse("SE45 5000 0000 0583 9825 7466").unwrap(),
        bic: Bic::parse("ESSESESS").unwrap(),
    };
    let by_iban = ubl(&by_iban);
    assert!(by_iban.contains(
        "<cbc:ID>SE4550000000058398257466</cbc:ID><cac:FinancialInstitutionBranch><cbc:ID>ESSESESS</cbc:ID>"
    ));

    validate(&[
        ("invoice.xml", &invoice),
        ("credit.xml", &credit),
        ("plusgiro.xml", &by_plusgiro),
        ("iban.xml", &by_iban),
    ]);
}

#[test]
fn a_year_of_invoices_as_xlsx() {
    use etablera_reports::cofinancing::{InvoiceRow, invoices_xlsx};
    let row = |code: &str, kr: i64| InvoiceRow {
        number: format!("2018-{code}-1"),
        municipality_code: code.into(),
        municipality: "Mjölby".into(),
        kind: "invoice".into(),
        period_start: NaiveDate::from_ymd_opt(2018, 1, 1).unwrap(),
        period_end: NaiveDate::from_ymd_opt(2018, 12, 31).unwrap(),
        invoice_date: NaiveDate::from_ymd_opt(2018, 12, 10).unwrap(),
        due_date: NaiveDate::from_ymd_opt(2019, 1, 9).unwrap(),
        amount: Money::from_kr(kr),
        status: "paid".into(),
        basis: "Underlag".into(),
    };
    let bytes = invoices_xlsx("Fakturor 2018", &[row("0586", 45_837), row("0509", 9_064)]).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("an XLSX file is a zip archive");
    let mut read = |name: &str| {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut archive.by_name(name).unwrap(), &mut text).unwrap();
        text
    };
    let sheet = read("xl/worksheets/sheet1.xml");
    let strings = read("xl/sharedStrings.xml");
    assert!(strings.contains("Mjölby") && strings.contains("2018-0586-1") && strings.contains("Summa"));
    assert!(sheet.contains("<v>45837</v>") && sheet.contains("<v>9064</v>"));
    assert!(sheet.contains("<v>54901</v>"), "the total row");
}

#[test]
fn an_invoice_as_pdf_reads_like_the_invoice() {
    use etablera_reports::cofinancing::invoice_pdf;
    let pdf = invoice_pdf(
        &seed_invoice(None),
        "Faktura",
        "Tjänstens kostnad 2024: 763 945 kr. Folkmängd 27 019 av 450 318 = 6,0000 %.",
    )
    .unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("faktura.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let out = Command::new("pdftotext")
        .args(["-layout", file.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    let text = String::from_utf8_lossy(&out.stdout);
    for expected in [
        "Faktura 2024-0586-1",
        "Länsstyrelsen Östergötland",
        "Mjölby kommun",
        "212000-0480",
        "OSN/2018:236",
        "2024-01-01 – 2024-12-31",
        "45 837 kr",
        "Folkmängd 27 019 av 450 318",
    ] {
        assert!(text.replace('\u{a0}', " ").contains(expected), "{expected} is missing from:\n{text}");
    }
}

/// The documents as they are, so that a change to any of them shows in review.
#[test]
fn the_invoice_documents_as_snapshots() {
    use etablera_reports::cofinancing::{InvoiceRow, invoice_pdf, invoices_xlsx};
    insta::assert_snapshot!("invoice_ubl", support::xml_lines(&ubl(&seed_invoice(None))));
    insta::assert_snapshot!("credit_note_ubl", support::xml_lines(&ubl(&seed_invoice(Some("2024-0586-1")))));
    let basis = "Tjänstens kostnad 2024-01-01 – 2024-12-31: 763 945 kr. Delas av 13 kommuner efter folkmängd 2023.";
    let pdf = invoice_pdf(&seed_invoice(None), "Faktura", basis).unwrap();
    insta::assert_snapshot!("invoice_pdf_text", support::pdf_text(&pdf));
    let row = |code: &str, name: &str, kr: i64| InvoiceRow {
        number: format!("2024-{code}-1"),
        municipality_code: code.into(),
        municipality: name.into(),
        kind: "Faktura".into(),
        period_start: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
        period_end: NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(),
        invoice_date: NaiveDate::from_ymd_opt(2024, 12, 10).unwrap(),
        due_date: NaiveDate::from_ymd_opt(2025, 1, 9).unwrap(),
        amount: Money::from_kr(kr),
        status: "Skickad".into(),
        basis: "Underlag".into(),
    };
    let xlsx = invoices_xlsx("Fakturor 2024", &[row("0586", "Mjölby", 45_837), row("0509", "Ödeshög", 9_064)]).unwrap();
    insta::assert_snapshot!("invoices_xlsx_cells", support::xlsx_cells(&xlsx));
}
