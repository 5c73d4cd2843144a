//! Invoices from the county board to the parties of a shared post: what a document is, how it
//! moves from draft to sent to paid or credited, when it falls due, how its amount was reached,
//! and the plan of the invoices a year's schedules call for.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::apportion::{ApportionError, Claimant, Unit, apportion};
use super::cost::PostCost;
use crate::agreements::{InvoiceSchedule, Period, RefundPolicy, TerminationInput, Terms, terminate};
use crate::money::Money;
use crate::text::Text;
use crate::time::Year;

crate::coded! {
    /// What a document is.
    pub enum InvoiceKind {
        /// A period's share.
        Invoice = "invoice",
        /// The share up to the end of an agreement that ended within an unpaid period; it
        /// replaces that period's invoice.
        Final = "final",
        /// A credit note: a refund or a full credit, negative.
        Credit = "credit",
    }
}

crate::coded! {
    /// Where a document is on its way.
    pub enum InvoiceStatus {
        Draft = "draft",
        Sent = "sent",
        Paid = "paid",
        Credited = "credited",
    }
}

/// Days from the invoice date to the day payment is due: the county board's terms of payment.
pub const PAYMENT_TERMS_DAYS: i64 = 30;

/// The day a document must be paid: the terms of payment counted from the day it was sent, or
/// until then from the day the schedule says it is to be sent. The one due date every page,
/// file and answer shows.
pub fn due_date(invoice_date: NaiveDate, issued_on: Option<NaiveDate>) -> NaiveDate {
    issued_on.unwrap_or(invoice_date) + chrono::Duration::days(PAYMENT_TERMS_DAYS)
}

/// Why a document cannot move as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvoiceRefusal {
    #[error("the document cannot move to that status from where it is")]
    Step,
    #[error("only a sent or paid invoice that is not itself a credit note can be credited")]
    NotCreditable,
    #[error("a credit note or final invoice already refers to this invoice")]
    AlreadyCredited,
    #[error("the post has no account and address to be paid to")]
    NoSellerDetails,
    #[error("the agreement has no invoicing address for the municipality")]
    NoBuyerAddress,
}

impl InvoiceRefusal {
    pub fn text(self) -> Text {
        Text::new(match self {
            InvoiceRefusal::Step => "invoice-refused-step",
            InvoiceRefusal::NotCreditable => "invoice-refused-not-creditable",
            InvoiceRefusal::AlreadyCredited => "invoice-refused-already-credited",
            InvoiceRefusal::NoSellerDetails => "invoice-refused-no-seller-details",
            InvoiceRefusal::NoBuyerAddress => "invoice-refused-no-buyer-address",
        })
    }
}

/// A document's kind and status, and whether a credit note or final invoice refers to it: all
/// that decides what may happen to it next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvoiceState {
    pub kind: InvoiceKind,
    pub status: InvoiceStatus,
    pub credited_by_another: bool,
}

impl InvoiceState {
    /// The status the document moves to next by hand: a draft is sent, a sent invoice paid. A
    /// credit note is settled by the invoice it credits, so it is never marked paid.
    pub fn next(self) -> Option<InvoiceStatus> {
        match (self.status, self.kind) {
            (InvoiceStatus::Draft, _) => Some(InvoiceStatus::Sent),
            (InvoiceStatus::Sent, InvoiceKind::Credit) => None,
            (InvoiceStatus::Sent, _) => Some(InvoiceStatus::Paid),
            _ => None,
        }
    }

    pub fn advance(self, to: InvoiceStatus) -> Result<InvoiceStatus, InvoiceRefusal> {
        if self.next() == Some(to) { Ok(to) } else { Err(InvoiceRefusal::Step) }
    }

    /// Moves the document on to `to`; an invoice is sent only when it can be paid: the seller's
    /// account and address, and the buyer's address, are known.
    pub fn advance_with(
        self,
        to: InvoiceStatus,
        seller: Option<&super::payment::Invoicing>,
        buyer: Option<&super::payment::PostalAddress>,
    ) -> Result<InvoiceStatus, InvoiceRefusal> {
        let to = self.advance(to)?;
        if to == InvoiceStatus::Sent {
            seller.ok_or(InvoiceRefusal::NoSellerDetails)?;
            buyer.ok_or(InvoiceRefusal::NoBuyerAddress)?;
        }
        Ok(to)
    }

    /// Whether the invoice can be credited in full with a credit note.
    pub fn creditable(self) -> Result<(), InvoiceRefusal> {
        if self.kind == InvoiceKind::Credit || !matches!(self.status, InvoiceStatus::Sent | InvoiceStatus::Paid) {
            return Err(InvoiceRefusal::NotCreditable);
        }
        if self.credited_by_another {
            return Err(InvoiceRefusal::AlreadyCredited);
        }
        Ok(())
    }

    /// An unpaid invoice of a period an agreement ends in gives way to a final invoice.
    pub fn replaceable_by_final(self) -> Result<(), InvoiceRefusal> {
        if self.kind == InvoiceKind::Credit || matches!(self.status, InvoiceStatus::Paid | InvoiceStatus::Credited) {
            return Err(InvoiceRefusal::NotCreditable);
        }
        if self.credited_by_another {
            return Err(InvoiceRefusal::AlreadyCredited);
        }
        Ok(())
    }
}

/// How a document's amount was reached, in figures; said in the reader's language where it is
/// shown. Stored with the document and never changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "basis", rename_all = "snake_case")]
pub enum Basis {
    /// A party's share of a period's cost, by population.
    Share(ShareBasis),
    /// A full credit of an invoice, with the reason given.
    Credit { credited: String, reason: String },
    /// The refund of a paid period after notice.
    Refund {
        notice_date: NaiveDate,
        end_date: NaiveDate,
        refund_from: NaiveDate,
        invoice_amount: Money,
        refund_months: i64,
        period_months: i64,
        refund: Money,
    },
    /// The final invoice of an unpaid period after notice, replacing that period's invoice.
    Final {
        notice_date: NaiveDate,
        replaces: String,
        end_date: NaiveDate,
        invoice_amount: Money,
        due_months: i64,
        period_months: i64,
        amount_due: Money,
    },
    /// Written by a person as it stands: recorded payments, and documents from before the
    /// basis was kept in figures.
    Note { text: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareBasis {
    /// The period whose cost is shared.
    pub period: Period,
    pub cost: PostCost,
    pub parties: usize,
    pub population_year: i32,
    pub population: u64,
    pub total_population: u64,
    /// The party's share of the whole period, rounded to whole kronor.
    pub share: Money,
    /// The party was in the agreement for part of the period only.
    pub part: Option<PartBasis>,
    /// The agreement ended within the period, which was not yet invoiced.
    pub ending: Option<EndingBasis>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartBasis {
    pub own_period: Period,
    pub amount: Money,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndingBasis {
    pub end_date: NaiveDate,
    pub due_months: i64,
    pub period_months: i64,
    pub amount: Money,
}

impl ShareBasis {
    pub fn months(&self) -> u32 {
        self.period.months() as u32
    }

    /// The cost of the period, with its arithmetic.
    pub fn cost_arithmetic(&self) -> String {
        self.cost.arithmetic(self.months())
    }

    /// The share as people read it: population, share of it and exact quota.
    pub fn allocation(&self) -> super::apportion::Allocation {
        super::apportion::Allocation {
            code: String::new(),
            name: String::new(),
            population: self.population,
            amount: self.share,
            total_population: self.total_population,
            total: self.cost.cost(self.months()),
            unit: Unit::Krona,
            rounded_up: false,
        }
    }
}

/// As stored: JSON, or prose from before the basis was kept in figures.
impl From<String> for Basis {
    fn from(stored: String) -> Basis {
        Basis::from_stored(&stored)
    }
}

impl Basis {
    /// Stored as JSON; a document stored before the basis was kept in figures reads as a note.
    pub fn from_stored(stored: &str) -> Basis {
        serde_json::from_str(stored).unwrap_or_else(|_| Basis::Note { text: stored.to_owned() })
    }

    pub fn to_stored(&self) -> String {
        serde_json::to_string(self).expect("a basis serialises")
    }

    /// What to tell the reader, sentence by sentence.
    pub fn texts(&self) -> Vec<Text> {
        match self {
            Basis::Share(share) => {
                let allocation = share.allocation();
                let mut texts = vec![
                    Text::new("invoice-basis-share")
                        .with("period", share.period)
                        .with("cost", share.cost_arithmetic())
                        .with("parties", share.parties)
                        .with("population_year", share.population_year)
                        .with("population", Money::from_kr(share.population as i64).format_number())
                        .with("total_population", Money::from_kr(share.total_population as i64).format_number())
                        .with("share", allocation.share_text())
                        .with("quota", allocation.quota_text())
                        .with("amount", share.share),
                ];
                if let Some(part) = share.part {
                    texts.push(
                        Text::new("invoice-basis-part")
                            .with("own_period", part.own_period)
                            .with("share", share.share)
                            .with("own_months", part.own_period.months())
                            .with("months", share.months())
                            .with("amount", part.amount),
                    );
                }
                if let Some(ending) = share.ending {
                    texts.push(
                        Text::new("invoice-basis-ending")
                            .with("end", ending.end_date)
                            .with("due_months", ending.due_months)
                            .with("period_months", ending.period_months)
                            .with("amount", ending.amount),
                    );
                }
                texts
            }
            Basis::Credit { credited, reason } => {
                vec![Text::new("invoice-basis-credit").with("number", credited).with("reason", reason)]
            }
            Basis::Refund {
                notice_date,
                end_date,
                refund_from,
                invoice_amount,
                refund_months,
                period_months,
                refund,
            } => vec![
                Text::new("invoice-basis-refund")
                    .with("notice", notice_date)
                    .with("end", end_date)
                    .with("from", refund_from)
                    .with("amount", invoice_amount)
                    .with("months", refund_months)
                    .with("period_months", period_months)
                    .with("refund", refund),
            ],
            Basis::Final { notice_date, replaces, end_date, invoice_amount, due_months, period_months, amount_due } => {
                vec![
                    Text::new("invoice-basis-final")
                        .with("notice", notice_date)
                        .with("number", replaces)
                        .with("end", end_date)
                        .with("amount", invoice_amount)
                        .with("months", due_months)
                        .with("period_months", period_months)
                        .with("due", amount_due),
                ]
            }
            Basis::Note { text } => vec![Text::new("invoice-basis-note").with("text", text)],
        }
    }

    /// In Swedish, as one paragraph: for tests and the command line.
    pub fn swedish(&self) -> String {
        self.texts().iter().map(Text::swedish).collect::<Vec<_>>().join(" ")
    }
}

/// A party to a shared post's invoicing, as its agreement stands in the year planned.
#[derive(Debug, Clone)]
pub struct Party {
    pub agreement_id: i32,
    pub municipality_code: String,
    /// The terms of the version in force at the end of the year.
    pub terms: Terms,
    /// The last day of an agreement ended by notice.
    pub terminated_on: Option<NaiveDate>,
}

/// The population table a year's costs are shared by: the population of the year the post's
/// lag names. A plan uses exactly that year; a forecast may fall back to the latest earlier
/// table and says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PopulationChoice {
    pub wanted: i32,
    /// The latest table at or before `wanted`, if any.
    pub available: Option<i32>,
}

impl PopulationChoice {
    pub fn new(year: i32, lag: i32, years_with_tables: impl IntoIterator<Item = i32>) -> PopulationChoice {
        let wanted = year - lag;
        PopulationChoice { wanted, available: years_with_tables.into_iter().filter(|y| *y <= wanted).max() }
    }

    /// The table an invoice is made from: the one the agreement names, or none.
    pub fn exact(self) -> Option<i32> {
        self.available.filter(|y| *y == self.wanted)
    }
}

/// The population year of an invoicing period: named instalments share the calculation made
/// when the agreement was signed (the 2016 agreement's two invoices use one population table),
/// yearly invoices the year's own.
pub fn population_year(terms: &Terms, year: i32, lag: i32) -> i32 {
    let calculation_year = match &terms.schedule {
        InvoiceSchedule::Instalments(list) => list.iter().map(|i| i.due.year()).min().unwrap_or(year),
        InvoiceSchedule::Yearly { .. } | InvoiceSchedule::None => year,
    };
    calculation_year - lag
}

/// One period's cost, shared by the parties invoiced for it on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The period whose cost is shared: a yearly invoice's calendar year, or an instalment's period.
    pub shared: Period,
    pub invoice_date: NaiveDate,
    pub population_year: i32,
    /// The parties (by their index in the plan's list) and the part of the period each is in.
    pub members: Vec<(usize, Period)>,
}

/// A document the plan calls for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedInvoice {
    pub agreement_id: i32,
    pub municipality_code: String,
    pub kind: InvoiceKind,
    pub period: Period,
    pub invoice_date: NaiveDate,
    pub amount: Money,
    pub basis: Basis,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("no population table for {0}")]
    NoPopulation(i32),
    #[error("no population {year} for municipality {code}")]
    MissingMunicipality { year: i32, code: String },
    #[error("{0}")]
    Apportion(#[from] ApportionError),
}

impl PlanError {
    pub fn text(&self) -> Text {
        match self {
            PlanError::NoPopulation(year) => Text::new("invoices-no-population").with("year", year),
            PlanError::MissingMunicipality { year, code } => {
                Text::new("invoices-no-population-for").with("year", year).with("code", code)
            }
            PlanError::Apportion(e) => e.text(),
        }
    }
}

/// The groups of a year: each schedule's invoices falling due in `year`, grouped by the period
/// whose cost they share, their invoice date and population year. A yearly invoice's group is the
/// whole calendar year; a party in the agreement for part of it pays for its months.
pub fn groups(year: Year, lag: i32, parties: &[Party]) -> Vec<Group> {
    let mut groups: BTreeMap<(Period, NaiveDate, i32), Vec<(usize, Period)>> = BTreeMap::new();
    for (index, party) in parties.iter().enumerate() {
        let population_year = population_year(&party.terms, year.get(), lag);
        for instalment in party.terms.invoices_in(year.get()) {
            if party.terminated_on.is_some_and(|end| end < instalment.period.start) {
                continue;
            }
            let shared = match party.terms.schedule {
                InvoiceSchedule::Yearly { .. } => Period { start: year.first_day(), end: year.last_day() },
                InvoiceSchedule::Instalments(_) => instalment.period,
                InvoiceSchedule::None => continue,
            };
            groups.entry((shared, instalment.due, population_year)).or_default().push((index, instalment.period));
        }
    }
    groups
        .into_iter()
        .map(|((shared, invoice_date, population_year), members)| Group {
            shared,
            invoice_date,
            population_year,
            members,
        })
        .collect()
}

impl Group {
    /// The group's documents: the period's cost shared by population (largest remainder, whole
    /// kronor), each party's share for its months, and a final invoice for a party whose
    /// agreement ends within the period.
    pub fn invoices(
        &self,
        parties: &[Party],
        cost: &PostCost,
        table: &[Claimant],
    ) -> Result<Vec<PlannedInvoice>, PlanError> {
        if table.is_empty() {
            return Err(PlanError::NoPopulation(self.population_year));
        }
        let months = self.shared.months();
        let total = cost.cost(months as u32);
        let claimants =
            self.members
                .iter()
                .map(|(index, _)| {
                    let code = &parties[*index].municipality_code;
                    table.iter().find(|c| &c.code == code).cloned().ok_or_else(|| PlanError::MissingMunicipality {
                        year: self.population_year,
                        code: code.clone(),
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
        let allocation = apportion(total, Unit::Krona, &claimants)?;
        let total_population: u64 = claimants.iter().map(|c| c.population).sum();
        Ok(self
            .members
            .iter()
            .zip(&allocation)
            .map(|((index, own_period), share)| {
                let party = &parties[*index];
                let part = (*own_period != self.shared).then(|| PartBasis {
                    own_period: *own_period,
                    amount: share.amount.share_in_kr(own_period.months(), months),
                });
                let amount = part.map_or(share.amount, |p| p.amount);
                let ending = party.terminated_on.filter(|end| own_period.contains(*end)).map(|end| {
                    // The period is not invoiced yet: the party pays up to the month its
                    // agreement ends (the end date is the "notice date" with no notice left).
                    let end = terminate(&TerminationInput {
                        notice_date: end,
                        notice_months: 0,
                        period: *own_period,
                        amount,
                        paid: false,
                        policy: RefundPolicy::None,
                    });
                    EndingBasis {
                        end_date: end.end_date,
                        due_months: end.due_months,
                        period_months: end.period_months,
                        amount: end.amount_due,
                    }
                });
                PlannedInvoice {
                    agreement_id: party.agreement_id,
                    municipality_code: party.municipality_code.clone(),
                    kind: if ending.is_some() { InvoiceKind::Final } else { InvoiceKind::Invoice },
                    period: *own_period,
                    invoice_date: self.invoice_date,
                    amount: ending.map_or(amount, |e| e.amount),
                    basis: Basis::Share(ShareBasis {
                        period: self.shared,
                        cost: *cost,
                        parties: self.members.len(),
                        population_year: self.population_year,
                        population: share.population,
                        total_population,
                        share: share.amount,
                        part,
                        ending,
                    }),
                }
            })
            .collect())
    }
}

/// Every document a year's schedules call for, given the population tables the groups name.
pub fn plan(
    year: Year,
    lag: i32,
    cost: &PostCost,
    parties: &[Party],
    tables: &BTreeMap<i32, Vec<Claimant>>,
) -> Result<Vec<PlannedInvoice>, PlanError> {
    let mut planned = Vec::new();
    for group in groups(year, lag, parties) {
        let table = tables.get(&group.population_year).map(Vec::as_slice).unwrap_or_default();
        planned.extend(group.invoices(parties, cost, table)?);
    }
    Ok(planned)
}

/// The year whose invoices to make, as sent.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct GenerateForm {
    pub year: String,
}

impl GenerateForm {
    pub fn check(&self) -> Result<Year, Vec<crate::input::Invalid>> {
        self.year
            .trim()
            .parse::<Year>()
            .map_err(|_| vec![crate::input::Invalid::new("year", Text::new("invoices-bad-year"))])
    }
}

/// A document moved on, as sent from its row: the status it moves to (a hidden field) and the
/// day.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct StatusForm {
    pub to: String,
    pub on: String,
}

impl StatusForm {
    /// The day; the status is the row's own, unknown only if tampered with (`None`).
    pub fn check(&self) -> Result<NaiveDate, Vec<crate::input::Invalid>> {
        crate::input::date("on", &self.on).map_err(|e| vec![e])
    }

    pub fn to(&self) -> Option<InvoiceStatus> {
        InvoiceStatus::from_code(self.to.trim())
    }
}

/// Several documents moved on in one step, as sent from the list: the ticked rows (each an id and
/// the version the page showed, `12:3`), what they become, and the day.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct BulkStatusForm {
    pub picked: Vec<String>,
    pub to: String,
    pub on: String,
}

/// The most rows one step may move: a page of the list.
pub const MAX_BULK: usize = 500;

/// A checked step for several documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkStatus {
    pub picked: Vec<(crate::ids::InvoiceId, i32)>,
    pub to: InvoiceStatus,
    pub on: NaiveDate,
}

impl BulkStatusForm {
    /// Every error at once: no row ticked, a status that is neither sent nor paid, no day.
    pub fn check(&self) -> Result<BulkStatus, Vec<crate::input::Invalid>> {
        let mut errors = crate::input::Errors::new();
        let picked: Option<Vec<(crate::ids::InvoiceId, i32)>> = self
            .picked
            .iter()
            .map(|p| {
                let (id, version) = p.split_once(':')?;
                Some((crate::ids::InvoiceId::new(id.trim().parse().ok()?), version.trim().parse().ok()?))
            })
            .collect();
        let picked = match picked {
            Some(p) if !p.is_empty() && p.len() <= MAX_BULK => Some(p),
            _ => {
                errors.push(crate::input::Invalid::new("picked", Text::new("invoices-bulk-none")));
                None
            }
        };
        let to = match InvoiceStatus::from_code(self.to.trim()) {
            Some(to @ (InvoiceStatus::Sent | InvoiceStatus::Paid)) => Some(to),
            _ => {
                errors.push(crate::input::Invalid::new("to", Text::new("invoices-bulk-to")));
                None
            }
        };
        let on = errors.keep(crate::input::date("on", &self.on));
        errors.finish(|| Some(BulkStatus { picked: picked?, to: to?, on: on? }))
    }
}

/// An invoice credited in full, as typed: why.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct CreditForm {
    pub reason: String,
}

impl CreditForm {
    pub fn check(&self) -> Result<String, Vec<crate::input::Invalid>> {
        Some(self.reason.trim())
            .filter(|r| !r.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| vec![crate::input::Invalid::new("reason", Text::new("invoice-credit-reason-missing"))])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agreements::{Instalment, Validity};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn yearly(from: &str) -> Terms {
        Terms {
            validity: Validity::UntilFurtherNotice { start: d(from) },
            notice_months: Some(2),
            refund_policy: RefundPolicy::FromMonthAfterEnd,
            vacancy_threshold_months: Some(1),
            schedule: InvoiceSchedule::Yearly { month: 12, day: 10 },
        }
    }

    fn party(id: i32, code: &str, terms: Terms) -> Party {
        Party { agreement_id: id, municipality_code: code.into(), terms, terminated_on: None }
    }

    fn table() -> Vec<Claimant> {
        [("0509", 10_000), ("0512", 30_000), ("0513", 60_000)]
            .into_iter()
            .map(|(code, population)| Claimant { code: code.into(), name: code.into(), population })
            .collect()
    }

    fn year(y: i32) -> Year {
        Year::new(y).unwrap()
    }

    #[test]
    fn several_documents_are_moved_on_with_every_error_said_at_once() {
        let form = |picked: &[&str], to: &str, on: &str| BulkStatusForm {
            picked: picked.iter().map(|p| p.to_string()).collect(),
            to: to.into(),
            on: on.into(),
        };
        let ok = form(&["12:3", "14:1"], "sent", "2026-12-06").check().unwrap();
        assert_eq!(ok.picked, [(crate::ids::InvoiceId::new(12), 3), (crate::ids::InvoiceId::new(14), 1)]);
        assert_eq!((ok.to, ok.on.to_string().as_str()), (InvoiceStatus::Sent, "2026-12-06"));
        let fields = |f: BulkStatusForm| -> Vec<String> {
            f.check().unwrap_err().into_iter().map(|e| e.field.into_owned()).collect()
        };
        assert_eq!(fields(form(&[], "credited", "")), ["picked", "to", "on"]);
        assert_eq!(fields(form(&["12"], "paid", "2026-12-06")), ["picked"], "a row without its version");
    }

    #[test]
    fn a_yearly_round_shares_the_years_cost_by_the_lagged_population() {
        let parties = [party(1, "0509", yearly("2018-02-01")), party(2, "0512", yearly("2018-02-01"))];
        let cost = PostCost::StatedYearly(Money::from_kr(100_000));
        let tables = BTreeMap::from([(2023, table())]);
        let planned = plan(year(2024), 1, &cost, &parties, &tables).unwrap();
        assert_eq!(planned.len(), 2);
        assert_eq!(planned[0].amount + planned[1].amount, Money::from_kr(100_000));
        assert_eq!(planned[0].amount, Money::from_kr(25_000));
        assert_eq!(planned[0].invoice_date, d("2024-12-10"));
        assert_eq!(due_date(planned[0].invoice_date, None), d("2025-01-09"));
        let Basis::Share(basis) = &planned[0].basis else { panic!("a share") };
        assert_eq!((basis.population_year, basis.parties, basis.total_population), (2023, 2, 40_000));
        assert_eq!(plan(year(2024), 0, &cost, &parties, &tables), Err(PlanError::NoPopulation(2024)));
    }

    #[test]
    fn a_party_for_part_of_the_year_pays_for_its_months_and_an_ended_one_gets_a_final_invoice() {
        let mut ended = party(3, "0513", yearly("2018-02-01"));
        ended.terminated_on = Some(d("2024-06-30"));
        let parties = [party(1, "0509", yearly("2024-07-01")), party(2, "0512", yearly("2018-02-01")), ended];
        let cost = PostCost::StatedYearly(Money::from_kr(120_000));
        let planned = plan(year(2024), 1, &cost, &parties, &BTreeMap::from([(2023, table())])).unwrap();
        let by = |code: &str| planned.iter().find(|p| p.municipality_code == code).unwrap();
        assert_eq!(by("0509").amount, Money::from_kr(6_000), "12 000 kr × 6 / 12");
        assert_eq!(by("0509").period, "2024-07-01:2024-12-31".parse().unwrap());
        assert_eq!(by("0512").amount, Money::from_kr(36_000));
        assert_eq!(by("0513").kind, InvoiceKind::Final);
        assert_eq!(by("0513").amount, Money::from_kr(36_000), "72 000 kr × 6 / 12 months");
    }

    #[test]
    fn named_instalments_share_the_calculation_made_when_signed() {
        let terms = Terms {
            validity: Validity::FixedTerm { start: d("2016-09-01"), end: d("2018-01-31") },
            notice_months: None,
            refund_policy: RefundPolicy::None,
            vacancy_threshold_months: None,
            schedule: InvoiceSchedule::Instalments(vec![
                Instalment { due: d("2016-12-10"), period: "2016-09-01:2017-08-31".parse().unwrap() },
                Instalment { due: d("2017-05-31"), period: "2017-09-01:2018-02-28".parse().unwrap() },
            ]),
        };
        assert_eq!(population_year(&terms, 2017, 1), 2015);
        let groups = groups(year(2017), 1, &[party(1, "0509", terms)]);
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].shared.months(), 6);
    }

    #[test]
    fn the_population_year_of_a_plan_is_exact_and_a_forecast_takes_the_latest() {
        let choice = PopulationChoice::new(2026, 1, [2022, 2023, 2024]);
        assert_eq!((choice.wanted, choice.exact(), choice.available), (2025, None, Some(2024)));
        assert_eq!(PopulationChoice::new(2025, 1, [2024]).exact(), Some(2024));
    }

    #[test]
    fn what_may_happen_to_a_document() {
        let state = |kind, status, credited_by_another| InvoiceState { kind, status, credited_by_another };
        use InvoiceKind::*;
        use InvoiceStatus::*;
        assert_eq!(state(Invoice, Draft, false).advance(Sent), Ok(Sent));
        assert_eq!(state(Invoice, Draft, false).advance(Paid), Err(InvoiceRefusal::Step));
        assert_eq!(state(Credit, Sent, false).next(), None);
        assert_eq!(state(Final, Sent, false).next(), Some(Paid));
        assert_eq!(state(Invoice, Paid, false).creditable(), Ok(()));
        assert_eq!(state(Invoice, Draft, false).creditable(), Err(InvoiceRefusal::NotCreditable));
        assert_eq!(state(Credit, Sent, false).creditable(), Err(InvoiceRefusal::NotCreditable));
        assert_eq!(state(Invoice, Paid, true).creditable(), Err(InvoiceRefusal::AlreadyCredited));
        assert_eq!(state(Invoice, Credited, false).creditable(), Err(InvoiceRefusal::NotCreditable));
        assert_eq!(state(Invoice, Sent, false).replaceable_by_final(), Ok(()));
        assert_eq!(state(Invoice, Paid, false).replaceable_by_final(), Err(InvoiceRefusal::NotCreditable));
    }

    #[test]
    fn a_basis_is_stored_in_figures_and_old_prose_reads_as_a_note() {
        let basis = Basis::Credit { credited: "2024-0509-1".into(), reason: "Fel period".into() };
        assert_eq!(Basis::from_stored(&basis.to_stored()), basis);
        assert_eq!(Basis::from_stored("Tjänstens kostnad …"), Basis::Note { text: "Tjänstens kostnad …".into() });
    }
}
