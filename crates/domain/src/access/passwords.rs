//! What a new password may not be (NIST SP 800-63B, 5.1.1.2): shorter than the minimum, a
//! password common in breaches, such a password with digits or punctuation around it
//! ("Password1234!"), one character or a short pattern repeated, or a run of the keyboard's or
//! the alphabet's order ("123456789012", "abcdefghijkl"). Length beats complexity rules, so
//! there are none.

use std::collections::HashSet;
use std::sync::LazyLock;

use crate::text::Text;

/// The shortest password a person may choose.
pub const MIN_PASSWORD_LENGTH: usize = 12;

static COMMON: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| include_str!("../../data/common-passwords.txt").lines().filter(|l| !l.is_empty()).collect());

/// Checks a new password against the rules; the message is shown to the person choosing it.
pub fn check_new_password(password: &str) -> Result<(), Text> {
    if password.chars().count() < MIN_PASSWORD_LENGTH {
        return Err(Text::new("password-too-short").with("min", MIN_PASSWORD_LENGTH));
    }
    if password.trim().is_empty() {
        return Err(Text::new("password-blank"));
    }
    let lower = password.to_lowercase();
    let core = lower.trim_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation() || c.is_whitespace());
    if COMMON.contains(lower.as_str()) || (!core.is_empty() && COMMON.contains(core)) {
        return Err(Text::new("password-common"));
    }
    if repeats(&lower) || runs_in_order(&lower) {
        return Err(Text::new("password-pattern"));
    }
    Ok(())
}

/// Whether the password is one short piece (up to four characters) said over and over.
fn repeats(password: &str) -> bool {
    let chars: Vec<char> = password.chars().collect();
    (1..=4).any(|n| chars.len() % n == 0 && chars.chunks(n).all(|c| c == &chars[..n]))
}

/// Whether every character follows the one before it by one step, up or down ("abcdef",
/// "987654"), or along a row of the keyboard ("qwertyuiop", "asdfghjkl").
fn runs_in_order(password: &str) -> bool {
    const ROWS: [&str; 4] = ["1234567890", "qwertyuiopå", "asdfghjklöä", "zxcvbnm"];
    let chars: Vec<char> = password.chars().collect();
    let stepwise = |step: i32| chars.windows(2).all(|w| w[1] as i32 - w[0] as i32 == step);
    let on_a_row = ROWS.iter().any(|row| {
        let doubled = format!("{row}{row}");
        let reversed: String = doubled.chars().rev().collect();
        doubled.contains(password) || reversed.contains(password)
    });
    stepwise(1) || stepwise(-1) || on_a_row
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_passphrases_pass() {
        for ok in [
            "en lång lösenfras",
            "korrekt häst batteri häftklammer",
            "Tåget går 07.42 från Umeå",
            "mottagning i höst 2026",
        ] {
            assert_eq!(check_new_password(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn short_blank_common_and_patterned_passwords_are_refused_with_the_reason() {
        let key = |p: &str| check_new_password(p).unwrap_err().key.into_owned();
        assert_eq!(key("kort"), "password-too-short");
        assert_eq!(key("            "), "password-blank");
        for common in [
            "qwerty123456",
            "1qaz2wsx3edc",
            "Password1234",
            "password1234!",
            "Lösenord2026!",
            "!!Welcome123",
            "sommar123456",
        ] {
            assert_eq!(key(common), "password-common", "{common}");
        }
        for pattern in ["aaaaaaaaaaaa", "abcabcabcabc", "123456789012", "abcdefghijkl", "lkjihgfedcba", "poiuytrewqåp"]
        {
            assert_eq!(key(pattern), "password-pattern", "{pattern}");
        }
    }
}
