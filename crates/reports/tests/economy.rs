//! The economy's documents read back: a claim as form 4497's table and the grant's account, as
//! XLSX (the cells) and PDF (its text, through pdftotext).

use std::process::Command;

use chrono::NaiveDate;
use etablera_domain::money::Money;
use etablera_reports::economy::{ClaimLine, Heading, claim_sheet, grant_sheet, pdf, xlsx};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

const COLUMNS: [&str; 10] = [
    "Hyra före ankomst",
    "Resa från flygplatsen",
    "Resor för UT-kort och id-kort",
    "Övertid",
    "Mat första dagen",
    "Kläder",
    "Hemutrustning",
    "Tolk",
    "Särskilda insatser",
    "Övrigt",
];

fn claim() -> (Heading, etablera_reports::economy::Sheet) {
    let columns: Vec<String> = COLUMNS.iter().map(|c| (*c).to_owned()).collect();
    let mut first = vec![Money::ZERO; 10];
    first[4] = Money::from_kr(1000);
    first[6] = Money::from_kr(9000);
    let mut second = vec![Money::ZERO; 10];
    second[5] = Money::from_ore(149_999);
    let lines = [
        ClaimLine {
            dossier_number: "12-000001".into(),
            personal_number: "19800301-1234".into(),
            reception_date: Some(d("2024-02-01")),
            period: (d("2024-02-01"), d("2024-02-05")),
            amounts: first,
        },
        ClaimLine {
            dossier_number: "12-000002".into(),
            personal_number: String::new(),
            reception_date: Some(d("2024-02-01")),
            period: (d("2024-02-01"), d("2024-02-01")),
            amounts: second,
        },
    ];
    let heading = Heading {
        title: "Ansökan om ersättning för initiala kostnader för kvotflyktingar (som blankett 4497)".into(),
        facts: vec![("Kommun".into(), "0117 Österåker".into()), ("Sista dag".into(), "2025-02-01".into())],
        note: "Belopp i kronor exklusive moms.".into(),
    };
    (heading, claim_sheet(&columns, &lines))
}

#[test]
fn a_claims_totals_are_the_sums_of_its_rows() {
    let (_, sheet) = claim();
    assert_eq!(sheet.headers.len(), 4 + 10 + 1);
    let row_sums: Vec<Money> = sheet.rows.iter().map(|(_, a)| *a.last().unwrap()).collect();
    assert_eq!(row_sums, [Money::from_kr(10_000), Money::from_ore(149_999)]);
    assert_eq!(*sheet.totals.last().unwrap(), Money::from_ore(1_149_999));
    for (i, total) in sheet.totals.iter().enumerate() {
        assert_eq!(*total, sheet.rows.iter().map(|(_, a)| a[i]).sum::<Money>());
    }
}

#[test]
fn a_claim_as_xlsx_has_the_forms_columns_and_exact_amounts() {
    let (heading, sheet) = claim();
    let bytes = xlsx("Ansökan", &heading, &sheet).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("an XLSX file is a zip archive");
    let mut read = |name: &str| {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut archive.by_name(name).unwrap(), &mut text).unwrap();
        text
    };
    let cells = read("xl/worksheets/sheet1.xml");
    let strings = read("xl/sharedStrings.xml");
    for text in
        ["Dossiernummer", "Personnummer", "Mottagningsdatum", "Hemutrustning", "12-000001", "19800301-1234", "Summa"]
    {
        assert!(strings.contains(text), "{text}");
    }
    assert!(cells.contains("<v>9000</v>") && cells.contains("<v>1499.99</v>"));
    assert!(cells.contains("<v>11499.99</v>"), "the total, exact to the öre");
}

fn pdf_text(bytes: &[u8]) -> String {
    assert!(bytes.starts_with(b"%PDF-"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("document.pdf");
    std::fs::write(&file, bytes).unwrap();
    let out = Command::new("pdftotext")
        .args(["-layout", file.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    String::from_utf8_lossy(&out.stdout).replace('\u{a0}', " ")
}

#[test]
fn a_claim_as_pdf_reads_like_the_form() {
    let (heading, sheet) = claim();
    let text = pdf_text(&pdf(&heading, &sheet, "Etablera · ansökan 1").unwrap());
    for expected in [
        "blankett 4497",
        "0117 Österåker",
        "Dossiernummer",
        "12-000002",
        "2024-02-01 – 2024-02-05",
        "9 000",
        "1 499,99",
        "11 499,99",
    ] {
        assert!(text.contains(expected), "{expected} is missing from:\n{text}");
    }
}

#[test]
fn the_grants_account_per_category_and_month() {
    let mut clothes = [Money::ZERO; 12];
    clothes[2] = Money::from_kr(100);
    let mut shortfall = [Money::ZERO; 12];
    shortfall[4] = Money::from_ore(50_050);
    let mut months = [Money::ZERO; 12];
    months[2] = Money::from_kr(100);
    months[4] = Money::from_ore(50_050);
    let sheet = grant_sheet(&[("Kläder".into(), clothes), ("Ej beviljat".into(), shortfall)], &months);
    assert_eq!(*sheet.totals.last().unwrap(), Money::from_ore(60_050));
    let heading = Heading {
        title: "Redovisning av anslaget 2024".into(),
        facts: vec![("Anslag".into(), "100 000 kr".into()), ("Kvar".into(), "99 399,50 kr".into())],
        note: String::new(),
    };
    let text = pdf_text(&pdf(&heading, &sheet, "Etablera").unwrap());
    for expected in ["Redovisning av anslaget 2024", "Kläder", "Ej beviljat", "maj", "500,50", "600,50", "99 399,50 kr"]
    {
        assert!(text.contains(expected), "{expected} is missing from:\n{text}");
    }
    let bytes = xlsx("Anslag", &heading, &sheet).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut cells = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("xl/worksheets/sheet1.xml").unwrap(), &mut cells).unwrap();
    assert!(cells.contains("<v>600.5</v>"), "the year's total");
}
