//! Login throttling: how many failed logins a client address and an
//! account may have, and how long a login waits after them. Failures are
//! rows in the database (`Accounts::record_login_failure`), so every
//! replica applies the same limits, and the table holds an hour of them.
//!
//! Two counts, apart, because each stops what the other cannot:
//! - **By address**, over every email, an account's or not: a password
//!   spray from one address (one guess at each of many accounts) is
//!   stopped after [`ADDRESS_FAILURES`].
//! - **By account** (the email as typed, so an unknown email is answered
//!   exactly as a known one), over every address: guesses from many
//!   addresses at one account make it wait longer and longer, and the
//!   right password does not get through while it waits.
//!
//! One address alone counts for at most [`FAILURES_PER_ADDRESS`] of an
//! account's failures, so it cannot lock another user out: see that
//! constant for the bound. Behind a proxy, the address is the proxy's
//! unless the server trusts it (`labpath serve --trusted-proxy`).

use std::net::IpAddr;

use labpath_store::Accounts;
use labpath_store::accounts::{LoginFailure, LoginFailures};
use labpath_store::time::Timestamp;

use crate::{AppError, Kind};

// The numbers, all of them (docs/server.md repeats them).

/// How long a client address's failed logins count: 15 minutes.
pub const ADDRESS_WINDOW_SECONDS: i64 = 15 * 60;

/// Failed logins a client address may have in [`ADDRESS_WINDOW_SECONDS`],
/// whatever emails they name: from then on every login from it, right
/// password or not, is refused (429) until the oldest of them is older than
/// the window.
pub const ADDRESS_FAILURES: u32 = 10;

/// How long an account's failed logins count: 1 hour (long enough for the
/// waits to grow to [`MAX_WAIT_SECONDS`]).
pub const ACCOUNT_WINDOW_SECONDS: i64 = 60 * 60;

/// Failed logins of an account in [`ACCOUNT_WINDOW_SECONDS`] from which it
/// waits: after the 5th, every login of the account, right password or
/// not, is refused (429 with `Retry-After`) for [`FIRST_WAIT_SECONDS`] from
/// the last failure.
pub const ACCOUNT_FAILURES: u32 = 5;

/// The wait after an account's 5th failure: 5 seconds, doubling with each
/// further one (10 s after the 6th, 20 s, 40 s, ... 640 s after the 12th).
pub const FIRST_WAIT_SECONDS: u64 = 5;

/// The longest wait: 15 minutes (after the 13th failure and on).
pub const MAX_WAIT_SECONDS: u64 = 15 * 60;

/// The most failures one address counts for in an account's count: as
/// many as [`ACCOUNT_FAILURES`]. So failures from one address alone make
/// another user of the account wait at most [`FIRST_WAIT_SECONDS`] after
/// each of them, and one address makes at most [`ADDRESS_FAILURES`] per
/// [`ADDRESS_WINDOW_SECONDS`]: 10 × 5 s = 50 s of waiting in 15 minutes at
/// the very most. Only failures from several addresses lengthen the wait.
pub const FAILURES_PER_ADDRESS: u32 = ACCOUNT_FAILURES;

/// How long an account waits after `failures` in its window (counted with
/// [`FAILURES_PER_ADDRESS`]): none before [`ACCOUNT_FAILURES`], then
/// [`FIRST_WAIT_SECONDS`] doubling per further failure, at most
/// [`MAX_WAIT_SECONDS`].
pub fn wait_after(failures: u32) -> Option<u64> {
    let beyond = failures.checked_sub(ACCOUNT_FAILURES)?;
    let doubled = FIRST_WAIT_SECONDS.saturating_mul(1 << beyond.min(32));
    Some(doubled.min(MAX_WAIT_SECONDS))
}

/// How the throttle counts a client address: an IPv4 address as it is; an
/// IPv6 address by its /64 network, which one host (or one customer of an
/// ISP) usually holds whole, so it cannot change address to escape the
/// count (an IPv4-mapped one as the IPv4 address). Anything else (the
/// server's `unknown`) as given.
pub fn address_key(from: &str) -> String {
    match from.parse::<IpAddr>().map(|ip| ip.to_canonical()) {
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Ok(IpAddr::V6(v6)) => {
            let bits = u128::from(v6) & !((1u128 << 64) - 1);
            format!("{}/64", std::net::Ipv6Addr::from(bits))
        }
        Err(_) => from.chars().take(64).collect(),
    }
}

/// A login being tried: the email and the address as the throttle counts
/// them, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    failure: LoginFailure,
}

impl Attempt {
    /// An attempt now with `email` (trimmed, lower-case, cut at
    /// [`super::MAX_EMAIL`] characters so a row stays small) from the
    /// client address `from`.
    pub fn new(email: &str, from: &str) -> Attempt {
        let email = email.trim().to_lowercase();
        Attempt {
            failure: LoginFailure {
                email: email.chars().take(super::MAX_EMAIL).collect(),
                address: address_key(from),
                at: Timestamp::now(),
            },
        }
    }

    /// Refuses the attempt (`Kind::Throttled`, with the seconds to wait)
    /// when its address has had too many failures, or its account is
    /// waiting; the password is not looked at.
    pub async fn check(&self, accounts: &dyn Accounts) -> Result<(), AppError> {
        let now = self.failure.at;
        let from = accounts
            .login_failures_from(
                &self.failure.address,
                now.plus_seconds(-ADDRESS_WINDOW_SECONDS),
            )
            .await?;
        if from.count >= ADDRESS_FAILURES {
            let seconds = until(now, from.first, ADDRESS_WINDOW_SECONDS as u64);
            return Err(throttled(
                seconds,
                format!(
                    "too many failed logins from your address: try again in {}",
                    in_words(seconds)
                ),
            ));
        }
        let of = accounts
            .login_failures_of(
                &self.failure.email,
                now.plus_seconds(-ACCOUNT_WINDOW_SECONDS),
                FAILURES_PER_ADDRESS,
            )
            .await?;
        match account_wait(now, &of) {
            Some(seconds) => Err(throttled(
                seconds,
                format!(
                    "too many failed logins for this account: try again in {}",
                    in_words(seconds)
                ),
            )),
            None => Ok(()),
        }
    }

    /// Counts the attempt as failed, and forgets failures older than the
    /// longest window. It is recorded before the password is checked (and
    /// forgotten if it was right), so attempts sent at once see each other.
    pub async fn record(&self, accounts: &dyn Accounts) -> Result<(), AppError> {
        let oldest = ADDRESS_WINDOW_SECONDS.max(ACCOUNT_WINDOW_SECONDS);
        let forget_before = self.failure.at.plus_seconds(-oldest);
        Ok(accounts
            .record_login_failure(&self.failure, forget_before)
            .await?)
    }

    /// The password was right: the account's failures from this address
    /// are forgotten (its holder's own mistakes: the next one starts a new
    /// count). Those from other addresses stay, in the account's count and
    /// in their addresses': a login cannot give a guesser elsewhere more
    /// tries.
    pub async fn succeeded(&self, accounts: &dyn Accounts) -> Result<(), AppError> {
        Ok(accounts
            .forget_login_failures(&self.failure.email, &self.failure.address)
            .await?)
    }
}

/// The seconds an account still waits at `now`, if it does.
fn account_wait(now: Timestamp, of: &LoginFailures) -> Option<u64> {
    let wait = wait_after(of.count)?;
    let seconds = until(now, of.last, wait);
    (seconds > 0).then_some(seconds)
}

/// Whole seconds (rounded up) from `now` to `seconds` after `since`; 0
/// when that is past.
fn until(now: Timestamp, since: Option<Timestamp>, seconds: u64) -> u64 {
    let Some(since) = since else { return 0 };
    let end = since.plus_seconds(i64::try_from(seconds).unwrap_or(i64::MAX));
    let millis = now.millis_to(end);
    if millis <= 0 {
        0
    } else {
        (millis as u64).div_ceil(1000)
    }
}

/// A wait as a person reads it: seconds up to two minutes, then minutes
/// (rounded up).
fn in_words(seconds: u64) -> String {
    match seconds {
        1 => "1 second".to_owned(),
        0..120 => format!("{seconds} seconds"),
        _ => format!("{} minutes", seconds.div_ceil(60)),
    }
}

fn throttled(seconds: u64, message: String) -> AppError {
    AppError {
        kind: Kind::Throttled(seconds.max(1)),
        message,
        field: None,
        problems: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_from_the_fifth_failure_up_to_fifteen_minutes() {
        let waits: Vec<Option<u64>> = (0..=14).map(wait_after).collect();
        assert_eq!(
            waits,
            [
                None,
                None,
                None,
                None,
                None,
                Some(5),
                Some(10),
                Some(20),
                Some(40),
                Some(80),
                Some(160),
                Some(320),
                Some(640),
                Some(900),
                Some(900),
            ]
        );
        assert_eq!(wait_after(u32::MAX), Some(MAX_WAIT_SECONDS));
    }

    #[test]
    fn one_address_alone_makes_an_account_wait_the_first_wait_at_most() {
        assert_eq!(wait_after(FAILURES_PER_ADDRESS), Some(FIRST_WAIT_SECONDS));
        assert_eq!(wait_after(FAILURES_PER_ADDRESS - 1), None);
    }

    #[test]
    fn an_ipv6_client_is_counted_by_its_network() {
        for (from, key) in [
            ("203.0.113.9", "203.0.113.9"),
            ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
            ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
            ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
            ("::ffff:198.51.100.4", "198.51.100.4"),
            ("unknown", "unknown"),
        ] {
            assert_eq!(address_key(from), key, "{from}");
        }
    }

    #[test]
    fn a_wait_is_said_in_seconds_then_minutes() {
        assert_eq!(in_words(1), "1 second");
        assert_eq!(in_words(5), "5 seconds");
        assert_eq!(in_words(119), "119 seconds");
        assert_eq!(in_words(120), "2 minutes");
        assert_eq!(in_words(900), "15 minutes");
        assert_eq!(in_words(601), "11 minutes");
    }

    #[test]
    fn the_time_left_is_rounded_up_to_whole_seconds() {
        let t = Timestamp::parse("2026-03-01T10:00:00.000Z").unwrap();
        let later = |ms: i64| {
            Timestamp::parse(&format!(
                "2026-03-01T10:00:0{}.{:03}Z",
                ms / 1000,
                ms % 1000
            ))
            .unwrap()
        };
        assert_eq!(until(t, Some(t), 5), 5);
        assert_eq!(until(later(1), Some(t), 5), 5, "4.999 s left");
        assert_eq!(until(later(4001), Some(t), 5), 1);
        assert_eq!(until(later(5000), Some(t), 5), 0);
        assert_eq!(until(later(6000), Some(t), 5), 0);
        assert_eq!(until(t, None, 5), 0);
    }
}
