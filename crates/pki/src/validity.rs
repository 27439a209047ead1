//! Certificate validity periods.

use time::{Duration, OffsetDateTime};

use crate::{Error, Result};

/// The longest validity accepted for any certificate, in days (100 years).
pub const MAX_VALIDITY_DAYS: u32 = 36_525;

/// A certificate's validity period: `notBefore` and `notAfter`, in whole seconds (UTC).
///
/// X.509 times have a resolution of one second, so both ends are truncated to the second; a
/// certificate issued with a `Validity` carries exactly these two instants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Validity {
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
}

impl Validity {
    /// A validity from `not_before` to `not_after`.
    ///
    /// # Errors
    /// [`Error::InvalidValidity`] when `not_after` is not after `not_before`, or either lies
    /// outside the years 1950–9999 that X.509 can encode.
    pub fn new(not_before: OffsetDateTime, not_after: OffsetDateTime) -> Result<Self> {
        let not_before = truncate(not_before);
        let not_after = truncate(not_after);
        for (which, t) in [("notBefore", not_before), ("notAfter", not_after)] {
            if !(1950..=9999).contains(&t.year()) {
                return Err(Error::InvalidValidity(format!(
                    "{which} {t} is outside the years 1950 to 9999 that a certificate can carry"
                )));
            }
        }
        if not_after <= not_before {
            return Err(Error::InvalidValidity(format!(
                "notAfter ({not_after}) must be later than notBefore ({not_before})"
            )));
        }
        Ok(Self { not_before, not_after })
    }

    /// A validity of `days` days starting at `not_before`.
    ///
    /// # Errors
    /// [`Error::InvalidValidity`] when `days` is 0 or above [`MAX_VALIDITY_DAYS`], or the end
    /// falls outside what X.509 can encode.
    pub fn days_from(not_before: OffsetDateTime, days: u32) -> Result<Self> {
        if days == 0 {
            return Err(Error::InvalidValidity("the validity must be at least 1 day".into()));
        }
        if days > MAX_VALIDITY_DAYS {
            return Err(Error::InvalidValidity(format!(
                "{days} days is too long; at most {MAX_VALIDITY_DAYS} days are accepted"
            )));
        }
        let not_after =
            not_before.checked_add(Duration::days(i64::from(days))).ok_or_else(|| {
                Error::InvalidValidity(format!("{not_before} plus {days} days is out of range"))
            })?;
        Self::new(not_before, not_after)
    }

    /// A validity of `days` days starting now.
    ///
    /// # Errors
    /// As [`Validity::days_from`].
    pub fn days_from_now(days: u32) -> Result<Self> {
        Self::days_from(OffsetDateTime::now_utc(), days)
    }

    /// The first instant the certificate is valid.
    pub fn not_before(&self) -> OffsetDateTime {
        self.not_before
    }

    /// The last instant the certificate is valid.
    pub fn not_after(&self) -> OffsetDateTime {
        self.not_after
    }

    /// Whether `at` lies within the period (both ends included, as RFC 5280 says).
    pub fn contains(&self, at: OffsetDateTime) -> bool {
        self.not_before <= at && at <= self.not_after
    }

    /// Checks that a certificate with this validity, issued by a CA valid over `issuer`, does not
    /// outlive its issuer.
    pub(crate) fn check_within(&self, issuer: &Validity, issuer_name: &str) -> Result<()> {
        if self.not_after > issuer.not_after {
            return Err(Error::InvalidValidity(format!(
                "notAfter ({}) is later than the expiry of the issuing CA '{issuer_name}' ({}); \
                 ask for a shorter validity",
                self.not_after, issuer.not_after
            )));
        }
        Ok(())
    }
}

fn truncate(t: OffsetDateTime) -> OffsetDateTime {
    let t = t.to_offset(time::UtcOffset::UTC);
    t.replace_nanosecond(0).unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn days_from_truncates_and_counts() {
        let v = Validity::days_from(datetime!(2030-01-02 03:04:05.678 UTC), 365).unwrap();
        assert_eq!(v.not_before(), datetime!(2030-01-02 03:04:05 UTC));
        assert_eq!(v.not_after(), datetime!(2031-01-02 03:04:05 UTC));
        assert!(v.contains(datetime!(2030-06-01 00:00 UTC)));
        assert!(!v.contains(datetime!(2031-01-02 03:04:06 UTC)));
    }

    #[test]
    fn rejects_empty_inverted_and_out_of_range() {
        let t = datetime!(2030-01-01 00:00 UTC);
        assert!(matches!(Validity::days_from(t, 0), Err(Error::InvalidValidity(_))));
        assert!(matches!(Validity::new(t, t), Err(Error::InvalidValidity(_))));
        assert!(matches!(
            Validity::days_from(t, MAX_VALIDITY_DAYS + 1),
            Err(Error::InvalidValidity(_))
        ));
        assert!(matches!(
            Validity::days_from(datetime!(9999-06-01 00:00 UTC), 365),
            Err(Error::InvalidValidity(_))
        ));
        assert!(matches!(
            Validity::days_from(datetime!(1900-06-01 00:00 UTC), 1),
            Err(Error::InvalidValidity(_))
        ));
    }
}
