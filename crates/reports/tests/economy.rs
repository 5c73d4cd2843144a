//! The economy's documents read back: a claim as form 4497's table and the grant's account, as
//! XLSX (the cells) and PDF (its text, through pdftotext).

use chrono::NaiveDate;
use etablera_domain::money::Money;
use etablera_reports::economy::{ClaimLine, Heading, claim_sheet, grant_sheet, pdf, xlsx};

mod support;
use support::pdf_text;

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

#[test]
fn the_claim_documents_as_snapshots() {
    let (heading, sheet) = claim();
    insta::assert_snapshot!("claim_xlsx_cells", support::xlsx_cells(&xlsx("Ansökan", &heading, &sheet).unwrap()));
    insta::assert_snapshot!("claim_pdf_text", pdf_text(&pdf(&heading, &sheet, "Etablera · ansökan 1").unwrap()));
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

#[test]
fn a_months_vouchers_as_sie_4i_are_read_back_balanced_by_an_sie_parser() {
    use etablera_domain::economy::accounting::{Accounts, MonthCharge, MonthClaim, MonthCost, vouchers};
    use etablera_domain::economy::rules::CostCategory;
    let settings =
        vec![("cost_centre".to_owned(), "1410".to_owned()), ("grant_cost_centre".to_owned(), "1411".to_owned())];
    let accounts = Accounts::from_settings(&settings).unwrap();
    let cost = |id, date: &str, category, kr: i64, vat: i64| MonthCost {
        id,
        date: d(date),
        category,
        amount: Money::from_kr(kr),
        vat: Money::from_ore(vat),
        cost_date: d(date),
        receipt: Some("Kvitto \"Å-17\"".into()),
    };
    let list = vouchers(
        &accounts,
        &[
            cost(1, "2024-03-02", CostCategory::HomeEquipment, 9500, 237_500),
            cost(2, "2024-03-02", CostCategory::FoodFirstDay, 1100, 13_200),
            cost(3, "2024-03-05", CostCategory::EconomicAssistance, 4000, 0),
        ],
        &[MonthClaim { id: 1, submitted_on: d("2024-03-28"), claimed: Money::from_kr(10_000) }],
        &[
            MonthCharge {
                id: 1,
                date: d("2024-03-02"),
                category: Some(CostCategory::HomeEquipment),
                amount: Money::from_kr(500),
            },
            MonthCharge {
                id: 2,
                date: d("2024-03-02"),
                category: Some(CostCategory::FoodFirstDay),
                amount: Money::from_kr(100),
            },
            MonthCharge { id: 3, date: d("2024-03-30"), category: None, amount: Money::from_ore(-5) },
        ],
    )
    .unwrap();
    let mut all_settings = etablera_domain::economy::accounting::DEFAULTS
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect::<Vec<_>>();
    all_settings.extend(settings);
    let file = etablera_reports::sie::month_file("Österåker kommun", d("2024-04-01"), &all_settings, list);
    let bytes = etablera_reports::sie::sie4i(&file);
    insta::assert_snapshot!("month_sie", etablera_reports::sie::text(&file));
    let mut read = Vec::new();
    for item in sie4::Reader::new(bytes.as_slice()) {
        match item {
            Ok(item) => read.push(item),
            // The parser does not move past an error; stop and fail.
            Err(e) => panic!("the SIE parser refused the file: {e:?}\n{}", etablera_reports::sie::text(&file)),
        }
    }
    let fnamn = read.iter().find_map(|i| if let sie4::Item::FNamn(f) = i { Some(f.name.clone()) } else { None });
    assert_eq!(fnamn.as_deref(), Some("Österåker kommun"), "PC8 read back as the same letters");
    let vers: Vec<&sie4::item::Ver> =
        read.iter().filter_map(|i| if let sie4::Item::Ver(v) = i { Some(v) } else { None }).collect();
    assert_eq!(vers.len(), 6, "two costs (economic assistance is booked by its own unit), one claim, three charges");
    for v in &vers {
        let sum: i64 = v.transactions.0.iter().map(|t| Money::parse_kr(&t.amount.to_string()).unwrap().ore()).sum();
        assert_eq!(sum, 0, "voucher {} {:?} balances", v.no, v.text);
    }
    let home = vers.iter().find(|v| v.text.as_deref().is_some_and(|t| t.starts_with("Kostnad 1 "))).unwrap();
    let lines: Vec<(u32, String)> = home.transactions.0.iter().map(|t| (t.account, t.amount.to_string())).collect();
    assert_eq!(lines, [(5410, "9500.00".into()), (2641, "2375.00".into()), (2440, "-11875.00".into())]);
    let konton: Vec<u32> =
        read.iter().filter_map(|i| if let sie4::Item::Konto(k) = i { Some(k.no) } else { None }).collect();
    assert_eq!(konton, [1680, 2440, 2641, 3980, 5410, 5460]);
    let text = etablera_reports::sie::text(&file);
    assert!(text.contains("#TRANS 5410 {1 \"1411\"} 500.00"), "the grant's cost centre as dimension 1:\n{text}");
    assert!(text.contains("#FORMAT PC8") && text.contains("#SIETYP 4"));
}
