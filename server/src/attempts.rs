//! Sign-in attempt limits, per client address and per user name, with growing delays.
//!
//! Each key has a few attempts free (`USER_FREE` per name, `CLIENT_FREE` per address:
//! people behind one NAT share it). Every attempt past those makes the next one wait,
//! 1 s, 2 s, 4 s, ... up to `MAX_DELAY_S`; an attempt that comes too early is refused
//! without checking the password (429 with `Retry-After`), so the wait cannot be
//! skipped. An attempt is counted when it starts, before the password is checked, so
//! parallel guesses count too; a successful sign-in clears both keys. A key forgets its
//! attempts after `FORGET_S` seconds of quiet. Counts live in this instance's memory.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

/// Attempts per user name before delays start.
pub const USER_FREE: u32 = 5;
/// Attempts per client address before delays start.
pub const CLIENT_FREE: u32 = 20;
/// The longest wait between two attempts, in seconds.
pub const MAX_DELAY_S: i64 = 15 * 60;
/// Quiet time after which a key starts afresh, in seconds.
pub const FORGET_S: i64 = 3600;
/// Keys kept before the quiet ones are dropped.
const PRUNE_AT: usize = 50_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Client(IpAddr),
    User(String),
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    attempts: u32,
    last: i64,
    blocked_until: i64,
}

/// The wait after the `excess`-th attempt past the free ones: 1, 2, 4, ... s, capped.
pub fn delay_after(excess: u32) -> i64 {
    if excess == 0 {
        return 0;
    }
    1_i64
        .checked_shl(excess.saturating_sub(1).min(30))
        .unwrap_or(MAX_DELAY_S)
        .min(MAX_DELAY_S)
}

/// Counts sign-in attempts.
#[derive(Debug, Default)]
pub struct AttemptLimiter {
    entries: Mutex<HashMap<Key, Entry>>,
}

impl AttemptLimiter {
    /// A limiter with nothing counted.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts an attempt at `now` for `user` from `client`: `Ok` to go on and check the
    /// password, or `Err(seconds)` to wait before the next one.
    pub fn begin(&self, client: IpAddr, user: &str, now: i64) -> Result<(), u64> {
        let keys = [
            (Key::Client(client), CLIENT_FREE),
            (Key::User(user_key(user)), USER_FREE),
        ];
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= PRUNE_AT {
            entries.retain(|_, e| now - e.last < FORGET_S || e.blocked_until > now);
        }
        let mut wait = 0;
        for (key, _) in &keys {
            if let Some(e) = entries.get(key) {
                if now - e.last >= FORGET_S && e.blocked_until <= now {
                    entries.remove(key);
                } else if e.blocked_until > now {
                    wait = wait.max(e.blocked_until - now);
                }
            }
        }
        if wait > 0 {
            return Err(u64::try_from(wait).unwrap_or(1));
        }
        for (key, free) in keys {
            let e = entries.entry(key).or_insert(Entry {
                attempts: 0,
                last: now,
                blocked_until: now,
            });
            e.attempts = e.attempts.saturating_add(1);
            e.last = now;
            if e.attempts > free {
                e.blocked_until = now + delay_after(e.attempts - free);
            }
        }
        Ok(())
    }

    /// A sign-in succeeded: both keys start afresh.
    pub fn succeeded(&self, client: IpAddr, user: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.remove(&Key::Client(client));
        entries.remove(&Key::User(user_key(user)));
    }
}

/// Names are counted case-insensitively and cut to a bounded length, so variants of one
/// name share a count and junk names cannot take much memory.
fn user_key(user: &str) -> String {
    user.chars().take(64).collect::<String>().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1));
    const B: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 2));

    #[test]
    fn delays_grow_and_are_capped() {
        let got: Vec<i64> = (0..6).map(delay_after).collect();
        assert_eq!(got, [0, 1, 2, 4, 8, 16]);
        assert_eq!(delay_after(11), 900);
        assert_eq!(delay_after(u32::MAX), MAX_DELAY_S);
    }

    #[test]
    fn per_user_attempts_then_growing_waits() {
        let l = AttemptLimiter::new();
        let t = 1_000_000;
        for _ in 0..USER_FREE {
            assert_eq!(l.begin(A, "alice", t), Ok(()));
        }
        // The 6th goes ahead and makes the next wait 1 s; the 7th waits 2 s after that.
        assert_eq!(l.begin(A, "alice", t), Ok(()));
        assert_eq!(l.begin(B, "ALICE", t), Err(1), "another address, same name");
        assert_eq!(l.begin(A, "alice", t + 1), Ok(()));
        assert_eq!(l.begin(A, "alice", t + 2), Err(1));
        assert_eq!(l.begin(A, "alice", t + 3), Ok(()));
        assert_eq!(l.begin(A, "alice", t + 3), Err(4));
        // Other names from another address are not held up.
        assert_eq!(l.begin(B, "bob", t + 3), Ok(()));
        // Success clears; quiet time forgets.
        l.succeeded(A, "alice");
        assert_eq!(l.begin(A, "alice", t + 3), Ok(()));
        let l = AttemptLimiter::new();
        for _ in 0..=USER_FREE {
            assert!(l.begin(A, "carol", t).is_ok());
        }
        assert!(l.begin(A, "carol", t).is_err());
        assert!(l.begin(A, "carol", t + FORGET_S).is_ok());
    }

    #[test]
    fn per_client_attempts_across_names() {
        let l = AttemptLimiter::new();
        let t = 5_000;
        for i in 0..=CLIENT_FREE {
            assert_eq!(l.begin(A, &format!("user{i}"), t), Ok(()), "{i}");
        }
        assert_eq!(l.begin(A, "someone-else", t), Err(1));
        assert_eq!(l.begin(B, "someone-else", t), Ok(()));
    }
}
