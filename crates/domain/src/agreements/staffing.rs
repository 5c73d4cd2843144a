//! The executor's staffing in full-time posts (the order's 2,5), and the caseload per post.

/// Posts in hundredths (2,5 posts is 250) as people write them: "2,5", "3", "0,75".
pub fn posts_text(hundredths: u32) -> String {
    let (whole, part) = (hundredths / 100, hundredths % 100);
    match part {
        0 => whole.to_string(),
        p if p % 10 == 0 => format!("{whole},{}", p / 10),
        p => format!("{whole},{p:02}"),
    }
}

/// The most posts a staffing may have, in hundredths (1 000 posts).
pub const MAX_POSTS_HUNDREDTHS: u32 = 100_000;

/// Posts as typed ("2,5", "2.5", "3"), in hundredths; at most two decimals, more than zero and
/// at most [`MAX_POSTS_HUNDREDTHS`].
pub fn parse_posts(text: &str) -> Option<u32> {
    let text = text.trim().replace('.', ",");
    let (whole, part) = text.split_once(',').unwrap_or((&text, ""));
    if part.len() > 2
        || whole.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !part.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let whole: u32 = whole.parse().ok()?;
    let part: u32 = if part.is_empty() { 0 } else { format!("{part:0<2}").parse().ok()? };
    let hundredths = whole.checked_mul(100)?.checked_add(part)?;
    (1..=MAX_POSTS_HUNDREDTHS).contains(&hundredths).then_some(hundredths)
}

/// Persons per full-time post, in tenths, rounded to the nearest (82 persons on 2,5 posts is
/// 32,8: 328).
pub fn per_post_tenths(persons: u32, hundredths: u32) -> u32 {
    let exact = u64::from(persons) * 1000;
    ((exact + u64::from(hundredths) / 2) / u64::from(hundredths.max(1))) as u32
}

/// Tenths as people write them: "32,8".
pub fn tenths_text(tenths: u32) -> String {
    format!("{},{}", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posts_are_read_and_written_the_swedish_way() {
        assert_eq!(parse_posts("2,5"), Some(250));
        assert_eq!(parse_posts("2.5"), Some(250));
        assert_eq!(parse_posts("3"), Some(300));
        assert_eq!(parse_posts("0,75"), Some(75));
        assert_eq!(parse_posts("1000"), Some(MAX_POSTS_HUNDREDTHS));
        for bad in ["", "0", "2,555", "-1", "två", ",5", "1000,01", "42949673"] {
            assert_eq!(parse_posts(bad), None, "{bad}");
        }
        assert_eq!(posts_text(250), "2,5");
        assert_eq!(posts_text(300), "3");
        assert_eq!(posts_text(75), "0,75");
    }

    #[test]
    fn caseload_per_post() {
        assert_eq!(tenths_text(per_post_tenths(82, 250)), "32,8");
        assert_eq!(tenths_text(per_post_tenths(1, 300)), "0,3");
        assert_eq!(per_post_tenths(0, 250), 0);
    }
}
