//! Ending an agreement with notice: the end date, and the refund of a paid period or the final
//! pro-rata amount of an unpaid one.

use chrono::NaiveDate;

use super::calendar::{Period, add_months, first_of_next_month, months_spanned};
use crate::money::Money;

crate::coded! {
    /// What is refunded when a paid period is cut short.
    pub enum RefundPolicy {
        /// Nothing is refunded once the period is invoiced and paid (the 2016 agreement).
        None = "none",
        /// Refunded from the first day of the month after the agreement ended (the 2018 agreement).
        FromMonthAfterEnd = "from-month-after-end",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TerminationInput {
    pub notice_date: NaiveDate,
    pub notice_months: u32,
    /// The invoicing period the termination falls in.
    pub period: Period,
    /// The party's amount for the whole period.
    pub amount: Money,
    pub paid: bool,
    pub policy: RefundPolicy,
}

/// The outcome, with the months behind each amount so that it can be explained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Termination {
    pub end_date: NaiveDate,
    pub refund_from: Option<NaiveDate>,
    pub refund: Money,
    pub refund_months: i64,
    pub amount_due: Money,
    pub due_months: i64,
    pub period_months: i64,
}

pub fn terminate(input: &TerminationInput) -> Termination {
    let end_date = add_months(input.notice_date, input.notice_months);
    let period = input.period;
    let period_months = period.months();
    let mut outcome = Termination {
        end_date,
        refund_from: None,
        refund: Money::ZERO,
        refund_months: 0,
        amount_due: Money::ZERO,
        due_months: 0,
        period_months,
    };
    if input.paid {
        if input.policy == RefundPolicy::FromMonthAfterEnd {
            let from = first_of_next_month(end_date).max(period.start);
            if from <= period.end {
                outcome.refund_from = Some(from);
                outcome.refund_months = months_spanned(from, period.end);
                outcome.refund = input.amount.share_in_kr(outcome.refund_months, period_months);
            }
        }
    } else if end_date >= period.start {
        outcome.due_months = months_spanned(period.start, end_date.min(period.end));
        outcome.amount_due = input.amount.share_in_kr(outcome.due_months, period_months);
    }
    outcome
}

/// A party's notice as typed on the agreement's page: the day it was given and the decision's
/// registry number.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct NoticeForm {
    pub notice_date: String,
    pub registry_number: String,
}

/// A notice, checked; whether the agreement can be ended by it is the terms' to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub date: NaiveDate,
    pub registry_number: Option<String>,
}

impl NoticeForm {
    pub fn check(&self) -> Result<Notice, Vec<crate::input::Invalid>> {
        let date = crate::input::date("notice_date", &self.notice_date).map_err(|e| vec![e])?;
        let registry_number = Some(self.registry_number.trim()).filter(|r| !r.is_empty()).map(str::to_owned);
        Ok(Notice { date, registry_number })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn mjolby_2024(paid: bool, policy: RefundPolicy) -> Termination {
        terminate(&TerminationInput {
            notice_date: d("2024-06-20"),
            notice_months: 2,
            period: "2024-01-01:2024-12-31".parse().unwrap(),
            amount: Money::from_kr(45_841),
            paid,
            policy,
        })
    }

    #[test]
    fn mjolby_withdraws_in_2024_under_the_2018_agreement() {
        let t = mjolby_2024(true, RefundPolicy::FromMonthAfterEnd);
        assert_eq!(t.end_date, d("2024-08-20"));
        assert_eq!(t.refund_from, Some(d("2024-09-01")));
        assert_eq!(t.refund_months, 4);
        // 45 841 × 4 / 12 = 15 280,33 → 15 280 kr.
        assert_eq!(t.refund, Money::from_kr(15_280));
        assert_eq!(t.amount_due, Money::ZERO);
    }

    #[test]
    fn under_the_2016_terms_nothing_is_refunded_after_payment() {
        let t = mjolby_2024(true, RefundPolicy::None);
        assert_eq!(t.end_date, d("2024-08-20"));
        assert_eq!(t.refund_from, None);
        assert_eq!(t.refund, Money::ZERO);
    }

    #[test]
    fn an_unpaid_period_gets_a_final_pro_rata_invoice() {
        let t = mjolby_2024(false, RefundPolicy::FromMonthAfterEnd);
        assert_eq!(t.due_months, 8);
        // 45 841 × 8 / 12 = 30 560,67 → 30 561 kr.
        assert_eq!(t.amount_due, Money::from_kr(30_561));
        assert_eq!(t.refund, Money::ZERO);
    }

    #[test]
    fn an_end_after_the_period_refunds_nothing_and_owes_the_whole_period() {
        let late = TerminationInput {
            notice_date: d("2024-11-15"),
            notice_months: 2,
            period: "2024-01-01:2024-12-31".parse().unwrap(),
            amount: Money::from_kr(45_841),
            paid: true,
            policy: RefundPolicy::FromMonthAfterEnd,
        };
        let t = terminate(&late);
        assert_eq!(t.end_date, d("2025-01-15"));
        assert_eq!((t.refund, t.refund_from), (Money::ZERO, None));
        let t = terminate(&TerminationInput { paid: false, ..late });
        assert_eq!(t.amount_due, Money::from_kr(45_841));
    }

    #[test]
    fn notice_on_the_31st_ends_on_the_last_day_of_a_short_month() {
        let t = terminate(&TerminationInput {
            notice_date: d("2023-12-31"),
            notice_months: 2,
            period: "2024-01-01:2024-12-31".parse().unwrap(),
            amount: Money::from_kr(12_000),
            paid: true,
            policy: RefundPolicy::FromMonthAfterEnd,
        });
        assert_eq!(t.end_date, d("2024-02-29"));
        assert_eq!(t.refund_from, Some(d("2024-03-01")));
        assert_eq!(t.refund, Money::from_kr(10_000));
    }
}
