//! Sharing the cost of a post among municipalities: cost models, exact apportionment by
//! population, and checking a printed table against the exact allocation.

pub mod apportion;
pub mod bgmax;
pub mod cost;
pub mod invoices;
pub mod payment;
pub mod population;
pub mod scb;
pub mod table_check;

pub use apportion::{Allocation, ApportionError, ApportionForm, Claimant, Unit, apportion};
pub use cost::{CostModel, CostModelForm, NewPostCost, Percent, PostCost, PostCostForm};
pub use table_check::{CheckedRow, StatedRow, TableCheck, TableCheckForm, check_table};
