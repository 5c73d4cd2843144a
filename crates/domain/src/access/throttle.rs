//! When a login must wait. Failed passwords are counted three ways over a window: for the
//! account from this address (the pair), for the account from everywhere, and from this address
//! for every account. Only the pair can lock out an account's owner at an address they have
//! logged in from before: someone guessing from elsewhere, or from behind the same proxy,
//! cannot keep the owner out. The wider limits stop guessing spread over many addresses or
//! accounts, and hold only for pairs not known to belong together. Attempts refused because of
//! the throttle are not failures: an attacker who goes on guessing does not go on extending the
//! lock.

use std::time::Duration;

/// The limits, each over `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttle {
    pub window: Duration,
    /// Failures of one account from one address.
    pub max_failures_per_pair: i64,
    /// Failures of one account from every address, for an address it has not logged in from.
    pub max_failures_per_account: i64,
    /// Failures from one address for every account, for an account that has not logged in
    /// from it.
    pub max_failures_per_address: i64,
    /// How long a successful login makes the pair known.
    pub known_for: Duration,
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle {
            window: Duration::from_secs(15 * 60),
            max_failures_per_pair: 5,
            max_failures_per_account: 20,
            max_failures_per_address: 50,
            known_for: Duration::from_secs(30 * 24 * 60 * 60),
        }
    }
}

/// The failures counted within the window, and whether the account has logged in from the
/// address within [`Throttle::known_for`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Failures {
    pub pair: i64,
    pub account: i64,
    pub address: i64,
    pub known_pair: bool,
}

/// Why a login must wait, if it must.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    Pair,
    Account,
    Address,
}

impl Throttle {
    pub fn lock(&self, failures: &Failures) -> Option<Lock> {
        if failures.pair >= self.max_failures_per_pair {
            Some(Lock::Pair)
        } else if failures.known_pair {
            None
        } else if failures.account >= self.max_failures_per_account {
            Some(Lock::Account)
        } else if failures.address >= self.max_failures_per_address {
            Some(Lock::Address)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_pair_locks_an_owner_out_of_an_address_they_have_used() {
        let throttle = Throttle::default();
        let attacked = Failures { pair: 0, account: 500, address: 500, known_pair: true };
        assert_eq!(throttle.lock(&attacked), None, "guessing elsewhere does not lock the owner out");
        assert_eq!(throttle.lock(&Failures { pair: 5, ..attacked }), Some(Lock::Pair));
    }

    #[test]
    fn an_unknown_pair_waits_for_any_of_the_three() {
        let throttle = Throttle::default();
        let none = Failures::default();
        assert_eq!(throttle.lock(&none), None);
        assert_eq!(throttle.lock(&Failures { pair: 4, account: 19, address: 49, ..none }), None);
        assert_eq!(throttle.lock(&Failures { pair: 5, ..none }), Some(Lock::Pair));
        assert_eq!(throttle.lock(&Failures { account: 20, ..none }), Some(Lock::Account));
        assert_eq!(throttle.lock(&Failures { address: 50, ..none }), Some(Lock::Address));
    }
}
