//! Agreements and orders and their terms: calendar rules, termination with notice and refund,
//! vacancies, and an order's obligations.

pub mod calendar;
pub mod obligations;
pub mod order;
pub mod staffing;
pub mod termination;
pub mod terms;
pub mod vacancy;
pub mod version;

pub use calendar::{Period, PeriodError, add_months, first_of_next_month};
pub use termination::{RefundPolicy, Termination, TerminationInput, terminate};
pub use terms::{Instalment, InvoiceSchedule, InvoiceScheduleKind, Terms, Validity};
pub use vacancy::{VacancyInput, VacancyRefund, vacancy_refund};
pub use version::{AgreementForm, AmendmentForm, Contact, NewAgreement, NewVersion, Side, VersionForm};
