//! The KMIP object lifecycle (KMIP 1.4 §3.22, State).
//!
//! One closed enum, one transition function, one place where dates move state
//! with time, and one place deciding which uses each state permits. Every
//! protocol door goes through these; none re-implements them.
//!
//! ```text
//!   Pre-Active ──activate / activation date──▶ Active ──revoke (other) / deactivation date──▶ Deactivated
//!       │  ╲                                     │                                              │
//!       │   ╲──revoke (compromise)──▶ Compromised ◀──────────revoke (compromise)────────────────┘
//!    destroy                              │
//!       ▼                              destroy
//!   Destroyed ──revoke (compromise)──▶ Destroyed Compromised ◀─┘
//! ```

use std::fmt;

use keyward_kmip::enums::State;
use thiserror::Error;

/// A managed object's lifecycle state. Unlike the wire enumeration, it has no
/// extension values: an object is always in exactly one of these.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LifecycleState {
    /// Created or registered, not yet usable.
    PreActive,
    /// Usable for every purpose its usage mask allows.
    Active,
    /// May only process (decrypt, verify, unwrap) existing data.
    Deactivated,
    /// Believed compromised: may only process, with caution.
    Compromised,
    /// Key material erased; metadata kept.
    Destroyed,
    /// Key material erased after (or before) compromise; metadata kept.
    DestroyedCompromised,
}

/// What happens to an object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// The Activate operation.
    Activate,
    /// The Revoke operation. `compromise` is true for the Key Compromise and CA
    /// Compromise reasons, which lead to Compromised; other reasons deactivate.
    Revoke {
        /// Whether the revocation reason is a compromise.
        compromise: bool,
    },
    /// The Destroy operation.
    Destroy,
}

/// A refused transition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
#[error("cannot {event} an object in state {from}")]
pub struct TransitionError {
    /// The state the object was in.
    pub from: LifecycleState,
    /// What was attempted.
    pub event: Event,
}

/// The lifecycle dates of an object (POSIX seconds), as set by clients or the server.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LifecycleDates {
    /// Activation Date: the object becomes Active when it is reached.
    pub activation: Option<i64>,
    /// Deactivation Date: the object becomes Deactivated when it is reached.
    pub deactivation: Option<i64>,
    /// Process Start Date: before it, the object may not process data.
    pub process_start: Option<i64>,
    /// Protect Stop Date: from it on, the object may not protect data.
    pub protect_stop: Option<i64>,
}

/// What a cryptographic operation does with a key, for the state and date checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Applies protection: encrypt, sign, MAC generate, wrap, derive.
    Protect,
    /// Processes protected data: decrypt, verify, MAC verify, unwrap.
    Process,
}

/// Why a use of an object is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
pub enum UseError {
    /// The state does not permit this purpose.
    #[error("an object in state {state} cannot be used to {purpose}")]
    State {
        /// The object's (effective) state.
        state: LifecycleState,
        /// The refused purpose.
        purpose: Purpose,
    },
    /// The Process Start Date is in the future.
    #[error("the object's Process Start Date has not been reached")]
    BeforeProcessStart,
    /// The Protect Stop Date has passed.
    #[error("the object's Protect Stop Date has passed")]
    AfterProtectStop,
}

impl LifecycleState {
    /// The state after `event`, or the refusal.
    pub fn apply(self, event: Event) -> Result<Self, TransitionError> {
        use LifecycleState::*;
        let next = match (self, event) {
            (PreActive, Event::Activate) => Active,
            (Active, Event::Revoke { compromise: false }) => Deactivated,
            (PreActive | Active | Deactivated, Event::Revoke { compromise: true }) => Compromised,
            (Destroyed, Event::Revoke { compromise: true }) => DestroyedCompromised,
            (PreActive | Deactivated, Event::Destroy) => Destroyed,
            (Compromised, Event::Destroy) => DestroyedCompromised,
            _ => return Err(TransitionError { from: self, event }),
        };
        Ok(next)
    }

    /// The state once the dates are taken into account at time `now`: a
    /// Pre-Active object whose Activation Date has been reached is Active, and
    /// a Pre-Active or Active one whose Deactivation Date has been reached is
    /// Deactivated. Other states do not move with time.
    pub fn at(self, dates: &LifecycleDates, now: i64) -> Self {
        let reached = |d: Option<i64>| d.is_some_and(|d| d <= now);
        match self {
            Self::PreActive | Self::Active if reached(dates.deactivation) => {
                // A deactivation date only deactivates an object that was, or
                // became, active; a never-activated one stays Pre-Active.
                if self == Self::Active || reached(dates.activation) {
                    Self::Deactivated
                } else {
                    Self::PreActive
                }
            }
            Self::PreActive if reached(dates.activation) => Self::Active,
            other => other,
        }
    }

    /// Checks that an object in this (effective) state, with these dates, may
    /// be used for `purpose` at time `now`.
    pub fn check_use(
        self,
        purpose: Purpose,
        dates: &LifecycleDates,
        now: i64,
    ) -> Result<(), UseError> {
        let allowed = match purpose {
            Purpose::Protect => self == Self::Active,
            Purpose::Process => {
                matches!(self, Self::Active | Self::Deactivated | Self::Compromised)
            }
        };
        if !allowed {
            return Err(UseError::State { state: self, purpose });
        }
        match purpose {
            Purpose::Protect if dates.protect_stop.is_some_and(|d| d <= now) => {
                Err(UseError::AfterProtectStop)
            }
            Purpose::Process if dates.process_start.is_some_and(|d| d > now) => {
                Err(UseError::BeforeProcessStart)
            }
            _ => Ok(()),
        }
    }

    /// True for the two destroyed states: the object has no key material.
    pub fn is_destroyed(self) -> bool {
        matches!(self, Self::Destroyed | Self::DestroyedCompromised)
    }

    /// The KMIP wire value.
    pub fn to_kmip(self) -> State {
        match self {
            Self::PreActive => State::PreActive,
            Self::Active => State::Active,
            Self::Deactivated => State::Deactivated,
            Self::Compromised => State::Compromised,
            Self::Destroyed => State::Destroyed,
            Self::DestroyedCompromised => State::DestroyedCompromised,
        }
    }

    /// The state for a KMIP wire value; `None` for an extension value.
    pub fn from_kmip(state: State) -> Option<Self> {
        Some(match state {
            State::PreActive => Self::PreActive,
            State::Active => Self::Active,
            State::Deactivated => Self::Deactivated,
            State::Compromised => Self::Compromised,
            State::Destroyed => Self::Destroyed,
            State::DestroyedCompromised => Self::DestroyedCompromised,
            State::Extension(_) => return None,
        })
    }
}

impl fmt::Display for LifecycleState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::PreActive => "Pre-Active",
            Self::Active => "Active",
            Self::Deactivated => "Deactivated",
            Self::Compromised => "Compromised",
            Self::Destroyed => "Destroyed",
            Self::DestroyedCompromised => "Destroyed Compromised",
        })
    }
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Event::Activate => "activate",
            Event::Revoke { compromise: true } => "revoke (compromise)",
            Event::Revoke { compromise: false } => "revoke",
            Event::Destroy => "destroy",
        })
    }
}

impl fmt::Display for Purpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Purpose::Protect => "protect data (encrypt, sign, MAC, wrap)",
            Purpose::Process => "process data (decrypt, verify, unwrap)",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::LifecycleState::*;
    use super::*;

    const ALL: [LifecycleState; 6] =
        [PreActive, Active, Deactivated, Compromised, Destroyed, DestroyedCompromised];

    #[test]
    fn transition_table_matches_kmip() {
        let compromise = Event::Revoke { compromise: true };
        let other = Event::Revoke { compromise: false };
        let expect = |s: LifecycleState, e: Event| -> Option<LifecycleState> {
            match (s, e) {
                (PreActive, Event::Activate) => Some(Active),
                (PreActive, Event::Destroy) => Some(Destroyed),
                (PreActive, e) if e == compromise => Some(Compromised),
                (Active, e) if e == compromise => Some(Compromised),
                (Active, e) if e == other => Some(Deactivated),
                (Deactivated, Event::Destroy) => Some(Destroyed),
                (Deactivated, e) if e == compromise => Some(Compromised),
                (Compromised, Event::Destroy) => Some(DestroyedCompromised),
                (Destroyed, e) if e == compromise => Some(DestroyedCompromised),
                _ => None,
            }
        };
        for s in ALL {
            for e in [Event::Activate, compromise, other, Event::Destroy] {
                assert_eq!(s.apply(e).ok(), expect(s, e), "{s} + {e}");
            }
        }
    }

    #[test]
    fn refusals_say_what_and_from_which_state() {
        let err = Active.apply(Event::Destroy).unwrap_err();
        assert_eq!(err.to_string(), "cannot destroy an object in state Active");
    }

    #[test]
    fn dates_move_state_with_time() {
        let dates =
            LifecycleDates { activation: Some(100), deactivation: Some(200), ..Default::default() };
        assert_eq!(PreActive.at(&dates, 99), PreActive);
        assert_eq!(PreActive.at(&dates, 100), Active);
        assert_eq!(PreActive.at(&dates, 200), Deactivated);
        assert_eq!(Active.at(&dates, 250), Deactivated);
        assert_eq!(Compromised.at(&dates, 250), Compromised);
        let no_activation = LifecycleDates { deactivation: Some(10), ..Default::default() };
        assert_eq!(PreActive.at(&no_activation, 20), PreActive);
    }

    #[test]
    fn uses_are_gated_by_state_and_dates() {
        let none = LifecycleDates::default();
        assert!(Active.check_use(Purpose::Protect, &none, 0).is_ok());
        assert!(Deactivated.check_use(Purpose::Process, &none, 0).is_ok());
        assert_eq!(
            Deactivated.check_use(Purpose::Protect, &none, 0),
            Err(UseError::State { state: Deactivated, purpose: Purpose::Protect })
        );
        assert!(PreActive.check_use(Purpose::Process, &none, 0).is_err());
        let dates = LifecycleDates { process_start: Some(50), protect_stop: Some(60), ..none };
        assert_eq!(
            Active.check_use(Purpose::Process, &dates, 49),
            Err(UseError::BeforeProcessStart)
        );
        assert!(Active.check_use(Purpose::Process, &dates, 50).is_ok());
        assert!(Active.check_use(Purpose::Protect, &dates, 59).is_ok());
        assert_eq!(Active.check_use(Purpose::Protect, &dates, 60), Err(UseError::AfterProtectStop));
    }

    #[test]
    fn converts_to_and_from_the_wire_enumeration() {
        for s in ALL {
            assert_eq!(LifecycleState::from_kmip(s.to_kmip()), Some(s));
        }
        assert_eq!(LifecycleState::from_kmip(State::Extension(0x8000_0001)), None);
    }
}
