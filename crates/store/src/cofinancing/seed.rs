//! The Östergötland co-financing as the seed documents describe it, for the demo and the tests:
//! the coordinator post at the county board, its cost in 2016 and 2018, and an agreement with
//! each of the 13 municipalities in the two versions the seed shows (2016 and 2018). Contact
//! persons are plainly synthetic; Mjölby's and the county board's organisation numbers are the
//! seed's, the other municipalities' are made-up numbers with valid check digits.

use chrono::NaiveDate;
use etablera_domain::agreements::{Instalment, InvoiceSchedule, Period, RefundPolicy, Side, Terms, Validity};
use etablera_domain::cofinancing::payment::{InvoicingForm, PostalAddress, Postcode};
use etablera_domain::cofinancing::{CostModel, PostCost};
use etablera_domain::identity::{OrganisationNumber, luhn_check_digit};
use etablera_domain::ids::AgreementId;
use etablera_domain::money::Money;
use etablera_domain::municipality;

use etablera_domain::cofinancing::invoices::{Basis, InvoiceKind, InvoiceStatus};
use etablera_domain::time::Year;

use super::invoices::{self, NewInvoice};
use super::posts::{self, NewPost};
use crate::access::Actor;
use crate::agreements::{self, Contact, NewVersion};
use crate::{DbConn, Result, write};

pub const COUNTY_BOARD: &str = "202100-2270";
pub const MJOLBY: &str = "212000-0480";

fn d(text: &str) -> NaiveDate {
    text.parse().expect("a valid date in the seed")
}

/// A made-up organisation number for a municipality, with a valid check digit.
pub fn demo_org_number(code: &str) -> OrganisationNumber {
    if code == "0586" {
        return MJOLBY.parse().expect("the seed's number is valid");
    }
    let body = format!("2120009{}", &code[2..]);
    let digits: Vec<u8> = body.bytes().map(|b| b - b'0').collect();
    let check = luhn_check_digit(&digits);
    format!("{body}{check}").parse().expect("built with a valid check digit")
}

pub fn terms_2016() -> Terms {
    Terms {
        validity: Validity::FixedTerm { start: d("2016-09-01"), end: d("2018-01-31") },
        notice_months: None,
        refund_policy: RefundPolicy::None,
        vacancy_threshold_months: None,
        schedule: InvoiceSchedule::Instalments(vec![
            Instalment { due: d("2016-12-10"), period: Period { start: d("2016-09-01"), end: d("2017-08-31") } },
            Instalment { due: d("2017-05-31"), period: Period { start: d("2017-09-01"), end: d("2018-02-28") } },
        ]),
    }
}

pub fn terms_2018() -> Terms {
    Terms {
        validity: Validity::UntilFurtherNotice { start: d("2018-01-01") },
        notice_months: Some(2),
        refund_policy: RefundPolicy::FromMonthAfterEnd,
        vacancy_threshold_months: Some(1),
        schedule: InvoiceSchedule::Yearly { month: 12, day: 10 },
    }
}

pub struct Seeded {
    pub post_id: i32,
    /// Agreement ids by municipality code.
    pub agreements: Vec<(String, i32)>,
}

impl Seeded {
    pub fn agreement(&self, code: &str) -> i32 {
        self.agreements.iter().find(|(c, _)| c == code).map(|(_, id)| *id).expect("a seeded municipality")
    }
}

/// Creates the post, its cost models and the 13 agreements with both versions.
pub fn ostergotland(conn: &mut DbConn, actor: &Actor) -> Result<Seeded> {
    write(conn, |conn| {
        let county_board: OrganisationNumber = COUNTY_BOARD.parse().expect("the seed's number is valid");
        let post = posts::create(
            conn,
            actor,
            &NewPost {
                name: "Regional integrationssamordnare Östergötland",
                county_code: "05",
                employer_name: "Länsstyrelsen Östergötland",
                employer_org_number: &county_board,
                population_year_lag: 1,
            },
        )?;
        let model_2016 = CostModel {
            monthly_salary: Money::from_kr(39_500),
            on_cost: "48".parse().expect("a valid percentage"),
            monthly_overhead: Money::ZERO,
        };
        posts::set_cost_model(
            conn,
            post.id,
            2016,
            &PostCost::Parts(model_2016),
            Some("Månadslön 39 500 kr och sociala avgifter 48 % (avtalet 2016, bilaga Beräkning)"),
        )?;
        posts::set_cost_model(
            conn,
            post.id,
            2018,
            &PostCost::StatedYearly(Money::from_kr(763_945)),
            Some("763 945 kr för lön och OH (avtalet 2018, bilaga Finansiering)"),
        )?;
        // Demo: Bankgirot's own example number, not the county board's.
        let invoicing = InvoicingForm {
            account_kind: "bankgiro".into(),
            account: "5050-1055".into(),
            street: "Östgötagatan 3".into(),
            postcode: "581 86".into(),
            city: "Linköping".into(),
            ..InvoicingForm::default()
        }
        .check()
        .expect("the seed's invoicing details are valid");
        posts::set_invoicing(conn, actor, post.id, &invoicing)?;
        let mut ids = Vec::new();
        for (i, m) in municipality::all().iter().filter(|m| m.county_code == "05").enumerate() {
            let code: etablera_domain::municipality::MunicipalityCode = m.code.parse().expect("built-in code");
            let contacts = |version: &str| {
                vec![
                    Contact {
                        side: Side::County,
                        name: format!("Demo Samordnare ({version})"),
                        title: Some("Integrationsutvecklare".into()),
                        email: Some("samordnare@example.invalid".into()),
                        phone: None,
                    },
                    Contact {
                        side: Side::Municipality,
                        name: format!("Demo Kontakt {}", m.name),
                        title: Some("Ledamot i Integrationsrådet".into()),
                        email: Some(format!("kontakt.{}@example.invalid", m.code)),
                        phone: None,
                    },
                ]
            };
            let demo_note = (m.code != "0586")
                .then(|| "Demo: organisationsnumret är påhittat, med giltig kontrollsiffra.".to_owned());
            let first = NewVersion {
                effective_from: d("2016-12-06"),
                registry_number: Some(if m.code == "0586" {
                    "KS/2014:500".into()
                } else {
                    format!("Demo {}/2016", m.code)
                }),
                decision: Some(
                    "Avtal om finansiering av en tjänst som integrationssamordnare, 2016-09-01 – 2018-01-31".into(),
                ),
                signed_on: Some(d("2016-12-06")),
                terms: terms_2016(),
                municipality_org_number: demo_org_number(m.code),
                county_org_number: county_board.clone(),
                contacts: contacts("2016"),
                note: demo_note.clone(),
            };
            let id = agreements::create(
                conn,
                actor,
                post.id,
                &code,
                &format!("Finansiering av integrationssamordnare – {}", m.name),
                &first,
            )?;
            let second = NewVersion {
                effective_from: d("2018-11-18"),
                registry_number: Some(if m.code == "0586" {
                    "OSN/2018:236".into()
                } else {
                    format!("Demo {}/2018", m.code)
                }),
                decision: Some(
                    "Integrationsrådet 2017-04-18: tjänsten behålls permanent; avtalet gäller tills vidare".into(),
                ),
                signed_on: Some(d("2018-11-18")),
                terms: terms_2018(),
                municipality_org_number: demo_org_number(m.code),
                county_org_number: county_board.clone(),
                contacts: contacts("2018"),
                note: demo_note,
            };
            agreements::amend(conn, actor, id, 1, &second)?;
            // Demo: a made-up box address in the county's postcode range.
            let address = PostalAddress {
                street: format!("Box {}", 100 + i),
                postcode: Postcode::parse(&format!("5{:02}81", 80 + i)).expect("a valid postcode"),
                city: m.name.to_owned(),
            };
            agreements::set_invoice_address(conn, actor, id, &address)?;
            ids.push((m.code.to_owned(), id));
        }
        Ok(Seeded { post_id: post.id, agreements: ids })
    })
}

/// Marks every invoice of the given years as sent on its invoice date and paid when due.
pub fn settle(conn: &mut DbConn, post_id: i32, years: &[Year]) -> Result<()> {
    for year in years {
        for invoice in invoices::list(conn, post_id, Some(*year))? {
            if invoice.status == InvoiceStatus::Draft {
                let sent =
                    invoices::advance(conn, invoice.id, invoice.version, InvoiceStatus::Sent, invoice.invoice_date)?;
                invoices::advance(conn, sent.id, sent.version, InvoiceStatus::Paid, sent.due_date())?;
            }
        }
    }
    Ok(())
}

/// Mjölby's payments 2019–2023 as its 2024 decision sums them up ("between 47 and 64 tkr a
/// year", 64 tkr for 2023). The seed gives no yearly figures: the amounts between are demo values.
pub fn mjolby_history(conn: &mut DbConn, actor: &Actor, agreement_id: i32) -> Result<()> {
    let amounts = [(2019, 47_000), (2020, 51_000), (2021, 55_000), (2022, 59_000), (2023, 64_000)];
    write(conn, |conn| {
        for (year, kr) in amounts {
            let due = NaiveDate::from_ymd_opt(year, 12, 10).expect("10 December exists");
            invoices::insert(
                conn,
                actor,
                &NewInvoice {
                    agreement_id: AgreementId::new(agreement_id),
                    municipality_code: "0586".into(),
                    kind: InvoiceKind::Invoice,
                    period: Period {
                        start: NaiveDate::from_ymd_opt(year, 1, 1).expect("1 January"),
                        end: NaiveDate::from_ymd_opt(year, 12, 31).expect("31 December"),
                    },
                    invoice_date: due,
                    amount: Money::from_kr(kr),
                    status: InvoiceStatus::Paid,
                    basis: Basis::Note {
                        text: "Historisk betalning (demovärde): Mjölby kommun betalade 47–64 tkr per år 2016–2023 \
                               enligt beslut KS/2024:165 § 88."
                            .into(),
                    },
                    issued_on: Some(due),
                    paid_on: Some(etablera_domain::cofinancing::invoices::due_date(due, Some(due))),
                    credits_invoice_id: None,
                },
            )?;
        }
        Ok(())
    })
}
