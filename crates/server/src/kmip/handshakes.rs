//! Connections still in their TLS handshake, counted by source address.
//!
//! A TCP connection takes a connection slot as soon as it is accepted, before
//! its peer has shown a certificate. Without a bound per address, one host
//! opening silent sockets could hold every slot for the handshake timeout, and
//! again, and keep every client out; with it, one address holds at most
//! [`KmipLimits::max_handshakes_per_ip`](super::KmipLimits) of them at a time.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};

/// The handshakes under way, by source address.
#[derive(Debug)]
pub(crate) struct Handshakes {
    per_ip: usize,
    pending: Mutex<HashMap<IpAddr, usize>>,
}

impl Handshakes {
    /// At most `per_ip` handshakes at once from one address.
    pub(crate) fn new(per_ip: usize) -> Arc<Self> {
        Arc::new(Self { per_ip, pending: Mutex::new(HashMap::new()) })
    }

    /// A pass for one more handshake from `ip`, held until the handshake
    /// ends; `None` when `ip` already has as many under way as it may.
    pub(crate) fn begin(self: &Arc<Self>, ip: IpAddr) -> Option<HandshakePass> {
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        let count = pending.entry(ip).or_insert(0);
        if *count >= self.per_ip {
            return None;
        }
        *count += 1;
        Some(HandshakePass { handshakes: self.clone(), ip })
    }
}

/// One handshake under way; dropping it ends it.
#[derive(Debug)]
pub(crate) struct HandshakePass {
    handshakes: Arc<Handshakes>,
    ip: IpAddr,
}

impl Drop for HandshakePass {
    fn drop(&mut self) {
        let mut pending = self.handshakes.pending.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = pending.get_mut(&self.ip) {
            *count -= 1;
            if *count == 0 {
                pending.remove(&self.ip);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_holds_at_most_its_share_and_gets_it_back() {
        let handshakes = Handshakes::new(2);
        let a: IpAddr = [127, 0, 0, 2].into();
        let b: IpAddr = [127, 0, 0, 3].into();
        let first = handshakes.begin(a);
        let second = handshakes.begin(a);
        assert!(first.is_some() && second.is_some());
        assert!(handshakes.begin(a).is_none());
        assert!(handshakes.begin(b).is_some(), "another address is not affected");
        drop(first);
        let third = handshakes.begin(a);
        assert!(third.is_some());
        drop((second, third));
        assert!(handshakes.pending.lock().unwrap().is_empty(), "no entry is left behind");
    }
}
