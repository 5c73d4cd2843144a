//! Refunds for the time the shared post stands vacant.

use super::calendar::{Period, add_months};
use crate::money::Money;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VacancyInput {
    pub vacancy: Period,
    /// The invoiced period the vacancy is refunded from.
    pub period: Period,
    /// The party's amount for the whole period.
    pub amount: Money,
    /// Refund only when the vacancy lasts longer than this many months (the 2018 agreement: 1).
    pub threshold_months: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VacancyRefund {
    pub refundable: bool,
    /// Vacant days within the period, both ends counted.
    pub vacancy_days: i64,
    pub period_days: i64,
    pub refund: Money,
}

pub fn vacancy_refund(input: &VacancyInput) -> VacancyRefund {
    let vacancy_days = input.vacancy.intersection(&input.period).map_or(0, |p| p.days());
    let long_enough =
        input.threshold_months.is_none_or(|months| input.vacancy.end >= add_months(input.vacancy.start, months));
    let refundable = vacancy_days > 0 && long_enough;
    let period_days = input.period.days();
    let refund = if refundable { input.amount.share_in_kr(vacancy_days, period_days) } else { Money::ZERO };
    VacancyRefund { refundable, vacancy_days, period_days, refund }
}

/// A vacancy in the shared post as typed: its first and last day and a note.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct VacancyForm {
    pub start: String,
    pub end: String,
    pub note: String,
}

/// A vacancy, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVacancy {
    pub period: Period,
    pub note: Option<String>,
}

impl VacancyForm {
    /// Both days at once, then that the last is not before the first.
    pub fn check(&self) -> Result<NewVacancy, Vec<crate::input::Invalid>> {
        use crate::input::{Errors, Invalid, date};
        use crate::text::Text;
        let mut errors = Errors::new();
        let start = errors.keep(date("start", &self.start));
        let end = errors.keep(date("end", &self.end));
        let period = match (start, end) {
            (Some(start), Some(end)) => errors.keep(
                Period::new(start, end)
                    .map_err(|e| Invalid::new("end", Text::new("full-stop").with_text("text", e.text()))),
            ),
            _ => None,
        };
        let note = Some(self.note.trim()).filter(|n| !n.is_empty()).map(str::to_owned);
        errors.finish(|| Some(NewVacancy { period: period?, note }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(vacancy: &str, threshold_months: Option<u32>) -> VacancyInput {
        VacancyInput {
            vacancy: vacancy.parse().unwrap(),
            period: "2019-01-01:2019-12-31".parse().unwrap(),
            amount: Money::from_kr(45_841),
            threshold_months,
        }
    }

    #[test]
    fn a_ten_week_vacancy_under_the_2018_agreement() {
        let r = vacancy_refund(&input("2019-03-10:2019-05-20", Some(1)));
        assert!(r.refundable);
        assert_eq!(r.vacancy_days, 72);
        // 45 841 × 72 / 365 = 9 042,6 → 9 043 kr.
        assert_eq!(r.refund, Money::from_kr(9_043));
    }

    #[test]
    fn a_vacancy_of_a_month_or_less_is_not_refunded_under_the_threshold() {
        let r = vacancy_refund(&input("2019-03-10:2019-04-09", Some(1)));
        assert!(!r.refundable);
        assert_eq!(r.vacancy_days, 31);
        assert_eq!(r.refund, Money::ZERO);
        assert!(vacancy_refund(&input("2019-03-10:2019-04-10", Some(1))).refundable, "its last day on start + 1 month");
    }

    #[test]
    fn the_2016_agreement_refunds_any_vacancy() {
        let r = vacancy_refund(&input("2019-03-10:2019-03-24", None));
        assert!(r.refundable);
        assert_eq!(r.vacancy_days, 15);
        assert_eq!(r.refund, Money::from_kr(1_884));
    }

    #[test]
    fn only_the_days_inside_the_period_count() {
        let r = vacancy_refund(&input("2018-12-01:2019-01-10", None));
        assert_eq!(r.vacancy_days, 10);
        let r = vacancy_refund(&input("2020-02-01:2020-03-10", None));
        assert_eq!((r.refundable, r.vacancy_days, r.refund), (false, 0, Money::ZERO));
    }

    #[test]
    fn a_vacancy_names_both_days_and_their_order() {
        let fields =
            |f: VacancyForm| f.check().unwrap_err().into_iter().map(|e| e.field.into_owned()).collect::<Vec<_>>();
        assert_eq!(fields(VacancyForm::default()), ["start", "end"]);
        assert_eq!(
            fields(VacancyForm { start: "2024-05-20".into(), end: "2024-03-10".into(), ..Default::default() }),
            ["end"]
        );
    }
}
