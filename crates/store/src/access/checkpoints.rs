//! The checkpoint file: the access log's signed checkpoints, kept outside the database, one
//! line each, and the key that signs them (ADR 0006). The server adds one now and then; the
//! command line adds one on demand and verifies against them.

use std::io::Write;
use std::path::{Path, PathBuf};

use etablera_domain::access::checkpoint::{self, Checkpoint, CheckpointKey};
use etablera_domain::text::Text;

use super::Actor;
use super::log::{self, Break};
use crate::{DbConn, Result};

/// Where checkpoints are kept and the key that signs them.
#[derive(Debug, Clone)]
pub struct CheckpointFile {
    pub path: PathBuf,
    pub key: CheckpointKey,
}

/// What taking a checkpoint came to.
#[derive(Debug)]
pub enum Taken {
    /// Signed and added to the file.
    Added(Checkpoint),
    /// The chain has not grown since the last checkpoint.
    Unchanged(Checkpoint),
    /// The chain does not hold, so it was not signed.
    Broken(Break),
}

impl CheckpointFile {
    /// Reads the key from `key_path` (hex, as `etablera audit key` writes it) for checkpoints
    /// kept in `path`.
    pub fn open(path: &Path, key_path: &Path) -> std::result::Result<CheckpointFile, Text> {
        let text = std::fs::read_to_string(key_path)
            .map_err(|e| Text::new("checkpoint-key-unreadable").with("path", key_path.display()).with("error", e))?;
        Ok(CheckpointFile { path: path.to_owned(), key: CheckpointKey::from_file_text(&text)? })
    }

    /// Every checkpoint in the file, each signature checked. No file yet means none.
    pub fn read(&self) -> std::result::Result<Vec<Checkpoint>, Text> {
        match std::fs::read_to_string(&self.path) {
            Ok(text) => checkpoint::read_file(&text, &self.key),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(Text::new("checkpoint-file-unreadable").with("path", self.path.display()).with("error", e)),
        }
    }

    /// Verifies the chain from its last checkpoint on, signs it as it stands and adds the line to
    /// the file, on disk before it returns. A file that cannot be trusted is an error: nothing is
    /// signed on top of it.
    pub fn take(&self, conn: &mut DbConn, actor: &Actor) -> Result<std::result::Result<Taken, Text>> {
        let existing = match self.read() {
            Ok(existing) => existing,
            Err(e) => return Ok(Err(e)),
        };
        let last = existing.iter().max_by_key(|c| c.rows);
        let checkpoint = match log::checkpoint(conn, actor, &self.key, last)? {
            Ok(checkpoint) => checkpoint,
            Err(b) => return Ok(Ok(Taken::Broken(b))),
        };
        if let Some(last) = last.filter(|last| last.rows == checkpoint.rows) {
            return Ok(Ok(Taken::Unchanged(last.clone())));
        }
        if let Err(e) = self.append(&checkpoint) {
            return Ok(Err(Text::new("checkpoint-file-unwritable").with("path", self.path.display()).with("error", e)));
        }
        Ok(Ok(Taken::Added(checkpoint)))
    }

    fn append(&self, checkpoint: &Checkpoint) -> std::io::Result<()> {
        let mut file = std::fs::OpenOptions::new().create(true).append(true).open(&self.path)?;
        writeln!(file, "{}", checkpoint.line())?;
        file.sync_all()
    }
}
