//! The users file of the built-in sign-in: one line per user,
//! `NAME:GENERATION:ARGON2ID-PHC-HASH`, written by `dashboard-server user ...`.
//!
//! The generation goes into every session of that user; `user passwd` and
//! `user remove` raise it, so every session signed before ends on every instance as soon
//! as each one sees the new file. A removed user stays as a tombstone `NAME:GENERATION:!`,
//! so a name added again starts past every session it ever had.
//!
//! `UserStore` is what `serve` reads: it checks the file's identity (inode, size,
//! modification time; one `stat` call) on every request that needs a user and re-reads
//! it when it changed. The `user` command replaces the file by renaming a new one over
//! it, so a change is always seen whole and always changes the inode.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Shortest password `user add` and `user passwd` accept, in characters.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longest password accepted anywhere, in bytes (hashing cost is bounded).
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// Longest user name.
pub const MAX_NAME_CHARS: usize = 64;
/// Marks a removed user in place of the hash.
const TOMBSTONE: &str = "!";

/// What can go wrong with users and their file.
#[derive(Debug, thiserror::Error)]
pub enum UsersError {
    /// A user name breaks the rules.
    #[error(
        "a user name is 1 to {MAX_NAME_CHARS} letters, digits, '.', '_', '-' or '@', got '{0}'"
    )]
    BadName(String),
    /// A line of the file cannot be read.
    #[error("{path} line {line}: {why}")]
    BadLine {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        why: String,
    },
    /// `user add` for a name that exists.
    #[error("user '{0}' exists already (use `user passwd` to change the password)")]
    Exists(String),
    /// `passwd`/`remove` for a name that does not exist.
    #[error("there is no user '{0}'")]
    NoSuchUser(String),
    /// The password breaks the rules.
    #[error("{0}")]
    BadPassword(String),
    /// The file could not be read or written.
    #[error("{what} {path}: {source}")]
    Io {
        /// What was being done.
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// Hashing failed (should not happen with the default parameters).
    #[error("cannot hash the password: {0}")]
    Hash(String),
}

/// One line of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    /// The user name.
    pub name: String,
    /// Raised by every password change and removal; sessions carry it.
    pub generation: u64,
    /// The argon2id PHC string, or `None` for a removed user.
    pub hash: Option<String>,
}

impl UserRecord {
    /// Not removed.
    pub fn is_active(&self) -> bool {
        self.hash.is_some()
    }
}

/// The whole file, in its order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UsersFile {
    records: Vec<UserRecord>,
}

/// Checks a user name: 1–64 of `A–Z a–z 0–9 . _ - @`.
pub fn validate_name(name: &str) -> Result<(), UsersError> {
    let ok = !name.is_empty()
        && name.chars().count() <= MAX_NAME_CHARS
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(())
    } else {
        Err(UsersError::BadName(name.chars().take(80).collect()))
    }
}

/// Checks a new password's length.
pub fn validate_password(password: &str) -> Result<(), UsersError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(UsersError::BadPassword(format!(
            "the password must have at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(UsersError::BadPassword(format!(
            "the password must have at most {MAX_PASSWORD_BYTES} bytes"
        )));
    }
    Ok(())
}

/// An argon2id hash of `password` with a fresh random salt and the crate's default
/// parameters (19 MiB, 2 passes, 1 lane: OWASP's recommendation).
pub fn hash_password(password: &str) -> Result<String, UsersError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| UsersError::Hash(e.to_string()))
}

/// Does `password` match the PHC string `hash`? (argon2's own comparison is
/// constant-time.) A malformed hash never matches.
pub fn verify_password(hash: &str, password: &str) -> bool {
    if password.len() > MAX_PASSWORD_BYTES {
        return false;
    }
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

impl UsersFile {
    /// Parses the file's text; `path` only names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Self, UsersError> {
        let bad = |line: usize, why: String| UsersError::BadLine {
            path: path.to_path_buf(),
            line,
            why,
        };
        let mut records: Vec<UserRecord> = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut parts = line.splitn(3, ':');
            let (Some(name), Some(generation), Some(hash)) =
                (parts.next(), parts.next(), parts.next())
            else {
                return Err(bad(i + 1, "expected NAME:GENERATION:HASH".into()));
            };
            validate_name(name).map_err(|e| bad(i + 1, e.to_string()))?;
            let generation: u64 = generation
                .parse()
                .map_err(|_| bad(i + 1, "the generation must be a whole number".into()))?;
            let hash = if hash == TOMBSTONE {
                None
            } else {
                let parsed = PasswordHash::new(hash)
                    .map_err(|e| bad(i + 1, format!("not a password hash ({e})")))?;
                if parsed.algorithm.as_str() != "argon2id" {
                    return Err(bad(
                        i + 1,
                        format!(
                            "only argon2id hashes are accepted, got {}",
                            parsed.algorithm
                        ),
                    ));
                }
                Some(hash.to_string())
            };
            if records.iter().any(|r| r.name == name) {
                return Err(bad(i + 1, format!("user '{name}' appears twice")));
            }
            records.push(UserRecord {
                name: name.to_string(),
                generation,
                hash,
            });
        }
        Ok(UsersFile { records })
    }

    /// The file's text.
    pub fn render(&self) -> String {
        let mut out = String::from(
            "# dashboard-server users: NAME:GENERATION:ARGON2ID-HASH, one per line.\n\
             # Written by `dashboard-server user add|passwd|remove`; '!' marks a removed user.\n",
        );
        for r in &self.records {
            out.push_str(&format!(
                "{}:{}:{}\n",
                r.name,
                r.generation,
                r.hash.as_deref().unwrap_or(TOMBSTONE)
            ));
        }
        out
    }

    /// Reads the file; a missing file is an empty one when `missing_ok`.
    pub fn load(path: &Path, missing_ok: bool) -> Result<Self, UsersError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text, path),
            Err(e) if missing_ok && e.kind() == std::io::ErrorKind::NotFound => {
                Ok(UsersFile::default())
            }
            Err(source) => Err(UsersError::Io {
                what: "cannot read the users file",
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    /// Writes the file: a new file (mode 600) beside it, renamed over it.
    pub fn save(&self, path: &Path) -> Result<(), UsersError> {
        use std::io::Write;
        let io = |what, source| UsersError::Io {
            what,
            path: path.to_path_buf(),
            source,
        };
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "users".into());
        let tmp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options
            .open(&tmp)
            .map_err(|e| io("cannot create a file beside", e))?;
        let written = file
            .write_all(self.render().as_bytes())
            .and_then(|()| file.sync_all());
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(io("cannot write", e));
        }
        std::fs::rename(&tmp, path).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            io("cannot replace", e)
        })
    }

    /// The active user called `name`.
    pub fn get(&self, name: &str) -> Option<&UserRecord> {
        self.records
            .iter()
            .find(|r| r.name == name && r.is_active())
    }

    /// Every record, removed ones included.
    pub fn records(&self) -> &[UserRecord] {
        &self.records
    }

    /// Number of active users.
    pub fn active_count(&self) -> usize {
        self.records.iter().filter(|r| r.is_active()).count()
    }

    /// Adds a user (a removed one comes back one generation past its tombstone).
    pub fn add(&mut self, name: &str, hash: String) -> Result<u64, UsersError> {
        validate_name(name)?;
        match self.records.iter_mut().find(|r| r.name == name) {
            Some(r) if r.is_active() => Err(UsersError::Exists(name.into())),
            Some(r) => {
                r.generation += 1;
                r.hash = Some(hash);
                Ok(r.generation)
            }
            None => {
                self.records.push(UserRecord {
                    name: name.into(),
                    generation: 1,
                    hash: Some(hash),
                });
                Ok(1)
            }
        }
    }

    /// Replaces a user's hash and raises the generation (ending its sessions).
    pub fn set_password(&mut self, name: &str, hash: String) -> Result<u64, UsersError> {
        let r = self.active_mut(name)?;
        r.generation += 1;
        r.hash = Some(hash);
        Ok(r.generation)
    }

    /// Removes a user, keeping a tombstone with a raised generation.
    pub fn remove(&mut self, name: &str) -> Result<u64, UsersError> {
        let r = self.active_mut(name)?;
        r.generation += 1;
        r.hash = None;
        Ok(r.generation)
    }

    fn active_mut(&mut self, name: &str) -> Result<&mut UserRecord, UsersError> {
        self.records
            .iter_mut()
            .find(|r| r.name == name && r.is_active())
            .ok_or_else(|| UsersError::NoSuchUser(name.into()))
    }
}

/// Identity of the file on disk, to notice a change with one `stat`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Fingerprint {
    len: u64,
    modified: Option<std::time::SystemTime>,
    #[cfg(unix)]
    inode: (u64, u64),
}

fn fingerprint(path: &Path) -> std::io::Result<Fingerprint> {
    let meta = std::fs::metadata(path)?;
    Ok(Fingerprint {
        len: meta.len(),
        modified: meta.modified().ok(),
        #[cfg(unix)]
        inode: {
            use std::os::unix::fs::MetadataExt;
            (meta.dev(), meta.ino())
        },
    })
}

/// The users file as `serve` sees it, re-read whenever it changes on disk.
pub struct UserStore {
    path: PathBuf,
    state: Mutex<(Option<Fingerprint>, Arc<UsersFile>)>,
    /// Verified against when the name is unknown, so that case costs the same time.
    dummy_hash: String,
}

impl std::fmt::Debug for UserStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserStore")
            .field("path", &self.path)
            .finish()
    }
}

impl UserStore {
    /// Opens the file, which must exist and parse.
    pub fn open(path: &Path) -> Result<Self, UsersError> {
        let print = fingerprint(path).map_err(|source| UsersError::Io {
            what: "cannot read the users file",
            path: path.to_path_buf(),
            source,
        })?;
        let file = UsersFile::load(path, false)?;
        Ok(UserStore {
            path: path.to_path_buf(),
            state: Mutex::new((Some(print), Arc::new(file))),
            dummy_hash: hash_password("not a password of anyone's")?,
        })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The users as the file says now. A file that became unreadable or invalid counts
    /// as empty (nobody signs in, every session ends) until it is fixed: failing closed
    /// is what a removal needs.
    pub fn current(&self) -> Arc<UsersFile> {
        let now = fingerprint(&self.path).ok();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if now.is_some() && state.0 == now {
            return state.1.clone();
        }
        let file = match UsersFile::load(&self.path, false) {
            Ok(file) => {
                tracing::info!(
                    "users file {} re-read: {} users",
                    self.path.display(),
                    file.active_count()
                );
                file
            }
            Err(e) => {
                if state.0.is_some() {
                    tracing::error!(
                        "users file unusable, nobody can sign in until it is fixed: {e}"
                    );
                }
                UsersFile::default()
            }
        };
        *state = (now, Arc::new(file));
        state.1.clone()
    }

    /// Checks a sign-in: the user's generation if `name` exists and `password` matches.
    /// An unknown name is verified against a dummy hash, so it takes as long. Blocking
    /// (tens of milliseconds of argon2): call it off the async workers.
    pub fn check_password(&self, name: &str, password: &str) -> Option<u64> {
        let users = self.current();
        match users.get(name) {
            Some(UserRecord {
                generation,
                hash: Some(hash),
                ..
            }) => verify_password(hash, password).then_some(*generation),
            _ => {
                let _ = verify_password(&self.dummy_hash, password);
                None
            }
        }
    }

    /// The current generation of an active user.
    pub fn generation(&self, name: &str) -> Option<u64> {
        self.current().get(name).map(|r| r.generation)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for ok in ["alice", "a.b-c_d@example.com", "X1"] {
            assert!(validate_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", "a:b", "a b", "ä", "a/b", &"x".repeat(65)] {
            assert!(validate_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn hash_verifies_only_its_password() {
        let h = hash_password("correct horse battery").unwrap_or_else(|e| panic!("{e}"));
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password(&h, "correct horse battery"));
        assert!(!verify_password(&h, "correct horse battery "));
        assert!(!verify_password("garbage", "x"));
    }

    #[test]
    fn add_passwd_remove_raise_the_generation() {
        let mut f = UsersFile::default();
        let h = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$iWh06vD8Fy27wf9npn6FXWiCX4K6pW6Ue1Bnzz07Z8A";
        assert_eq!(f.add("alice", h.into()).ok(), Some(1));
        assert!(matches!(
            f.add("alice", h.into()),
            Err(UsersError::Exists(_))
        ));
        assert_eq!(f.set_password("alice", h.into()).ok(), Some(2));
        assert_eq!(f.remove("alice").ok(), Some(3));
        assert!(f.get("alice").is_none());
        assert!(matches!(f.remove("alice"), Err(UsersError::NoSuchUser(_))));
        // Added again: past every generation it had.
        assert_eq!(f.add("alice", h.into()).ok(), Some(4));
        let path = Path::new("users");
        let text = f.render();
        assert_eq!(UsersFile::parse(&text, path).ok(), Some(f));
    }

    #[test]
    fn bad_lines_name_their_line() {
        let path = Path::new("users");
        let cases = [
            ("alice", "line 3", "expected NAME:GENERATION:HASH"),
            ("alice:x:!", "line 3", "whole number"),
            ("alice:1:plaintext", "line 3", "not a password hash"),
            ("a b:1:!", "line 3", "user name"),
            ("alice:1:!\nalice:2:!", "line 4", "appears twice"),
            (
                "alice:1:$argon2i$v=19$m=16,t=2,p=1$c29tZXNhbHQ$ZYpQ2Kw7t5ogUgNhq1ofaQ",
                "line 3",
                "only argon2id",
            ),
        ];
        for (text, line, why) in cases {
            let err = UsersFile::parse(&format!("# c\n\n{text}\n"), path)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains(line) && err.contains(why), "{text}: {err}");
        }
    }

    #[test]
    fn store_sees_a_replaced_file() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("users");
        let mut f = UsersFile::default();
        let h = hash_password("first password").unwrap_or_else(|e| panic!("{e}"));
        f.add("alice", h).unwrap_or_else(|e| panic!("{e}"));
        f.save(&path).unwrap_or_else(|e| panic!("{e}"));
        let store = UserStore::open(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(store.check_password("alice", "first password"), Some(1));
        assert_eq!(store.check_password("alice", "wrong password"), None);
        assert_eq!(store.check_password("bob", "first password"), None);
        f.remove("alice").unwrap_or_else(|e| panic!("{e}"));
        f.save(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(store.generation("alice"), None);
        // A broken file fails closed.
        std::fs::write(&path, "garbage").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(store.current().active_count(), 0);
    }
}
