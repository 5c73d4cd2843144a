//! The dated reimbursement rules and what they say about a cost: which rule is in force, how
//! much of the cost Migrationsverket reimburses under its cap, what is over the cap, and the
//! claim's deadline. The rules themselves are rows of a table an administrator edits.

use chrono::{Datelike, NaiveDate};

use crate::agreements::calendar::add_months;
use crate::money::Money;

crate::coded! {
    /// The kinds of money the state pays the municipality under förordning (2010:1122).
    pub enum ClaimType {
        /// Initial costs for quota refugees, claimed on form 4497.
        InitialCostsResettled = "initial_costs_resettled",
        /// Economic assistance to a person who cannot take part for illness or disability.
        EconomicAssistance = "economic_assistance",
        /// Schablonersättning: paid without application, by reception date and age.
        StandardReimbursement = "standard_reimbursement",
        /// The schablon for initial costs from 2024-07-01, a share of the price base amount.
        InitialCostStandard = "initial_cost_standard",
    }
}

impl ClaimType {
    /// The claim types a municipality applies for, with costs it records.
    pub const CLAIMED: [ClaimType; 2] = [ClaimType::InitialCostsResettled, ClaimType::EconomicAssistance];

    /// Paid by Migrationsverket without an application.
    pub fn is_standard(self) -> bool {
        matches!(self, ClaimType::StandardReimbursement | ClaimType::InitialCostStandard)
    }
}

crate::coded! {
    /// What a cost was for: the columns of Migrationsverket's form 4497 (initial costs for quota
    /// refugees), and economic assistance, which is claimed on its own.
    pub enum CostCategory {
        RentBeforeArrival = "rent_before_arrival",
        TravelFromAirport = "travel_from_airport",
        /// Travel for the residence-permit card, population registration and the id card.
        TravelForCards = "travel_for_cards",
        Overtime = "overtime",
        FoodFirstDay = "food_first_day",
        Clothes = "clothes",
        HomeEquipment = "home_equipment",
        Interpreter = "interpreter",
        SpecialMeasures = "special_measures",
        Other = "other",
        EconomicAssistance = "economic_assistance",
    }
}

impl CostCategory {
    /// The columns of form 4497, in the form's order.
    pub const FORM_4497: [CostCategory; 10] = [
        CostCategory::RentBeforeArrival,
        CostCategory::TravelFromAirport,
        CostCategory::TravelForCards,
        CostCategory::Overtime,
        CostCategory::FoodFirstDay,
        CostCategory::Clothes,
        CostCategory::HomeEquipment,
        CostCategory::Interpreter,
        CostCategory::SpecialMeasures,
        CostCategory::Other,
    ];
}

crate::coded! {
    /// How a rule's row states its cap: the kind of [`CapRule`], its amounts in columns of their
    /// own.
    pub enum CapKind {
        None = "none",
        PerPerson = "per_person",
        PerHousehold = "per_household",
        PerDay = "per_day",
        Missing = "missing",
    }
}

crate::coded! {
    /// How a rule's row states its deadline: the kind of [`DeadlineRule`] (of [`Deadline`] when
    /// due), its months in a column of their own.
    pub enum DeadlineKind {
        MonthsAfterReception = "months_after_reception",
        MonthsAfterPeriodEnd = "months_after_period_end",
        MonthsAfterQuarterEnd = "months_after_quarter_end",
        NoApplication = "no_application",
        Missing = "missing",
    }
}

/// How much of a cost is reimbursed at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cap {
    /// So much for each person in the household.
    PerPerson(Money),
    /// So much for the first person and so much more for each further member.
    PerHousehold { first: Money, per_extra_member: Money },
    /// So much for each day the cost covers.
    PerDay(Money),
}

impl Cap {
    /// The cap for a household of `size` persons (at least one) and a cost of `days` days.
    pub fn limit(self, size: u32, days: u32) -> Money {
        let size = i64::from(size.max(1));
        match self {
            Cap::PerPerson(each) => Money::from_ore(each.ore() * size),
            Cap::PerHousehold { first, per_extra_member } => {
                Money::from_ore(first.ore() + per_extra_member.ore() * (size - 1))
            }
            Cap::PerDay(each) => Money::from_ore(each.ore() * i64::from(days)),
        }
    }
}

/// A rule's cap as the table states it. `Missing` is a cap the source names without a known
/// amount: nothing is counted as reimbursable until an administrator enters it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CapRule {
    Uncapped,
    Capped(Cap),
    Missing,
}

/// When a claim must have reached Migrationsverket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deadline {
    /// Within so many months of the day the person was received in the municipality.
    MonthsAfterReception(u32),
    /// Within so many months of the end of the period the claim concerns.
    MonthsAfterPeriodEnd(u32),
    /// Within so many months of the end of the quarter the claim concerns.
    MonthsAfterQuarterEnd(u32),
}

impl Deadline {
    /// The last day. A rule counted from the claim's period needs the period's last day; without
    /// it there is no date yet. A month added to 29 February lands on the 28th.
    pub fn date(self, reception: NaiveDate, period_end: Option<NaiveDate>) -> Option<NaiveDate> {
        match self {
            Deadline::MonthsAfterReception(months) => Some(add_months(reception, months)),
            Deadline::MonthsAfterPeriodEnd(months) => period_end.map(|end| add_months(end, months)),
            // A quarter ends on a month's last day, and so does the deadline counted from it
            // (30 June and six months is 31 December).
            Deadline::MonthsAfterQuarterEnd(months) => {
                period_end.map(|end| month_end(add_months(quarter_end(end), months)))
            }
        }
    }

    pub fn kind(self) -> DeadlineKind {
        match self {
            Deadline::MonthsAfterReception(_) => DeadlineKind::MonthsAfterReception,
            Deadline::MonthsAfterPeriodEnd(_) => DeadlineKind::MonthsAfterPeriodEnd,
            Deadline::MonthsAfterQuarterEnd(_) => DeadlineKind::MonthsAfterQuarterEnd,
        }
    }

    pub fn months(self) -> u32 {
        match self {
            Deadline::MonthsAfterReception(m)
            | Deadline::MonthsAfterPeriodEnd(m)
            | Deadline::MonthsAfterQuarterEnd(m) => m,
        }
    }

    /// The deadline of a kind that counts months; `None` for one that does not.
    pub fn from_kind(kind: DeadlineKind, months: u32) -> Option<Deadline> {
        match kind {
            DeadlineKind::MonthsAfterReception => Some(Deadline::MonthsAfterReception(months)),
            DeadlineKind::MonthsAfterPeriodEnd => Some(Deadline::MonthsAfterPeriodEnd(months)),
            DeadlineKind::MonthsAfterQuarterEnd => Some(Deadline::MonthsAfterQuarterEnd(months)),
            DeadlineKind::NoApplication | DeadlineKind::Missing => None,
        }
    }
}

/// A rule's deadline as the table states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineRule {
    /// Paid without an application: there is nothing to file.
    NoApplication,
    Due(Deadline),
    /// The source gives a deadline this table does not yet know.
    Missing,
}

/// The last day of the month `date` lies in.
pub fn month_end(date: NaiveDate) -> NaiveDate {
    crate::agreements::calendar::first_of_next_month(date).pred_opt().expect("dates stay within range")
}

/// The last day of the quarter `date` lies in.
pub fn quarter_end(date: NaiveDate) -> NaiveDate {
    let last_month = (date.month0() / 3) * 3 + 3;
    let first_of_next = if last_month == 12 {
        NaiveDate::from_ymd_opt(date.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(date.year(), last_month + 1, 1)
    };
    first_of_next.and_then(|d| d.pred_opt()).expect("dates stay within range")
}

/// A share of the price base amount, in hundredths of a percent (17,45 % is 1745).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Share(pub u32);

impl Share {
    /// The share of an amount in whole kronor: förordning (2010:1122) 15 § (SFS 2024:187) has
    /// the schablon for initial costs "avrundas till hela krontal".
    pub fn of(self, amount: Money) -> Money {
        amount.share_in_kr(i64::from(self.0), 10_000)
    }
}

impl std::fmt::Display for Share {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{},{:02}\u{a0}%", self.0 / 100, self.0 % 100)
    }
}

/// One dated row of the rules table. For claimed types a row holds a cost category's cap and
/// deadline; for standard reimbursements an age band's amount or share. `None` in `amount` or
/// `share` means not known: shown as missing, never guessed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub claim_type: ClaimType,
    pub category: Option<CostCategory>,
    pub valid_from: NaiveDate,
    /// The last day it applies; open-ended when `None`.
    pub valid_to: Option<NaiveDate>,
    pub cap: CapRule,
    /// The age band, both ends included; open at an end that is `None`.
    pub age_from: Option<u32>,
    pub age_to: Option<u32>,
    pub amount: Option<Money>,
    pub share: Option<Share>,
    pub deadline: DeadlineRule,
}

impl Rule {
    /// A claimed cost category's rule, with no age band or standard amount.
    pub fn for_category(
        claim_type: ClaimType,
        category: CostCategory,
        valid_from: NaiveDate,
        valid_to: Option<NaiveDate>,
        cap: CapRule,
        deadline: DeadlineRule,
    ) -> Rule {
        Rule {
            claim_type,
            category: Some(category),
            valid_from,
            valid_to,
            cap,
            age_from: None,
            age_to: None,
            amount: None,
            share: None,
            deadline,
        }
    }

    pub fn in_force_on(&self, date: NaiveDate) -> bool {
        self.valid_from <= date && self.valid_to.is_none_or(|to| date <= to)
    }

    pub fn covers_age(&self, age: u32) -> bool {
        self.age_from.is_none_or(|from| from <= age) && self.age_to.is_none_or(|to| age <= to)
    }

    /// The checks an administrator's edit must pass; the message is Swedish.
    pub fn check(&self) -> Result<(), RuleError> {
        if self.valid_to.is_some_and(|to| to < self.valid_from) {
            return Err(RuleError::DatesOutOfOrder);
        }
        if let (Some(from), Some(to)) = (self.age_from, self.age_to)
            && to < from
        {
            return Err(RuleError::AgesOutOfOrder);
        }
        if self.claim_type.is_standard() != self.category.is_none() {
            return Err(RuleError::CategoryForType);
        }
        if self.amount.is_some_and(|a| a.ore() < 0) {
            return Err(RuleError::Negative);
        }
        if let CapRule::Capped(cap) = self.cap {
            let parts = match cap {
                Cap::PerPerson(m) | Cap::PerDay(m) => vec![m],
                Cap::PerHousehold { first, per_extra_member } => vec![first, per_extra_member],
            };
            if parts.iter().any(|m| m.ore() < 0) {
                return Err(RuleError::Negative);
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("valid to is before valid from")]
    DatesOutOfOrder,
    #[error("the upper age limit is below the lower")]
    AgesOutOfOrder,
    #[error("a cost category belongs to the claim types, not to the standard amounts")]
    CategoryForType,
    #[error("an amount is negative")]
    Negative,
    #[error("two rules for the same thing are in force on the same day")]
    Overlap,
}

impl RuleError {
    /// What to tell the person writing the rule.
    pub fn text(&self) -> crate::text::Text {
        crate::text::Text::new(match self {
            RuleError::DatesOutOfOrder => "rule-dates-out-of-order",
            RuleError::AgesOutOfOrder => "rule-ages-out-of-order",
            RuleError::CategoryForType => "rule-category-for-type",
            RuleError::Negative => "rule-negative",
            RuleError::Overlap => "rule-overlap",
        })
    }
}

/// Rules for the same thing (type, category, age band) may not be in force on the same day.
pub fn check_overlaps(rules: &[Rule]) -> Result<(), RuleError> {
    for (i, a) in rules.iter().enumerate() {
        for b in &rules[i + 1..] {
            let same = a.claim_type == b.claim_type && a.category == b.category && ages_meet(a, b);
            let dates_meet =
                a.valid_to.is_none_or(|to| b.valid_from <= to) && b.valid_to.is_none_or(|to| a.valid_from <= to);
            if same && dates_meet {
                return Err(RuleError::Overlap);
            }
        }
    }
    Ok(())
}

fn ages_meet(a: &Rule, b: &Rule) -> bool {
    let low = |r: &Rule| r.age_from.unwrap_or(0);
    let high = |r: &Rule| r.age_to.unwrap_or(u32::MAX);
    low(a) <= high(b) && low(b) <= high(a)
}

/// The rule for a category in force on a date.
pub fn in_force(rules: &[Rule], category: CostCategory, date: NaiveDate) -> Option<&Rule> {
    rules.iter().find(|r| r.category == Some(category) && r.in_force_on(date))
}

/// A cost to measure against its rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CostInput {
    /// Excluding VAT.
    pub amount: Money,
    pub household_size: u32,
    /// The days the cost covers, for a rule capped per day.
    pub days: Option<u32>,
    /// The reception date the deadline counts from.
    pub reception: NaiveDate,
    /// The last day of the period the claim concerns, for rules counted from it.
    pub period_end: Option<NaiveDate>,
    /// What earlier costs of the household in the same category already took of the cap.
    pub already_reimbursable: Money,
    /// For a cost of one person: what that person's earlier costs in the category took. A cap
    /// per person then holds for the person as well as for the household.
    pub person_already: Option<Money>,
}

/// A cost measured against its rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reimbursable {
    pub claim_type: ClaimType,
    pub reimbursable: Money,
    /// What is not reclaimable (over the cap, or a cap not yet known): charged to the annual grant.
    pub over_cap: Money,
    /// The whole cap for this household; `None` when the rule has no cap or it is not known.
    pub cap: Option<Money>,
    /// The rule names a cap whose amount is not known.
    pub cap_missing: bool,
    pub deadline: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CostError {
    #[error("the amount is negative")]
    Negative,
    #[error("a household has no persons")]
    EmptyHousehold,
    #[error("the rule reimburses per day and the days are missing")]
    DaysNeeded,
}

impl CostError {
    /// What to tell a person, as a phrase (see [`Text::sentence`](crate::text::Text::sentence)).
    pub fn text(&self) -> crate::text::Text {
        crate::text::Text::new(match self {
            CostError::Negative => "cost-negative",
            CostError::EmptyHousehold => "cost-empty-household",
            CostError::DaysNeeded => "cost-days-needed",
        })
    }
}

/// How much of the cost the rule reimburses; `reimbursable + over_cap == amount`, to the öre.
pub fn reimbursable(rule: &Rule, input: CostInput) -> Result<Reimbursable, CostError> {
    if input.amount.ore() < 0 {
        return Err(CostError::Negative);
    }
    if input.household_size == 0 {
        return Err(CostError::EmptyHousehold);
    }
    let (cap, cap_missing) = match rule.cap {
        CapRule::Uncapped => (None, false),
        CapRule::Missing => (None, true),
        CapRule::Capped(cap @ Cap::PerDay(_)) => {
            let days = input.days.ok_or(CostError::DaysNeeded)?;
            (Some(cap.limit(input.household_size, days)), false)
        }
        CapRule::Capped(cap) => (Some(cap.limit(input.household_size, 0)), false),
    };
    let room = match (cap, cap_missing) {
        (_, true) => 0,
        (None, false) => input.amount.ore(),
        (Some(limit), false) => {
            let household = (limit.ore() - input.already_reimbursable.ore().max(0)).max(0);
            match (rule.cap, input.person_already) {
                (CapRule::Capped(Cap::PerPerson(each)), Some(taken)) => {
                    household.min((each.ore() - taken.ore()).max(0))
                }
                _ => household,
            }
        }
    };
    let covered = input.amount.ore().min(room);
    let deadline = match rule.deadline {
        DeadlineRule::Due(d) => d.date(input.reception, input.period_end),
        DeadlineRule::NoApplication | DeadlineRule::Missing => None,
    };
    Ok(Reimbursable {
        claim_type: rule.claim_type,
        reimbursable: Money::from_ore(covered),
        over_cap: Money::from_ore(input.amount.ore() - covered),
        cap,
        cap_missing,
        deadline,
    })
}

/// The last day a claim can reach Migrationsverket in time. Deadline rules change by the day a
/// claim arrives, so each rule for the same thing in force on or after `from` offers its
/// deadline for as long as it is itself in force, and the latest offer that can still be met
/// wins. When none can, the deadline of the rule in force on `from` is given (it has passed).
pub fn last_arrival(
    rules: &[Rule],
    rule: &Rule,
    reception: NaiveDate,
    period_end: Option<NaiveDate>,
    from: NaiveDate,
) -> Option<NaiveDate> {
    let offered = |r: &Rule| match r.deadline {
        DeadlineRule::Due(d) => d.date(reception, period_end).map(|date| r.valid_to.map_or(date, |to| date.min(to))),
        DeadlineRule::NoApplication | DeadlineRule::Missing => None,
    };
    rules
        .iter()
        .filter(|r| r.claim_type == rule.claim_type && r.category == rule.category)
        .filter(|r| r.valid_to.is_none_or(|to| to >= from))
        .filter_map(|r| offered(r).filter(|d| *d >= r.valid_from.max(from)))
        .max()
        .or_else(|| match rule.deadline {
            DeadlineRule::Due(d) => d.date(reception, period_end),
            DeadlineRule::NoApplication | DeadlineRule::Missing => None,
        })
}

/// What the rules say about a cost dated `on`: the rule in force that day gives the claim type
/// and the cap, and the deadline is [`last_arrival`] from that day. `None` when no rule is in
/// force. [`super::eligibility::measure`] calls it for a cost whose claim type covers it.
pub fn assess(
    rules: &[Rule],
    category: CostCategory,
    on: NaiveDate,
    input: CostInput,
) -> Option<Result<Reimbursable, CostError>> {
    let rule = in_force(rules, category, on)?;
    Some(
        reimbursable(rule, input)
            .map(|r| Reimbursable { deadline: last_arrival(rules, rule, input.reception, input.period_end, on), ..r }),
    )
}

/// A year's price base amount as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct PriceBaseForm {
    pub year: String,
    pub amount: String,
    /// Where the amount was read: the regulation or the authority's page.
    pub source: String,
}

/// A year's price base amount, checked: more than zero, with its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceBase {
    pub year: crate::time::Year,
    pub amount: Money,
    pub source: String,
}

impl PriceBaseForm {
    pub fn check(&self) -> Result<PriceBase, Vec<crate::input::Invalid>> {
        use crate::input::{Errors, Invalid, money, year};
        let mut errors = Errors::new();
        let year = errors.keep(year("year", &self.year));
        let amount = errors.keep(money("amount", &self.amount).and_then(|m| {
            if m.ore() > 0 {
                Ok(m)
            } else {
                Err(Invalid::new("amount", crate::text::Text::new("price-base-amount-positive")))
            }
        }));
        let source = errors.keep(crate::input::required_text(
            "source",
            &self.source,
            300,
            crate::text::Text::new("what-rule-source"),
        ));
        errors.finish(|| Some(PriceBase { year: year?, amount: amount?, source: source? }))
    }
}

/// A rule's row as the administrator types it (its claim type and category are the row's and
/// stay as they are).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct RuleForm {
    /// The row's revision when the form was opened (a hidden field).
    pub revision: i32,
    pub covers: String,
    pub valid_from: String,
    pub valid_to: String,
    /// One of [`CapKind`]'s codes.
    pub cap_kind: String,
    pub cap_per_person: String,
    pub cap_per_household: String,
    pub cap_per_extra_member: String,
    pub cap_per_day: String,
    pub age_from: String,
    pub age_to: String,
    pub amount: String,
    /// Percent of the price base amount with up to two decimals ("34,90").
    pub share: String,
    /// One of [`DeadlineKind`]'s codes.
    pub deadline_kind: String,
    pub deadline_months: String,
    pub source: String,
}

/// A rule's values as typed and checked one by one, in the columns of its row; whether they
/// make a rule, and one that overlaps no other, is checked against the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleTerms {
    pub covers: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub cap_kind: CapKind,
    pub cap_per_person: Option<Money>,
    pub cap_per_household: Option<Money>,
    pub cap_per_extra_member: Option<Money>,
    pub cap_per_day: Option<Money>,
    pub age_from: Option<u32>,
    pub age_to: Option<u32>,
    pub amount: Option<Money>,
    /// In hundredths of a percent.
    pub share_bp: Option<i32>,
    pub deadline_kind: DeadlineKind,
    pub deadline_months: Option<u32>,
    pub source: String,
}

impl RuleForm {
    /// Every field checked at once.
    pub fn check(&self) -> Result<RuleTerms, Vec<crate::input::Invalid>> {
        use crate::input::{Errors, Invalid, date, optional_date, optional_money, optional_number, required_text};
        use crate::text::Text;
        let mut errors = Errors::new();
        let covers = errors.keep(required_text("covers", &self.covers, 300, Text::new("what-rule-covers")));
        let valid_from = errors.keep(date("valid_from", &self.valid_from));
        let valid_to = errors.keep(optional_date("valid_to", Some(&self.valid_to)));
        if let (Some(from), Some(Some(to))) = (valid_from, valid_to)
            && to < from
        {
            errors.push(Invalid::new("valid_to", Text::new("rule-dates-out-of-order")));
        }
        let cap_kind = errors.keep(
            CapKind::from_code(self.cap_kind.trim())
                .ok_or_else(|| Invalid::new("cap_kind", Text::new("rule-cap-kind-needed"))),
        );
        let cap_per_person = errors.keep(optional_money("cap_per_person", &self.cap_per_person));
        let cap_per_household = errors.keep(optional_money("cap_per_household", &self.cap_per_household));
        let cap_per_extra_member = errors.keep(optional_money("cap_per_extra_member", &self.cap_per_extra_member));
        let cap_per_day = errors.keep(optional_money("cap_per_day", &self.cap_per_day));
        let age_from = errors.keep(optional_number("age_from", &self.age_from, Text::new("rule-age-format")));
        let age_to = errors.keep(optional_number("age_to", &self.age_to, Text::new("rule-age-format")));
        let amount = errors.keep(optional_money("amount", &self.amount));
        let share = errors.keep(match self.share.trim().trim_end_matches('%').trim() {
            "" => Ok(None),
            text => Money::parse_kr(text)
                .ok()
                .filter(|m| (0..=10_000).contains(&m.ore()))
                .map(|m| Some(m.ore() as i32))
                .ok_or_else(|| Invalid::new("share", Text::new("rule-share-format"))),
        });
        let deadline_kind = errors.keep(
            DeadlineKind::from_code(self.deadline_kind.trim())
                .ok_or_else(|| Invalid::new("deadline_kind", Text::new("rule-deadline-kind-needed"))),
        );
        let deadline_months = errors.keep(optional_number(
            "deadline_months",
            &self.deadline_months,
            Text::new("rule-deadline-months-format"),
        ));
        let source = errors.keep(required_text("source", &self.source, 500, Text::new("what-rule-source")));
        errors.finish(|| {
            Some(RuleTerms {
                covers: covers?,
                valid_from: valid_from?,
                valid_to: valid_to?,
                cap_kind: cap_kind?,
                cap_per_person: cap_per_person?,
                cap_per_household: cap_per_household?,
                cap_per_extra_member: cap_per_extra_member?,
                cap_per_day: cap_per_day?,
                age_from: age_from?,
                age_to: age_to?,
                amount: amount?,
                share_bp: share?,
                deadline_kind: deadline_kind?,
                deadline_months: deadline_months?,
                source: source?,
            })
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use proptest::prelude::*;

    use super::*;

    pub fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// The initial-cost rules as Migrationsverket states them (docs/research): caps, and the
    /// deadline counted from the reception from 2023-03-01, from the claim's period before.
    pub fn initial_costs() -> Vec<Rule> {
        let mut rules = Vec::new();
        for (from, to, deadline) in [
            ("2010-12-01", Some("2023-02-28"), Deadline::MonthsAfterPeriodEnd(12)),
            ("2023-03-01", None, Deadline::MonthsAfterReception(12)),
        ] {
            for (category, cap) in [
                (CostCategory::FoodFirstDay, CapRule::Capped(Cap::PerPerson(Money::from_kr(200)))),
                (CostCategory::Clothes, CapRule::Capped(Cap::PerPerson(Money::from_kr(1500)))),
                (
                    CostCategory::HomeEquipment,
                    CapRule::Capped(Cap::PerHousehold {
                        first: Money::from_kr(5000),
                        per_extra_member: Money::from_kr(1000),
                    }),
                ),
                (CostCategory::Interpreter, CapRule::Uncapped),
            ] {
                rules.push(Rule::for_category(
                    ClaimType::InitialCostsResettled,
                    category,
                    d(from),
                    to.map(d),
                    cap,
                    DeadlineRule::Due(deadline),
                ));
            }
        }
        rules
    }

    fn input(amount: Money, size: u32, reception: &str) -> CostInput {
        CostInput {
            amount,
            household_size: size,
            days: None,
            reception: d(reception),
            period_end: None,
            already_reimbursable: Money::ZERO,
            person_already: None,
        }
    }

    #[test]
    fn caps_per_person_and_per_household() {
        let rules = initial_costs();
        let on = "2024-02-01";
        let food = in_force(&rules, CostCategory::FoodFirstDay, d(on)).unwrap();
        let r = reimbursable(food, input(Money::from_kr(1100), 5, on)).unwrap();
        assert_eq!(
            (r.reimbursable, r.over_cap, r.cap),
            (Money::from_kr(1000), Money::from_kr(100), Some(Money::from_kr(1000)))
        );
        let home = in_force(&rules, CostCategory::HomeEquipment, d(on)).unwrap();
        let five = reimbursable(home, input(Money::from_ore(950_050), 5, on)).unwrap();
        assert_eq!(five.cap, Some(Money::from_kr(9000)), "5 000 kr and 1 000 kr for each of four more");
        assert_eq!((five.reimbursable, five.over_cap), (Money::from_kr(9000), Money::from_ore(50_050)));
        let one = reimbursable(home, input(Money::from_kr(4000), 1, on)).unwrap();
        assert_eq!((one.reimbursable, one.over_cap), (Money::from_kr(4000), Money::ZERO));
        let interpreter = in_force(&rules, CostCategory::Interpreter, d(on)).unwrap();
        let all = reimbursable(interpreter, input(Money::from_kr(25_000), 2, on)).unwrap();
        assert_eq!((all.reimbursable, all.over_cap, all.cap), (Money::from_kr(25_000), Money::ZERO, None));
    }

    #[test]
    fn earlier_costs_use_up_the_cap() {
        let rules = initial_costs();
        let home = in_force(&rules, CostCategory::HomeEquipment, d("2024-02-01")).unwrap();
        let second =
            CostInput { already_reimbursable: Money::from_kr(6000), ..input(Money::from_kr(4000), 5, "2024-02-01") };
        let r = reimbursable(home, second).unwrap();
        assert_eq!((r.reimbursable, r.over_cap), (Money::from_kr(3000), Money::from_kr(1000)));
        let full = CostInput { already_reimbursable: Money::from_kr(9000), ..second };
        assert_eq!(reimbursable(home, full).unwrap().reimbursable, Money::ZERO);
    }

    #[test]
    fn a_missing_cap_reimburses_nothing_until_it_is_known() {
        let rule = Rule::for_category(
            ClaimType::InitialCostsResettled,
            CostCategory::Other,
            d("2020-01-01"),
            None,
            CapRule::Missing,
            DeadlineRule::Missing,
        );
        let r = reimbursable(&rule, input(Money::from_kr(100), 1, "2024-01-01")).unwrap();
        assert_eq!(
            (r.reimbursable, r.over_cap, r.cap_missing, r.deadline),
            (Money::ZERO, Money::from_kr(100), true, None)
        );
    }

    #[test]
    fn a_cap_per_day_needs_the_days() {
        let rule = Rule::for_category(
            ClaimType::InitialCostsResettled,
            CostCategory::RentBeforeArrival,
            d("2020-01-01"),
            None,
            CapRule::Capped(Cap::PerDay(Money::from_kr(300))),
            DeadlineRule::NoApplication,
        );
        let without = input(Money::from_kr(5000), 3, "2024-01-01");
        assert_eq!(reimbursable(&rule, without), Err(CostError::DaysNeeded));
        let r = reimbursable(&rule, CostInput { days: Some(10), ..without }).unwrap();
        assert_eq!((r.reimbursable, r.over_cap), (Money::from_kr(3000), Money::from_kr(2000)));
    }

    #[test]
    fn the_rule_in_force_on_the_date_gives_the_deadline() {
        let rules = initial_costs();
        let before = in_force(&rules, CostCategory::Clothes, d("2023-02-28")).unwrap();
        let after = in_force(&rules, CostCategory::Clothes, d("2023-03-01")).unwrap();
        assert_ne!(before, after);
        let old = CostInput { period_end: Some(d("2023-03-31")), ..input(Money::from_kr(500), 1, "2023-02-28") };
        assert_eq!(reimbursable(before, old).unwrap().deadline, Some(d("2024-03-31")), "a year after the period");
        assert_eq!(reimbursable(before, input(Money::from_kr(500), 1, "2023-02-28")).unwrap().deadline, None);
        let new = reimbursable(after, input(Money::from_kr(500), 1, "2023-03-01")).unwrap();
        assert_eq!(new.deadline, Some(d("2024-03-01")), "a year after the reception");
        assert!(in_force(&rules, CostCategory::Clothes, d("2010-11-30")).is_none());
        assert!(in_force(&rules, CostCategory::Overtime, d("2024-01-01")).is_none(), "no rule for it here");
    }

    #[test]
    fn a_cap_per_person_holds_for_the_person_too() {
        let rules = initial_costs();
        let clothes = in_force(&rules, CostCategory::Clothes, d("2024-02-01")).unwrap();
        let one = CostInput { person_already: Some(Money::ZERO), ..input(Money::from_kr(3000), 5, "2024-02-01") };
        let r = reimbursable(clothes, one).unwrap();
        assert_eq!(
            (r.reimbursable, r.over_cap),
            (Money::from_kr(1500), Money::from_kr(1500)),
            "not 5 × 1 500 kr for one"
        );
        let second = CostInput { person_already: Some(Money::from_kr(1000)), ..one };
        assert_eq!(reimbursable(clothes, second).unwrap().reimbursable, Money::from_kr(500));
        let household_full = CostInput { already_reimbursable: Money::from_kr(7000), ..one };
        assert_eq!(
            reimbursable(clothes, household_full).unwrap().reimbursable,
            Money::from_kr(500),
            "the household's cap too"
        );
    }

    #[test]
    fn the_deadline_is_the_last_day_a_claim_can_arrive_under_the_rule_then_in_force() {
        let rules = initial_costs();
        let on = |cost: &str, reception: &str| {
            let cost = d(cost);
            let i = CostInput { period_end: Some(cost), ..input(Money::from_kr(100), 1, reception) };
            assess(&rules, CostCategory::Clothes, cost, i).unwrap().unwrap().deadline
        };
        // Received 2023-01-15: any claim arrives after 2023-03-01, a year after the reception.
        assert_eq!(on("2023-02-28", "2023-01-15"), Some(d("2024-01-15")));
        assert_eq!(on("2023-03-01", "2023-01-15"), Some(d("2024-01-15")));
        // Received 2022-02-01: the cost of 2023-02-28 can still be claimed that day under the
        // old rule; the cost of the next day is already too late under the new one.
        assert_eq!(on("2023-02-28", "2022-02-01"), Some(d("2023-02-28")));
        assert_eq!(on("2023-03-01", "2022-02-01"), Some(d("2023-02-01")));
        // Counted from the reception with the period ending on it: a year after the reception.
        for reception in ["2021-06-01", "2022-12-01", "2023-02-28", "2024-02-29"] {
            let r = d(reception);
            let i = CostInput { period_end: Some(r), ..input(Money::from_kr(1), 1, reception) };
            let deadline = assess(&rules, CostCategory::Clothes, r, i).unwrap().unwrap().deadline;
            assert_eq!(deadline, Some(add_months(r, 12)), "{reception}");
        }
    }

    #[test]
    fn a_year_after_29_february_is_28_february() {
        assert_eq!(Deadline::MonthsAfterReception(12).date(d("2024-02-29"), None), Some(d("2025-02-28")));
        assert_eq!(
            Deadline::MonthsAfterQuarterEnd(6).date(d("2024-02-29"), Some(d("2024-02-10"))),
            Some(d("2024-09-30"))
        );
        assert_eq!(quarter_end(d("2024-11-15")), d("2024-12-31"));
        let after_quarter = |end: &str| Deadline::MonthsAfterQuarterEnd(6).date(d("2024-01-01"), Some(d(end)));
        assert_eq!(after_quarter("2024-05-10"), Some(d("2024-12-31")), "30 June and six months");
        assert_eq!(after_quarter("2024-08-10"), Some(d("2025-03-31")), "30 September and six months");
        assert_eq!(after_quarter("2024-12-10"), Some(d("2025-06-30")));
    }

    #[test]
    fn bad_input_is_refused() {
        let rules = initial_costs();
        let food = in_force(&rules, CostCategory::FoodFirstDay, d("2024-01-01")).unwrap();
        assert_eq!(reimbursable(food, input(Money::from_ore(-1), 1, "2024-01-01")), Err(CostError::Negative));
        assert_eq!(reimbursable(food, input(Money::from_kr(1), 0, "2024-01-01")), Err(CostError::EmptyHousehold));
    }

    #[test]
    fn overlapping_rules_and_bad_edits_are_refused() {
        let mut rules = initial_costs();
        assert_eq!(check_overlaps(&rules), Ok(()));
        let mut twice = rules[0].clone();
        twice.valid_from = d("2023-02-01");
        twice.valid_to = Some(d("2023-03-15"));
        rules.push(twice.clone());
        assert_eq!(check_overlaps(&rules), Err(RuleError::Overlap));
        twice.valid_to = Some(d("2022-01-01"));
        assert_eq!(twice.check(), Err(RuleError::DatesOutOfOrder));
        let mut standard = rules[0].clone();
        standard.claim_type = ClaimType::StandardReimbursement;
        assert_eq!(standard.check(), Err(RuleError::CategoryForType));
    }

    #[test]
    fn shares_of_the_price_base_amount() {
        // 34,90 % of 57 300 kr is 19 997,70 kr: 19 998 kr, rounded to whole kronor.
        assert_eq!(Share(3490).of(Money::from_kr(57_300)), Money::from_kr(19_998));
        assert_eq!(Share(1745).of(Money::from_kr(57_300)), Money::from_kr(9_999), "9 998,85 kr");
        assert_eq!(Share(1745).to_string(), "17,45\u{a0}%");
    }

    proptest! {
        #[test]
        fn reimbursable_and_over_cap_make_the_amount(
            ore in 0i64..10_000_000_000, size in 1u32..15, pick in 0usize..3, already in 0i64..2_000_000,
        ) {
            let rules = initial_costs();
            let category = [CostCategory::FoodFirstDay, CostCategory::Clothes, CostCategory::HomeEquipment][pick];
            let rule = in_force(&rules, category, d("2024-06-01")).unwrap();
            let cost = CostInput {
                already_reimbursable: Money::from_ore(already),
                ..input(Money::from_ore(ore), size, "2024-06-01")
            };
            let r = reimbursable(rule, cost).unwrap();
            prop_assert_eq!(r.reimbursable.ore() + r.over_cap.ore(), ore);
            prop_assert!(r.reimbursable.ore() + already.min(r.cap.unwrap().ore()) <= r.cap.unwrap().ore());
            prop_assert!(r.over_cap.ore() >= 0);
        }
    }
}

#[cfg(test)]
mod form_tests {
    use super::*;

    #[test]
    fn an_empty_rule_or_price_base_names_every_field_at_once() {
        let fields =
            |errors: Vec<crate::input::Invalid>| errors.into_iter().map(|e| e.field.into_owned()).collect::<Vec<_>>();
        assert_eq!(
            fields(RuleForm::default().check().unwrap_err()),
            ["covers", "valid_from", "cap_kind", "deadline_kind", "source"]
        );
        let wrong = RuleForm {
            covers: "x".into(),
            valid_from: "2024-01-01".into(),
            valid_to: "2023-01-01".into(),
            cap_kind: "none".into(),
            age_from: "-1".into(),
            share: "200".into(),
            deadline_kind: "missing".into(),
            source: "test".into(),
            ..Default::default()
        };
        assert_eq!(fields(wrong.check().unwrap_err()), ["valid_to", "age_from", "share"]);
        assert_eq!(
            fields(PriceBaseForm { year: "24".into(), amount: "0".into(), source: " ".into() }.check().unwrap_err()),
            ["year", "amount", "source"]
        );
    }
}
