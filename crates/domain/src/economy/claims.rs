//! Reimbursement claims to Migrationsverket: the rows of a claim (one per person, as on form
//! 4497) made from its costs, and the steps a claim goes through.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::rules::CostCategory;
use crate::ids::{HouseholdId, PersonId};
use crate::input::{Errors, Invalid, date, optional_money};
use crate::money::Money;
use crate::text::Text;

crate::coded! {
    /// Where a claim is.
    pub enum ClaimStatus {
        Draft = "draft",
        Submitted = "submitted",
        SupplementRequested = "supplement_requested",
        Decided = "decided",
        Appealed = "appealed",
        Paid = "paid",
    }
}

impl ClaimStatus {
    /// Not yet at Migrationsverket: its deadline is still to be met.
    pub fn before_submission(self) -> bool {
        self == ClaimStatus::Draft
    }

    /// The steps that may follow this one.
    pub fn next_steps(self) -> &'static [Step] {
        match self {
            ClaimStatus::Draft => &[Step::Submit],
            ClaimStatus::Submitted => &[Step::Decide, Step::RequestSupplement],
            ClaimStatus::SupplementRequested => &[Step::Submit],
            ClaimStatus::Decided => &[Step::Pay, Step::Appeal],
            ClaimStatus::Appealed => &[Step::Decide],
            ClaimStatus::Paid => &[],
        }
    }
}

crate::coded! {
    /// What happens to a claim.
    pub enum Step {
        /// Sent to Migrationsverket (again, after a supplement was asked for).
        Submit = "submit",
        /// Migrationsverket asks for more.
        RequestSupplement = "request_supplement",
        /// Migrationsverket decides (again, after an appeal): the amount granted and its reference.
        Decide = "decide",
        /// The municipality appeals the decision.
        Appeal = "appeal",
        /// The money has come.
        Pay = "pay",
    }
}

impl Step {
    pub fn leads_to(self) -> ClaimStatus {
        match self {
            Step::Submit => ClaimStatus::Submitted,
            Step::RequestSupplement => ClaimStatus::SupplementRequested,
            Step::Decide => ClaimStatus::Decided,
            Step::Appeal => ClaimStatus::Appealed,
            Step::Pay => ClaimStatus::Paid,
        }
    }
}

/// A step as recorded: its date, and for a decision the amount granted and its reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepInput {
    pub step: Step,
    pub on: NaiveDate,
    pub granted: Option<Money>,
    pub reference: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StepError {
    #[error("that step cannot be taken when the claim's status is {0}")]
    NotNow(&'static str),
    #[error("the amount granted is missing")]
    GrantedNeeded,
    #[error("the amount granted is negative")]
    NegativeGranted,
    #[error("the decision's reference is missing")]
    ReferenceNeeded,
    #[error("the date is before the previous step ({0})")]
    BeforeLast(NaiveDate),
    #[error("the date is in the future")]
    Future,
    #[error("a claim without costs cannot be submitted")]
    Empty,
    #[error("a claim cannot be submitted before its period has ended ({0})")]
    PeriodNotOver(NaiveDate),
}

impl StepError {
    /// What to tell the person taking the step.
    pub fn text(&self) -> crate::text::Text {
        use crate::text::Text;
        match self {
            StepError::NotNow(status) => Text::new("claim-step-not-now").with("status", status),
            StepError::GrantedNeeded => Text::new("claim-step-granted-needed"),
            StepError::NegativeGranted => Text::new("claim-step-negative-granted"),
            StepError::ReferenceNeeded => Text::new("claim-step-reference-needed"),
            StepError::BeforeLast(last) => Text::new("claim-step-before-last").with("last", last),
            StepError::Future => Text::new("claim-step-future"),
            StepError::Empty => Text::new("claim-step-empty"),
            StepError::PeriodNotOver(end) => Text::new("claim-step-period-not-over").with("end", end),
        }
    }
}

/// The status after `input`, when the step may be taken from `status` on that date. A claim is
/// for the costs of its period, so it is submitted once the period has ended (on its last day
/// at the earliest).
pub fn take(
    status: ClaimStatus,
    last_step_on: Option<NaiveDate>,
    period_end: NaiveDate,
    input: &StepInput,
    today: NaiveDate,
    rows: usize,
) -> Result<ClaimStatus, StepError> {
    if !status.next_steps().contains(&input.step) {
        return Err(StepError::NotNow(status.code()));
    }
    if input.on > today {
        return Err(StepError::Future);
    }
    if let Some(last) = last_step_on
        && input.on < last
    {
        return Err(StepError::BeforeLast(last));
    }
    if input.step == Step::Submit && rows == 0 {
        return Err(StepError::Empty);
    }
    if input.step == Step::Submit && input.on < period_end {
        return Err(StepError::PeriodNotOver(period_end));
    }
    if input.step == Step::Decide {
        match input.granted {
            None => return Err(StepError::GrantedNeeded),
            Some(m) if m.ore() < 0 => return Err(StepError::NegativeGranted),
            Some(_) => {}
        }
        if input.reference.as_deref().is_none_or(|r| r.trim().is_empty()) {
            return Err(StepError::ReferenceNeeded);
        }
    }
    Ok(input.step.leads_to())
}

/// A cost in a claim, reduced to what the claim's rows need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimedCost {
    /// The person the row is for: the cost's own person, or the household's first person for a
    /// cost of the whole household.
    pub person_id: PersonId,
    pub category: CostCategory,
    pub date: NaiveDate,
    /// The reimbursable part, excluding VAT: what is claimed.
    pub amount: Money,
}

/// Spreads a household's cost over its members, each up to the room left under their own cap
/// (person id and room, in the order they are filled). Whatever does not fit goes to the first.
pub fn spread(amount: Money, rooms: &[(PersonId, Money)]) -> Vec<(PersonId, Money)> {
    let mut left = amount;
    let mut out: Vec<(PersonId, Money)> = Vec::new();
    for (person, room) in rooms {
        let part = Money::from_ore(left.ore().min(room.ore().max(0)));
        if part.ore() > 0 {
            out.push((*person, part));
            left = left - part;
        }
    }
    if left.ore() != 0
        && let Some((first, _)) = rooms.first()
    {
        match out.iter_mut().find(|(p, _)| p == first) {
            Some((_, part)) => *part = *part + left,
            None => out.insert(0, (*first, left)),
        }
    }
    out
}

/// A cost in a claim as stored: the person it is for (none for the whole household), and the
/// cap per person of its rule, when the rule has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InClaim {
    pub person_id: Option<PersonId>,
    pub household_id: HouseholdId,
    pub category: CostCategory,
    pub date: NaiveDate,
    pub amount: Money,
    pub cap_per_person: Option<Money>,
}

/// A member of a household with a cost in a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member {
    pub id: PersonId,
    pub household_id: HouseholdId,
    pub birth_date: NaiveDate,
    pub resettled: bool,
}

/// The persons a household's cost is claimed for: its quota refugees, oldest first; all its
/// persons when it has none.
pub fn claimable(members: &[Member], household_id: HouseholdId) -> Vec<PersonId> {
    let mut of_household: Vec<&Member> = members.iter().filter(|m| m.household_id == household_id).collect();
    of_household.sort_by_key(|m| (m.birth_date, m.id));
    let resettled: Vec<PersonId> = of_household.iter().filter(|m| m.resettled).map(|m| m.id).collect();
    if resettled.is_empty() { of_household.iter().map(|m| m.id).collect() } else { resettled }
}

/// The claim's costs, each on the row of the person it is for. A household's cost in a category
/// capped per person is spread over its claimable members, each up to the room their own costs
/// left; any other household cost goes on its first claimable member's row. Persons' own costs
/// come first in `costs`, so that they take their room before a household's cost is spread.
/// `None` when a household cost's household has no members.
pub fn claimed(costs: &[InClaim], members: &[Member]) -> Option<Vec<ClaimedCost>> {
    let mut out: Vec<ClaimedCost> = Vec::new();
    for cost in costs {
        let parts = match (cost.person_id, cost.cap_per_person) {
            (Some(person), _) => vec![(person, cost.amount)],
            (None, Some(each)) => {
                let rooms: Vec<(PersonId, Money)> = claimable(members, cost.household_id)
                    .into_iter()
                    .map(|p| {
                        let taken: Money = out
                            .iter()
                            .filter(|c| c.person_id == p && c.category == cost.category)
                            .map(|c| c.amount)
                            .sum();
                        (p, each - taken)
                    })
                    .collect();
                spread(cost.amount, &rooms)
            }
            (None, None) => vec![(*claimable(members, cost.household_id).first()?, cost.amount)],
        };
        out.extend(parts.into_iter().map(|(person_id, amount)| ClaimedCost {
            person_id,
            category: cost.category,
            date: cost.date,
            amount,
        }));
    }
    Some(out)
}

/// One row of a claim: one person, with the amounts per column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRow {
    pub person_id: PersonId,
    pub first_date: NaiveDate,
    pub last_date: NaiveDate,
    pub amounts: BTreeMap<CostCategory, Money>,
}

impl ClaimRow {
    pub fn amount(&self, category: CostCategory) -> Money {
        self.amounts.get(&category).copied().unwrap_or_default()
    }

    pub fn total(&self) -> Money {
        self.amounts.values().copied().sum()
    }
}

/// The claim's rows, one per person in the order of their ids.
pub fn rows(costs: &[ClaimedCost]) -> Vec<ClaimRow> {
    let mut by_person: BTreeMap<PersonId, ClaimRow> = BTreeMap::new();
    for cost in costs {
        let row = by_person.entry(cost.person_id).or_insert_with(|| ClaimRow {
            person_id: cost.person_id,
            first_date: cost.date,
            last_date: cost.date,
            amounts: BTreeMap::new(),
        });
        row.first_date = row.first_date.min(cost.date);
        row.last_date = row.last_date.max(cost.date);
        *row.amounts.entry(cost.category).or_default() = row.amount(cost.category) + cost.amount;
    }
    by_person.into_values().collect()
}

/// The claim's totals per column, and in all.
pub fn totals(rows: &[ClaimRow]) -> (BTreeMap<CostCategory, Money>, Money) {
    let mut columns: BTreeMap<CostCategory, Money> = BTreeMap::new();
    for row in rows {
        for (category, amount) in &row.amounts {
            *columns.entry(*category).or_default() = columns.get(category).copied().unwrap_or_default() + *amount;
        }
    }
    let total = columns.values().copied().sum();
    (columns, total)
}

/// A claim to prepare, as typed: its type, the municipality (one of the user's) and the period
/// whose costs it takes.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ClaimForm {
    pub claim_type: String,
    pub municipality: String,
    pub period_start: String,
    pub period_end: String,
}

/// A claim to prepare, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewClaim {
    pub municipality_code: String,
    pub claim_type: super::rules::ClaimType,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
}

impl ClaimForm {
    /// Every field checked at once; `municipality` is the one the user may prepare it for, `None`
    /// for a user of no municipality.
    pub fn check(&self, municipality: Option<String>) -> Result<NewClaim, Vec<Invalid>> {
        let mut errors = Errors::new();
        let claim_type = errors.keep(
            super::rules::ClaimType::from_code(self.claim_type.trim())
                .ok_or_else(|| Invalid::new("claim_type", Text::new("claim-type-needed")))
                .and_then(|t| {
                    if t.is_standard() {
                        Err(Invalid::new("claim_type", Text::new("claim-standard-without-claim")))
                    } else {
                        Ok(t)
                    }
                }),
        );
        let municipality =
            errors.keep(municipality.ok_or_else(|| Invalid::new("municipality", Text::new("claim-no-municipality"))));
        let start = errors.keep(date("period_start", &self.period_start));
        let end = errors.keep(date("period_end", &self.period_end));
        if let (Some(start), Some(end)) = (start, end)
            && end < start
        {
            errors.push(Invalid::new("period_end", Text::new("claim-period-reversed")));
        }
        errors.finish(|| {
            Some(NewClaim {
                municipality_code: municipality?,
                claim_type: claim_type?,
                period_start: start?,
                period_end: end?,
            })
        })
    }
}

/// A step as typed on the claim's page.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct StepForm {
    pub step: String,
    pub on: String,
    pub granted: String,
    pub reference: String,
    pub note: String,
}

impl StepForm {
    /// Every field checked at once; whether the step may be taken now is [`take`]'s to say.
    pub fn check(&self) -> Result<StepInput, Vec<Invalid>> {
        let mut errors = Errors::new();
        let step = errors.keep(
            Step::from_code(self.step.trim()).ok_or_else(|| Invalid::new("step", Text::new("claim-step-needed"))),
        );
        let on = errors.keep(date("on", &self.on));
        let granted = errors.keep(optional_money("granted", &self.granted));
        let reference = errors.keep(crate::input::optional_text(
            "reference",
            Some(&self.reference),
            100,
            Text::new("what-decision-reference"),
        ));
        let note = errors.keep(crate::input::optional_text("note", Some(&self.note), 1000, Text::new("what-note")));
        errors
            .finish(|| Some(StepInput { step: step?, on: on?, granted: granted?, reference: reference?, note: note? }))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::economy::rules::tests::d;

    fn step(step: Step, on: &str) -> StepInput {
        StepInput { step, on: d(on), granted: None, reference: None, note: None }
    }

    #[test]
    fn a_claim_goes_from_draft_to_paid() {
        let today = d("2025-06-01");
        let s = take(ClaimStatus::Draft, None, d("2024-12-31"), &step(Step::Submit, "2025-01-10"), today, 3).unwrap();
        assert_eq!(s, ClaimStatus::Submitted);
        let s = take(s, Some(d("2025-01-10")), d("2024-12-31"), &step(Step::RequestSupplement, "2025-02-01"), today, 3)
            .unwrap();
        let s = take(s, Some(d("2025-02-01")), d("2024-12-31"), &step(Step::Submit, "2025-02-10"), today, 3).unwrap();
        let decide = StepInput {
            granted: Some(Money::from_kr(12_000)),
            reference: Some("MIG-2025-123".into()),
            ..step(Step::Decide, "2025-03-01")
        };
        let s = take(s, Some(d("2025-02-10")), d("2024-12-31"), &decide, today, 3).unwrap();
        assert_eq!(s, ClaimStatus::Decided);
        let s = take(s, Some(d("2025-03-01")), d("2024-12-31"), &step(Step::Appeal, "2025-03-10"), today, 3).unwrap();
        let s = take(s, Some(d("2025-03-10")), d("2024-12-31"), &decide.clone(), today, 3);
        assert_eq!(s, Err(StepError::BeforeLast(d("2025-03-10"))));
        let again = StepInput { on: d("2025-04-01"), ..decide };
        let s = take(ClaimStatus::Appealed, Some(d("2025-03-10")), d("2024-12-31"), &again, today, 3).unwrap();
        assert_eq!(
            take(s, Some(d("2025-04-01")), d("2024-12-31"), &step(Step::Pay, "2025-04-20"), today, 3),
            Ok(ClaimStatus::Paid)
        );
    }

    #[test]
    fn wrong_steps_are_refused() {
        let today = d("2025-06-01");
        assert_eq!(
            take(ClaimStatus::Draft, None, d("2024-12-31"), &step(Step::Pay, "2025-01-01"), today, 1),
            Err(StepError::NotNow("draft"))
        );
        assert_eq!(
            take(ClaimStatus::Draft, None, d("2024-12-31"), &step(Step::Submit, "2025-07-01"), today, 1),
            Err(StepError::Future)
        );
        assert_eq!(
            take(ClaimStatus::Draft, None, d("2024-12-31"), &step(Step::Submit, "2025-01-01"), today, 0),
            Err(StepError::Empty)
        );
        assert_eq!(
            take(ClaimStatus::Draft, None, d("2025-03-31"), &step(Step::Submit, "2025-03-30"), today, 1),
            Err(StepError::PeriodNotOver(d("2025-03-31"))),
            "submitted before the period's end"
        );
        assert!(take(ClaimStatus::Draft, None, d("2025-03-31"), &step(Step::Submit, "2025-03-31"), today, 1).is_ok());
        let no_amount = step(Step::Decide, "2025-02-01");
        assert_eq!(
            take(ClaimStatus::Submitted, None, d("2024-12-31"), &no_amount, today, 1),
            Err(StepError::GrantedNeeded)
        );
        let no_reference = StepInput { granted: Some(Money::from_kr(1)), ..no_amount };
        assert_eq!(
            take(ClaimStatus::Submitted, None, d("2024-12-31"), &no_reference, today, 1),
            Err(StepError::ReferenceNeeded)
        );
        assert!(ClaimStatus::Paid.next_steps().is_empty());
    }

    #[test]
    fn rows_gather_each_persons_costs_by_column() {
        let cost = |person_id, category, date: &str, kr| ClaimedCost {
            person_id: PersonId::new(person_id),
            category,
            date: d(date),
            amount: Money::from_kr(kr),
        };
        let rows = rows(&[
            cost(2, CostCategory::Clothes, "2024-03-02", 1500),
            cost(1, CostCategory::HomeEquipment, "2024-03-01", 9000),
            cost(1, CostCategory::FoodFirstDay, "2024-03-01", 200),
            cost(2, CostCategory::Clothes, "2024-03-05", 100),
        ]);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].person_id, PersonId::new(1));
        assert_eq!(rows[0].total(), Money::from_kr(9200));
        assert_eq!(rows[1].amount(CostCategory::Clothes), Money::from_kr(1600));
        assert_eq!((rows[1].first_date, rows[1].last_date), (d("2024-03-02"), d("2024-03-05")));
    }

    #[test]
    fn a_households_cost_is_spread_within_each_members_room() {
        let m = Money::from_kr;
        let p = PersonId::new;
        assert_eq!(
            spread(m(4000), &[(p(1), m(1500)), (p(2), m(1500)), (p(3), m(1500))]),
            [(p(1), m(1500)), (p(2), m(1500)), (p(3), m(1000))]
        );
        assert_eq!(
            spread(m(1000), &[(p(1), m(0)), (p(2), m(1500))]),
            [(p(2), m(1000))],
            "the first has used their room"
        );
        assert_eq!(spread(m(500), &[(p(1), m(100))]), [(p(1), m(500))], "what does not fit goes to the first");
        assert_eq!(spread(m(0), &[(p(1), m(100))]), []);
    }

    proptest! {
        #[test]
        fn spreading_keeps_every_ore(amount in 0i64..10_000_000, rooms in proptest::collection::vec(0i64..500_000, 1..6)) {
            let rooms: Vec<(PersonId, Money)> = rooms.into_iter().enumerate().map(|(i, r)| (PersonId::new(i as i32), Money::from_ore(r))).collect();
            let parts = spread(Money::from_ore(amount), &rooms);
            prop_assert_eq!(parts.iter().map(|(_, m)| *m).sum::<Money>(), Money::from_ore(amount));
        }

        #[test]
        fn the_totals_are_the_sum_of_the_rows(costs in proptest::collection::vec((1i32..6, 0usize..10, 0i64..5_000_000), 0..40)) {
            let costs: Vec<ClaimedCost> = costs
                .into_iter()
                .map(|(person_id, c, ore)| ClaimedCost {
                    person_id: PersonId::new(person_id),
                    category: CostCategory::FORM_4497[c],
                    date: d("2024-01-01"),
                    amount: Money::from_ore(ore),
                })
                .collect();
            let rows = rows(&costs);
            let (columns, total) = totals(&rows);
            prop_assert_eq!(total, costs.iter().map(|c| c.amount).sum::<Money>());
            prop_assert_eq!(total, rows.iter().map(ClaimRow::total).sum::<Money>());
            prop_assert_eq!(total, columns.values().copied().sum::<Money>());
        }
    }

    #[test]
    fn an_empty_claim_or_step_names_every_field_at_once() {
        let fields = |errors: Vec<Invalid>| errors.into_iter().map(|e| e.field.into_owned()).collect::<Vec<_>>();
        assert_eq!(
            fields(ClaimForm::default().check(None).unwrap_err()),
            ["claim_type", "municipality", "period_start", "period_end"]
        );
        let reversed = ClaimForm {
            claim_type: "initial_costs_resettled".into(),
            period_start: "2024-03-31".into(),
            period_end: "2024-03-01".into(),
            ..Default::default()
        };
        assert_eq!(fields(reversed.check(Some("0117".into())).unwrap_err()), ["period_end"]);
        assert_eq!(
            fields(StepForm { granted: "mycket".into(), ..Default::default() }.check().unwrap_err()),
            ["step", "on", "granted"]
        );
    }
}
