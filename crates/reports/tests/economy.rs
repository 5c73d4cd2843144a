//! The economy's documents read back: a claim as form 4497's table and the grant's account, as
//! XLSX (the cells) and PDF (its text, through pdftotext).

use chrono::NaiveDate;
use etablera_domain::money::Money;
use etablera_reports::economy::{ClaimLine, Heading, claim_sheet, grant_sheet};
use etablera_reports::table::{Cell, Table, csv_swedish, pdf, xlsx};

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

fn claim() -> (Heading, Table) {
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
    let money = |cell: &Cell| match cell {
        Cell::Money(m) => *m,
        other => panic!("not an amount: {other:?}"),
    };
    let row_sums: Vec<Money> = sheet.rows.iter().map(|r| money(r.last().unwrap())).collect();
    assert_eq!(row_sums, [Money::from_kr(10_000), Money::from_ore(149_999)]);
    assert_eq!(*sheet.totals.last().unwrap(), Cell::Money(Money::from_ore(1_149_999)));
    assert_eq!(sheet.totals[0], Cell::text("Summa"));
    for col in 4..sheet.headers.len() {
        assert_eq!(money(&sheet.totals[col]), sheet.rows.iter().map(|r| money(&r[col])).sum::<Money>());
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

/// The claim as a spreadsheet program reads it: dates are dates, amounts and sums are numbers in
/// a krona format, texts are texts; the headings stay in view and the file says what it is.
#[test]
fn a_claim_as_xlsx_has_typed_cells_frozen_headings_and_properties() {
    use calamine::{Data, Reader, Xlsx};
    let (heading, sheet) = claim();
    let bytes = xlsx("Ansökan", &heading, &sheet).unwrap();
    let mut workbook = Xlsx::new(std::io::Cursor::new(bytes.clone())).expect("calamine opens the workbook");
    let range = workbook.worksheet_range("Ansökan").unwrap();
    // Rows: title, two facts, blank, headings (row 4), the two lines, the sums.
    assert_eq!(range.get_value((4, 0)), Some(&Data::String("Dossiernummer".into())));
    assert_eq!(range.get_value((5, 0)), Some(&Data::String("12-000001".into())));
    match range.get_value((5, 2)) {
        Some(Data::DateTime(date)) => {
            assert!(date.is_datetime());
            // Days since 1899-12-30, as spreadsheets count them.
            assert_eq!(date.as_f64(), 45_323.0, "2024-02-01");
        }
        other => panic!("the reception date is not a date: {other:?}"),
    }
    assert_eq!(range.get_value((5, 10)), Some(&Data::Float(9000.0)), "Hemutrustning");
    assert_eq!(range.get_value((6, 9)), Some(&Data::Float(1499.99)), "Kläder");
    assert_eq!(range.get_value((7, 0)), Some(&Data::String("Summa".into())));
    assert_eq!(range.get_value((7, 14)), Some(&Data::Float(11499.99)), "the sum, exact to the öre");

    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut read = |name: &str| {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut archive.by_name(name).unwrap(), &mut text).unwrap();
        text
    };
    let sheet_xml = read("xl/worksheets/sheet1.xml");
    assert!(sheet_xml.contains("topLeftCell=\"A6\"") && sheet_xml.contains("state=\"frozen\""), "headings frozen");
    assert!(sheet_xml.contains("<autoFilter ref=\"A5:O7\""), "a filter on the headings");
    assert!(sheet_xml.contains("<col "), "column widths");
    let styles = read("xl/styles.xml");
    assert!(styles.contains("formatCode=\"#,##0.00 &quot;kr&quot;\""), "a krona format: {styles}");
    assert!(styles.contains("formatCode=\"yyyy-mm-dd\""));
    let core = read("docProps/core.xml");
    assert!(core.contains("<dc:title>Ansökan om ersättning för initiala kostnader"), "{core}");
    assert!(core.contains("<dc:creator>Etablera</dc:creator>"));
}

/// The claim as CSV for people, read as Swedish Excel reads it: a byte-order mark, semicolons,
/// amounts with a decimal comma.
#[test]
fn a_claim_as_swedish_csv_opens_in_swedish_excel() {
    let (_, sheet) = claim();
    let bytes = csv_swedish(&sheet).unwrap();
    let text = std::str::from_utf8(&bytes).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("UTF-8 with a byte-order mark");
    let mut reader = csv::ReaderBuilder::new().delimiter(b';').from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "Dossiernummer");
    assert_eq!(&headers[9], "Kläder");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3, "two lines and the sums");
    let swedish_number = |cell: &str| -> f64 {
        assert!(!cell.contains('.'), "a decimal comma, not a point: {cell}");
        cell.replace(',', ".").parse().unwrap()
    };
    assert_eq!(&rows[1][0], "12-000002");
    assert_eq!(&rows[1][2], "2024-02-01", "a date Excel reads as a date");
    assert_eq!(swedish_number(&rows[1][9]), 1499.99);
    assert_eq!(&rows[2][0], "Summa");
    assert_eq!(swedish_number(&rows[2][14]), 11499.99);
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
    assert_eq!(*sheet.totals.last().unwrap(), Cell::Money(Money::from_ore(60_050)));
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
    let settings = vec![
        ("cost_centre".to_owned(), "1410".to_owned()),
        ("grant_cost_centre".to_owned(), "1411".to_owned()),
        ("org_number".to_owned(), "212000-0142".to_owned()),
    ];
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
    // Every key once, as the store gives them: the stored value, else the default.
    let all_settings = etablera_domain::economy::accounting::DEFAULTS
        .iter()
        .map(|(k, v)| {
            let value = settings.iter().find(|(key, _)| key == k).map_or(*v, |(_, stored)| stored.as_str());
            ((*k).to_owned(), value.to_owned())
        })
        .collect::<Vec<_>>();
    let file = etablera_reports::sie::month_file("Österåker kommun", d("2024-04-01"), 2024, &all_settings, list);
    let bytes = etablera_reports::sie::sie4i(&file);
    insta::assert_snapshot!("month_sie", etablera_reports::sie::text(&file));
    every_record_is_well_formed(&bytes);
    // The sie4 crate reads every record but the chart's types and objects, which it does not know.
    let known: Vec<u8> = bytes
        .split_inclusive(|b| *b == b'\n')
        .filter(|line| !(line.starts_with(b"#KTYP") || line.starts_with(b"#DIM") || line.starts_with(b"#OBJEKT")))
        .flatten()
        .copied()
        .collect();
    let mut read = Vec::new();
    for item in sie4::Reader::new(known.as_slice()) {
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
    // Readable: the category by its Swedish name (the crate leaves the quotes escaped).
    assert!(
        home.text.as_deref().unwrap().starts_with("Kostnad 1 2024-03-02 Hemutrustning, kvitto Kvitto"),
        "{:?}",
        home.text
    );
    let orgnr = read.iter().find_map(|i| if let sie4::Item::Orgnr(o) = i { Some(o.org_no.clone()) } else { None });
    assert_eq!(orgnr.as_deref(), Some("212000-0142"));
    let rar = read.iter().find_map(|i| if let sie4::Item::Rar(r) = i { Some((r.no, r.start, r.end)) } else { None });
    assert_eq!(
        rar.map(|(no, start, end)| (no, start.to_string(), end.to_string())),
        Some((0, "2024-01-01".into(), "2024-12-31".into()))
    );
    assert!(read.iter().any(|i| matches!(i, sie4::Item::KpTyp(k) if k.typ == sie4::item::ChartAccountsType::EuBas97)));
    let lines: Vec<(u32, String)> = home.transactions.0.iter().map(|t| (t.account, t.amount.to_string())).collect();
    assert_eq!(lines, [(5410, "9500.00".into()), (2641, "2375.00".into()), (2440, "-11875.00".into())]);
    let konton: Vec<u32> =
        read.iter().filter_map(|i| if let sie4::Item::Konto(k) = i { Some(k.no) } else { None }).collect();
    assert_eq!(konton, [1680, 2440, 2641, 3980, 5410, 5460]);
    let text = etablera_reports::sie::text(&file);
    assert!(text.contains("#TRANS 5410 {1 \"1411\"} 500.00"), "the grant's cost centre as dimension 1:\n{text}");
    assert!(text.contains("#FORMAT PC8") && text.contains("#SIETYP 4"));
    assert!(!text.contains("food_first_day"), "no internal codes in the texts:\n{text}");
    assert!(text.contains("Belastning av anslaget 3: ej beviljat av Migrationsverket"));
}

/// SIE 4's records as the format describes them, read by a parser of our own: each line a known
/// label with its fields (quoted texts, `{}` object lists, plain words), in the format's order;
/// every account and object that a transaction uses declared before it; the fiscal year
/// covering every voucher; the organisation number valid.
fn every_record_is_well_formed(bytes: &[u8]) {
    use codepage_437::{BorrowFromCp437, CP437_CONTROL};
    let text = String::borrow_from_cp437(bytes, &CP437_CONTROL);
    assert!(text.ends_with("\r\n") && !text.replace("\r\n", "").contains('\n'), "CR LF line ends");
    fn fields(line: &str) -> Vec<String> {
        let (mut out, mut chars) = (Vec::new(), line.chars().peekable());
        while let Some(c) = chars.next() {
            match c {
                ' ' => {}
                '"' => {
                    let mut field = String::new();
                    while let Some(c) = chars.next() {
                        match c {
                            '\\' => field.extend(chars.next()),
                            '"' => break,
                            c => field.push(c),
                        }
                    }
                    out.push(field);
                }
                '{' => {
                    let mut field = String::from("{");
                    for c in chars.by_ref() {
                        field.push(c);
                        if c == '}' {
                            break;
                        }
                    }
                    out.push(field);
                }
                c => {
                    let mut field = String::from(c);
                    while let Some(c) = chars.next_if(|c| *c != ' ') {
                        field.push(c);
                    }
                    out.push(field);
                }
            }
        }
        out
    }
    // Labels in the order the format wants them, with how many fields each has.
    let order = [
        ("#FLAGGA", 1),
        ("#PROGRAM", 2),
        ("#FORMAT", 1),
        ("#GEN", 1),
        ("#SIETYP", 1),
        ("#ORGNR", 1),
        ("#FNAMN", 1),
        ("#RAR", 3),
        ("#KPTYP", 1),
        ("#KONTO", 2),
        ("#KTYP", 2),
        ("#DIM", 2),
        ("#OBJEKT", 3),
        ("#VER", 4),
    ];
    let (mut accounts, mut typed, mut dimensions, mut objects) = (vec![], vec![], vec![], vec![]);
    let (mut year, mut last, mut in_voucher, mut balance) = (None, 0, false, 0i64);
    let mut seen = std::collections::BTreeSet::new();
    for line in text.lines() {
        match line {
            "{" => {
                in_voucher = true;
                balance = 0;
                continue;
            }
            "}" => {
                assert_eq!(balance, 0, "each voucher balances");
                in_voucher = false;
                continue;
            }
            _ => {}
        }
        let f = fields(line);
        let label = f[0].as_str();
        if in_voucher {
            assert_eq!(label, "#TRANS", "only transactions inside a voucher");
            assert_eq!(f.len(), 4, "{line}");
            assert!(accounts.contains(&f[1]) && typed.contains(&f[1]), "account {} declared with its type", f[1]);
            let list = f[2].trim_matches(['{', '}']);
            if !list.is_empty() {
                let pair = fields(list);
                assert!(dimensions.contains(&pair[0]), "dimension {} declared", pair[0]);
                assert!(objects.contains(&(pair[0].clone(), pair[1].clone())), "object {list} declared");
            }
            balance += Money::parse_kr(&f[3]).unwrap().ore();
            continue;
        }
        let position = order.iter().position(|(l, _)| *l == label).unwrap_or_else(|| panic!("unknown record {line}"));
        assert!(position >= last, "{label} out of order");
        last = position;
        assert_eq!(f.len(), order[position].1 + 1, "{line}");
        seen.insert(label.to_owned());
        match label {
            "#ORGNR" => assert!(f[1].parse::<etablera_domain::identity::OrganisationNumber>().is_ok(), "{line}"),
            "#RAR" => year = Some((f[2].clone(), f[3].clone())),
            "#KONTO" => accounts.push(f[1].clone()),
            "#KTYP" => {
                assert!(["T", "S", "K", "I"].contains(&f[2].as_str()), "{line}");
                typed.push(f[1].clone());
            }
            "#DIM" => dimensions.push(f[1].clone()),
            "#OBJEKT" => objects.push((f[1].clone(), f[2].clone())),
            "#VER" => {
                let (start, end) = year.clone().expect("#RAR before the vouchers");
                assert!(start <= f[3] && f[3] <= end, "voucher date {} in the fiscal year", f[3]);
            }
            _ => {}
        }
    }
    for label in [
        "#FLAGGA", "#PROGRAM", "#FORMAT", "#GEN", "#SIETYP", "#ORGNR", "#FNAMN", "#RAR", "#KPTYP", "#KONTO", "#KTYP",
        "#DIM", "#OBJEKT", "#VER",
    ] {
        assert!(seen.contains(label), "{label} is in the file");
    }
}
