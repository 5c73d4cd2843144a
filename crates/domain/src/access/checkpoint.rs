//! Checkpoints of the access log's chain: its length and last hash at a moment, signed with a
//! key that is not in the database. The chain alone shows a row changed in place; someone who
//! can write the database can also cut off its end and reset the head, or compute every hash
//! again with the public formula. A checkpoint kept outside the database, signed with a secret
//! the database does not hold, pins the chain up to it: a shorter or recomputed chain no longer
//! matches (ADR 0006).

use chrono::{DateTime, NaiveDateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::text::Text;

/// What a checkpoint line starts with, and the version of what is signed.
const MARK: &str = "etablera-checkpoint v1";

/// The shortest key accepted: as long as the hash (RFC 2104 advises no shorter).
pub const MIN_KEY_BYTES: usize = 32;

/// The secret that signs checkpoints. It is read from a file the database does not hold; it is
/// never shown.
#[derive(Clone)]
pub struct CheckpointKey(Vec<u8>);

impl std::fmt::Debug for CheckpointKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CheckpointKey(hidden)")
    }
}

impl CheckpointKey {
    /// A key file's text: at least 32 bytes written as hex (what `etablera audit key` writes),
    /// surrounding white space ignored.
    pub fn from_file_text(text: &str) -> Result<CheckpointKey, Text> {
        let bytes = hex::decode(text.trim()).map_err(|_| Text::new("checkpoint-key-not-hex"))?;
        if bytes.len() < MIN_KEY_BYTES {
            return Err(Text::new("checkpoint-key-short").with("min", MIN_KEY_BYTES));
        }
        Ok(CheckpointKey(bytes))
    }

    fn mac(&self, rows: i32, head_hash: &str, at: NaiveDateTime) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(signed_text(rows, head_hash, at).as_bytes());
        mac
    }

    /// Signs the chain as it stands: `rows` rows, the last with `head_hash`, at `at`.
    pub fn sign(&self, rows: i32, head_hash: &str, at: NaiveDateTime) -> Checkpoint {
        let at = chrono::SubsecRound::trunc_subsecs(at, 0);
        let signature = hex::encode(self.mac(rows, head_hash, at).finalize().into_bytes());
        Checkpoint { rows, head_hash: head_hash.to_owned(), at, signature }
    }

    /// Whether the checkpoint was signed with this key, as it reads (compared in constant time).
    pub fn signed(&self, checkpoint: &Checkpoint) -> bool {
        let Ok(signature) = hex::decode(&checkpoint.signature) else { return false };
        self.mac(checkpoint.rows, &checkpoint.head_hash, checkpoint.at).verify_slice(&signature).is_ok()
    }
}

fn signed_text(rows: i32, head_hash: &str, at: NaiveDateTime) -> String {
    format!("{MARK};{rows};{head_hash};{}", at.format("%Y-%m-%dT%H:%M:%SZ"))
}

/// The chain at a moment: how many rows it had (ids 1 to `rows`), the last row's hash, and the
/// signature over them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub rows: i32,
    pub head_hash: String,
    /// When it was taken, in UTC to the second.
    pub at: NaiveDateTime,
    pub signature: String,
}

impl Checkpoint {
    /// One line of the checkpoint file, as printed for the operator to keep.
    pub fn line(&self) -> String {
        format!(
            "{MARK} rows={} head={} at={} mac={}",
            self.rows,
            self.head_hash,
            self.at.format("%Y-%m-%dT%H:%M:%SZ"),
            self.signature
        )
    }

    /// Reads a line written by [`Checkpoint::line`]; the reason if it is not one.
    pub fn parse(line: &str) -> Result<Checkpoint, Text> {
        let bad = || Text::new("checkpoint-line-bad");
        let rest = line.trim().strip_prefix(MARK).ok_or_else(bad)?;
        let mut fields = rest.split_whitespace();
        let mut take = |name: &str| fields.next().and_then(|f| f.strip_prefix(name)).and_then(|f| f.strip_prefix('='));
        let rows = take("rows").and_then(|v| v.parse::<i32>().ok()).filter(|r| *r >= 0).ok_or_else(bad)?;
        let head_hash = take("head").filter(|h| is_hash(h)).ok_or_else(bad)?.to_owned();
        let at = take("at").and_then(|v| DateTime::parse_from_rfc3339(v).ok()).ok_or_else(bad)?;
        let signature = take("mac").filter(|h| is_hash(h)).ok_or_else(bad)?.to_owned();
        if fields.next().is_some() {
            return Err(bad());
        }
        Ok(Checkpoint { rows, head_hash, at: at.with_timezone(&Utc).naive_utc(), signature })
    }
}

fn is_hash(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The checkpoints of a file, each signature checked with `key`. A line that is not a
/// checkpoint, or whose signature does not hold, is named by its number: it cannot be trusted,
/// and a verification that met one does not say the chain is whole.
pub fn read_file(text: &str, key: &CheckpointKey) -> Result<Vec<Checkpoint>, Text> {
    let mut checkpoints = Vec::new();
    for (number, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let checkpoint = Checkpoint::parse(line)
            .map_err(|e| Text::new("checkpoint-line").with("line", number + 1).with_text("reason", e))?;
        if !key.signed(&checkpoint) {
            return Err(Text::new("checkpoint-line")
                .with("line", number + 1)
                .with_text("reason", Text::new("checkpoint-signature-bad")));
        }
        checkpoints.push(checkpoint);
    }
    Ok(checkpoints)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> CheckpointKey {
        CheckpointKey::from_file_text(&"ab".repeat(32)).unwrap()
    }

    fn at() -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 6).unwrap().and_hms_micro_opt(15, 4, 5, 678_000).unwrap()
    }

    #[test]
    fn a_line_reads_back_as_written_and_its_signature_holds() {
        let checkpoint = key().sign(41, &"c".repeat(64), at());
        assert_eq!(checkpoint.at.to_string(), "2026-12-06 15:04:05");
        let line = checkpoint.line();
        assert!(line.starts_with("etablera-checkpoint v1 rows=41 head=ccc"), "{line}");
        let read = Checkpoint::parse(&line).unwrap();
        assert_eq!(read, checkpoint);
        assert!(key().signed(&read));
        assert_eq!(read_file(&format!("{line}\n\n"), &key()).unwrap(), vec![checkpoint]);
    }

    #[test]
    fn a_changed_count_hash_time_or_key_breaks_the_signature() {
        let checkpoint = key().sign(41, &"c".repeat(64), at());
        for changed in [
            Checkpoint { rows: 40, ..checkpoint.clone() },
            Checkpoint { head_hash: "d".repeat(64), ..checkpoint.clone() },
            Checkpoint { at: at() + chrono::Duration::seconds(1), ..checkpoint.clone() },
        ] {
            assert!(!key().signed(&changed), "{changed:?}");
        }
        let other = CheckpointKey::from_file_text(&"cd".repeat(32)).unwrap();
        assert!(!other.signed(&checkpoint));
        let error = read_file(&checkpoint.line().replace("rows=41", "rows=40"), &key()).unwrap_err();
        assert_eq!(error.key, "checkpoint-line");
    }

    #[test]
    fn keys_and_lines_that_are_not_are_refused() {
        assert_eq!(CheckpointKey::from_file_text("abc").unwrap_err().key, "checkpoint-key-not-hex");
        assert_eq!(CheckpointKey::from_file_text(&"ab".repeat(16)).unwrap_err().key, "checkpoint-key-short");
        assert!(format!("{:?}", key()).contains("hidden"));
        for line in [
            "",
            "rows=1",
            "etablera-checkpoint v1 rows=-1 head=x at=2026-12-06T15:04:05Z mac=y",
            &key().sign(1, &"c".repeat(64), at()).line().replace(" mac=", " extra=1 mac="),
            &format!("{} trailing", key().sign(1, &"c".repeat(64), at()).line()),
        ] {
            assert!(Checkpoint::parse(line).is_err(), "{line}");
        }
    }
}
