//! The CPU time a server process on the same Linux machine used over the measured phase
//! (`--server-pid`), from the `utime` and `stime` fields of `/proc/PID/stat`.
//!
//! Divided by the operations of the phase it is the server's CPU cost per operation,
//! user and system time apart: the figure that compares a server with the raw cost of
//! what it computes (an RSA signature, say) whatever else shares the machine, because a
//! process's CPU time does not count the time it waited for a core.

use serde::Serialize;

/// Clock ticks per second of `/proc/PID/stat` times: Linux's `USER_HZ`, which the kernel
/// ABI fixes at 100 on every architecture it runs on today.
pub const USER_HZ: u64 = 100;

/// CPU time of a process, in clock ticks ([`USER_HZ`] per second).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CpuTicks {
    /// Time in user mode.
    pub user: u64,
    /// Time in the kernel on the process's behalf.
    pub system: u64,
}

/// CPU time used between two readings, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CpuUsed {
    /// User-mode seconds.
    pub user_s: f64,
    /// Kernel seconds.
    pub system_s: f64,
}

impl CpuUsed {
    /// What the process used from `start` to `end` (zero if the counters went back,
    /// which a live process's never do).
    pub fn between(start: CpuTicks, end: CpuTicks) -> Self {
        let s = |ticks: u64| ticks as f64 / USER_HZ as f64;
        Self {
            user_s: s(end.user.saturating_sub(start.user)),
            system_s: s(end.system.saturating_sub(start.system)),
        }
    }

    /// Microseconds of CPU (user and system) per operation; `None` without operations.
    pub fn us_per_op(&self, ops: u64) -> Option<f64> {
        (ops > 0).then(|| (self.user_s + self.system_s) * 1e6 / ops as f64)
    }
}

/// The `utime` and `stime` fields of a `/proc/PID/stat` line; `None` if it is not in the
/// kernel's format.
///
/// The second field, the command name in parentheses, may itself hold spaces and
/// parentheses: the fields are counted from the last `)`.
pub fn parse_stat_ticks(stat: &str) -> Option<CpuTicks> {
    let (_, after_name) = stat.rsplit_once(')')?;
    // After the name: state (field 3) … utime (14), stime (15).
    let mut fields = after_name.split_whitespace().skip(11);
    let user = fields.next()?.parse().ok()?;
    let system = fields.next()?.parse().ok()?;
    Some(CpuTicks { user, system })
}

/// Reads process `pid`'s CPU time.
///
/// # Errors
/// A sentence saying why: no such process, `/proc` unreadable, or a line not in the
/// kernel's format.
pub fn read_ticks(pid: u32) -> Result<CpuTicks, String> {
    let path = format!("/proc/{pid}/stat");
    let stat = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {path}: {e}"))?;
    parse_stat_ticks(&stat).ok_or_else(|| format!("{path} is not in the format known here"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn utime_and_stime_are_counted_from_after_the_name() {
        let line = "4242 (keyward) S 1 4242 4242 0 -1 4194560 5312 0 0 0 1234 567 0 0 20 0 \
                    5 0 99 1234567 8000 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0\n";
        assert_eq!(parse_stat_ticks(line), Some(CpuTicks { user: 1234, system: 567 }));
        // A name with spaces and parentheses does not shift the fields.
        let odd = line.replace("(keyward)", "(a) b (c))");
        assert_eq!(parse_stat_ticks(&odd), Some(CpuTicks { user: 1234, system: 567 }));
        assert_eq!(parse_stat_ticks("4242 (keyward) S 1 2"), None);
        assert_eq!(parse_stat_ticks("no name here"), None);
    }

    #[test]
    fn cpu_used_is_the_difference_in_seconds_and_per_operation() {
        let used = CpuUsed::between(
            CpuTicks { user: 100, system: 50 },
            CpuTicks { user: 350, system: 75 },
        );
        assert_eq!(used, CpuUsed { user_s: 2.5, system_s: 0.25 });
        assert_eq!(used.us_per_op(11_000), Some(250.0));
        assert_eq!(used.us_per_op(0), None);
        let back = CpuUsed::between(CpuTicks { user: 9, system: 9 }, CpuTicks::default());
        assert_eq!(back, CpuUsed { user_s: 0.0, system_s: 0.0 });
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_has_cpu_time_and_a_missing_one_is_refused() {
        let mut spin = 0u64;
        let start = read_ticks(std::process::id()).unwrap();
        // Work until the kernel has counted a tick of it (at most a few hundred ms).
        while read_ticks(std::process::id()).unwrap() == start {
            for i in 0..1_000_000u64 {
                spin = std::hint::black_box(spin.wrapping_add(i));
            }
        }
        let end = read_ticks(std::process::id()).unwrap();
        assert!(end.user + end.system > start.user + start.system);
        assert!(read_ticks(u32::MAX - 1).unwrap_err().contains("cannot read"));
    }
}
