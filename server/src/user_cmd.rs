//! `dashboard-server user add|passwd|remove|list`: edits the users file of `serve`'s
//! built-in sign-in.
//!
//! A password is read from the terminal without echo (asked twice), or, when standard
//! input is not a terminal, as its first line (`printf '%s\n' "$PW" | dashboard-server
//! user add alice --users-file users`), so scripts and tests need no terminal. It is
//! never taken from a flag, which would show in `ps` and shell history.

use crate::cli::{UserAction, UserArgs};
use crate::error::ServerError;
use crate::users::{self, UsersError, UsersFile};
use std::io::{BufRead, IsTerminal, Read};
use std::path::Path;

/// Reads a new password: twice from a terminal, or one line from standard input.
fn read_new_password(name: &str) -> Result<String, ServerError> {
    let password = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(format!("New password for {name}: "))
            .map_err(|e| ServerError::Config(format!("cannot read the password: {e}")))?;
        let again = rpassword::prompt_password("Repeat it: ")
            .map_err(|e| ServerError::Config(format!("cannot read the password: {e}")))?;
        if first != again {
            return Err(UsersError::BadPassword("the two passwords differ".into()).into());
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .take((users::MAX_PASSWORD_BYTES + 2) as u64)
            .read_line(&mut line)
            .map_err(|e| {
                ServerError::Config(format!("cannot read the password from standard input: {e}"))
            })?;
        line.strip_suffix('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .unwrap_or(&line)
            .to_string()
    };
    Ok(password)
}

/// A new password from `source`, checked against the rules.
fn new_password(
    name: &str,
    source: impl FnOnce(&str) -> Result<String, ServerError>,
) -> Result<String, ServerError> {
    let password = source(name)?;
    users::validate_password(&password)?;
    Ok(password)
}

/// Runs one `user` action; returns what to print.
pub fn run(args: &UserArgs) -> Result<String, ServerError> {
    let path = args
        .users_file
        .as_deref()
        .ok_or_else(|| ServerError::Config("which users file? pass --users-file PATH".into()))?;
    run_on(path, &args.action, read_new_password)
}

/// `run` with the password source given (tests pass a closure).
pub fn run_on(
    path: &Path,
    action: &UserAction,
    password: impl FnOnce(&str) -> Result<String, ServerError>,
) -> Result<String, ServerError> {
    let mut file = UsersFile::load(path, matches!(action, UserAction::Add { .. }))?;
    let message = match action {
        UserAction::List => {
            let mut out = String::new();
            for r in file.records().iter().filter(|r| r.is_active()) {
                out.push_str(&format!("{}\tgeneration {}\n", r.name, r.generation));
            }
            if out.is_empty() {
                out.push_str("no users\n");
            }
            return Ok(out);
        }
        UserAction::Add { name } => {
            users::validate_name(name)?;
            if file.get(name).is_some() {
                return Err(UsersError::Exists(name.clone()).into());
            }
            let hash = users::hash_password(&new_password(name, password)?)?;
            let generation = file.add(name, hash)?;
            format!(
                "added {name} (generation {generation}) to {}\n",
                path.display()
            )
        }
        UserAction::Passwd { name } => {
            if file.get(name).is_none() {
                return Err(UsersError::NoSuchUser(name.clone()).into());
            }
            let hash = users::hash_password(&new_password(name, password)?)?;
            let generation = file.set_password(name, hash)?;
            format!(
                "changed the password of {name} (generation {generation}); their sessions end \
                 on every instance\n"
            )
        }
        UserAction::Remove { name } => {
            let generation = file.remove(name)?;
            format!(
                "removed {name} (generation {generation}); their sessions end on every instance\n"
            )
        }
    };
    file.save(path)?;
    Ok(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_list_passwd_remove() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("users");
        let pw = |_: &str| Ok("a long enough password".to_string());
        let add = UserAction::Add {
            name: "alice".into(),
        };
        assert!(run_on(&path, &add, pw).is_ok());
        assert!(run_on(&path, &add, pw).is_err(), "exists");
        let short = |_: &str| Ok("short".to_string());
        let err = run_on(&path, &UserAction::Add { name: "bob".into() }, short);
        assert!(err.is_err_and(|e| e.to_string().contains("at least")));
        let list = run_on(&path, &UserAction::List, pw).unwrap_or_default();
        assert_eq!(list, "alice\tgeneration 1\n");
        assert!(run_on(
            &path,
            &UserAction::Passwd {
                name: "alice".into()
            },
            pw
        )
        .is_ok());
        assert!(run_on(
            &path,
            &UserAction::Remove {
                name: "alice".into()
            },
            pw
        )
        .is_ok());
        assert_eq!(
            run_on(&path, &UserAction::List, pw).unwrap_or_default(),
            "no users\n"
        );
        assert!(run_on(
            &path,
            &UserAction::Remove {
                name: "alice".into()
            },
            pw
        )
        .is_err());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).map(|m| m.permissions().mode() & 0o777);
            assert_eq!(mode.ok(), Some(0o600));
        }
    }
}
