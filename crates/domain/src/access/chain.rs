//! The access log's hash chain: each row's hash covers its fields and the previous row's hash,
//! so a changed, removed or inserted row breaks every hash after it.

use chrono::NaiveDateTime;
use sha2::{Digest, Sha256};

/// The previous hash of the first row.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One row of the access log: who did what to which record, never the data itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessLogEntry {
    pub id: i32,
    pub at: NaiveDateTime,
    pub actor_user_id: Option<i32>,
    pub action: String,
    pub record_kind: String,
    pub record_id: Option<String>,
    pub municipality_code: Option<String>,
    pub request_id: Option<String>,
    pub client_address: Option<String>,
}

/// SHA-256 over the previous hash and the entry's fields, hex encoded.
///
/// Fields are length-prefixed so that no two different entries share an input.
pub fn chain_hash(prev_hash: &str, entry: &AccessLogEntry) -> String {
    let mut hasher = Sha256::new();
    let mut field = |value: Option<&str>| match value {
        None => hasher.update(b"-;"),
        Some(v) => {
            hasher.update(v.len().to_string().as_bytes());
            hasher.update(b":");
            hasher.update(v.as_bytes());
            hasher.update(b";");
        }
    };
    field(Some(prev_hash));
    field(Some(&entry.id.to_string()));
    field(Some(&time_text(entry.at)));
    field(entry.actor_user_id.map(|id| id.to_string()).as_deref());
    field(Some(&entry.action));
    field(Some(&entry.record_kind));
    field(entry.record_id.as_deref());
    field(entry.municipality_code.as_deref());
    field(entry.request_id.as_deref());
    field(entry.client_address.as_deref());
    hex::encode(hasher.finalize())
}

/// The time as `%Y-%m-%dT%H:%M:%S%.6f` writes it, without parsing that format for every row
/// (an import hashes a row for each of its records, and the parsing was a tenth of it).
fn time_text(at: NaiveDateTime) -> String {
    use chrono::Timelike;
    let time = at.time();
    format!(
        "{}T{:02}:{:02}:{:02}.{:06}",
        at.date(),
        time.hour(),
        time.minute(),
        // A leap second is written as second 60.
        time.second() + time.nanosecond() / 1_000_000_000,
        time.nanosecond() % 1_000_000_000 / 1_000
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> AccessLogEntry {
        AccessLogEntry {
            id: 1,
            at: chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap().and_hms_micro_opt(8, 0, 0, 123_456).unwrap(),
            actor_user_id: Some(7),
            action: "login".into(),
            record_kind: "user".into(),
            record_id: Some("7".into()),
            municipality_code: None,
            request_id: Some("r1".into()),
            client_address: Some("127.0.0.1".into()),
        }
    }

    #[test]
    fn hash_is_stable_and_depends_on_every_field_and_the_previous_hash() {
        let base = chain_hash(GENESIS_HASH, &entry());
        assert_eq!(base, chain_hash(GENESIS_HASH, &entry()));
        assert_eq!(base.len(), 64);
        assert_ne!(base, chain_hash(&base, &entry()));
        let changes: Vec<Box<dyn Fn(&mut AccessLogEntry)>> = vec![
            Box::new(|e| e.id = 2),
            Box::new(|e| e.at += chrono::Duration::microseconds(1)),
            Box::new(|e| e.actor_user_id = None),
            Box::new(|e| e.action = "logout".into()),
            Box::new(|e| e.record_kind = "person".into()),
            Box::new(|e| e.record_id = None),
            Box::new(|e| e.municipality_code = Some("0117".into())),
            Box::new(|e| e.request_id = Some("r2".into())),
            Box::new(|e| e.client_address = None),
        ];
        for change in changes {
            let mut e = entry();
            change(&mut e);
            assert_ne!(chain_hash(GENESIS_HASH, &e), base);
        }
    }

    #[test]
    fn the_time_is_hashed_as_its_format_writes_it() {
        let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        for at in [
            day(2026, 11, 24).and_hms_micro_opt(8, 0, 0, 123_456).unwrap(),
            day(2026, 1, 2).and_hms_micro_opt(23, 59, 59, 999_999).unwrap(),
            day(987, 12, 31).and_hms_micro_opt(0, 0, 0, 0).unwrap(),
            day(2016, 12, 31).and_hms_micro_opt(23, 59, 59, 1_500_000).unwrap(),
        ] {
            assert_eq!(time_text(at), at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string());
        }
    }

    #[test]
    fn absent_and_empty_fields_hash_differently() {
        let mut a = entry();
        a.record_id = None;
        let mut b = entry();
        b.record_id = Some(String::new());
        assert_ne!(chain_hash(GENESIS_HASH, &a), chain_hash(GENESIS_HASH, &b));
    }
}
