//! Parsed keys, kept so that repeated operations do not unseal, decode and
//! parse the same key on every request.
//!
//! # Design
//!
//! - **Key**: (domain, object id), holding the store **version** the key was
//!   parsed from. A lookup names the version it just read from the store
//!   (the attributes are always read fresh: state, dates, usage mask and
//!   limits are never cached); a different version is a miss and the stale
//!   entry is dropped at once. Any change to the object (a new attribute, a
//!   state change, Destroy) bumps its version, so a cached key can never
//!   outlive the object it came from.
//! - **Eager invalidation**: [`crate::Kms`] also drops the entries of the
//!   objects a committed operation changed, so key material of a destroyed
//!   key does not linger here until eviction. (Another server node sharing a
//!   PostgreSQL store only drops its entry at its next lookup, by version.)
//! - **Bounded**: at most `capacity` entries. When full, a second-chance
//!   (CLOCK) sweep evicts every entry not hit since it was inserted or since
//!   the previous sweep, or half of them if all were; amortised O(1) per
//!   insert, no per-hit bookkeeping beyond one relaxed atomic store.
//! - **Secrets**: entries hold the engine's key types, which wipe themselves
//!   when dropped; `Debug` never shows material.
//! - **Per domain**: entries are grouped by domain, so lookups borrow the ids
//!   as `&str` and allocate nothing.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

use keyward_crypto::CryptoError;
use keyward_crypto::symmetric::AesKey;

use crate::keys::UsableKey;

/// The default number of parsed keys kept.
pub const DEFAULT_CAPACITY: usize = 10_000;

/// A parsed key with the engine objects prepared from it on first use.
pub struct CachedKey {
    /// The parsed key.
    pub key: UsableKey,
    aes: OnceLock<Result<AesKey, CryptoError>>,
}

impl CachedKey {
    /// Wraps a parsed key.
    pub fn new(key: UsableKey) -> Self {
        Self { key, aes: OnceLock::new() }
    }

    /// The key as a prepared AES key (built once, then reused).
    pub fn aes(&self) -> Result<&AesKey, CryptoError> {
        let prepared = self.aes.get_or_init(|| match &self.key {
            UsableKey::Symmetric { material, .. } => AesKey::new(material),
            _ => Err(CryptoError::WrongKeyType("AES needs a symmetric key")),
        });
        prepared.as_ref().map_err(Clone::clone)
    }
}

impl std::fmt::Debug for CachedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachedKey").field("key", &self.key).finish_non_exhaustive()
    }
}

struct Entry {
    version: u64,
    key: Arc<CachedKey>,
    used: AtomicBool,
}

/// The bounded cache of parsed keys. See the module documentation.
pub struct KeyCache {
    capacity: usize,
    domains: RwLock<Domains>,
}

#[derive(Default)]
struct Domains {
    by_domain: HashMap<String, HashMap<String, Entry>>,
    len: usize,
}

impl KeyCache {
    /// A cache holding at most `capacity` keys (0 disables caching).
    pub fn new(capacity: usize) -> Self {
        Self { capacity, domains: RwLock::new(Domains::default()) }
    }

    /// The number of keys held.
    pub fn len(&self) -> usize {
        self.read().len
    }

    /// True when no key is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The key parsed from `version` of the object, if held. An entry for
    /// another version is dropped.
    pub fn get(&self, domain: &str, id: &str, version: u64) -> Option<Arc<CachedKey>> {
        {
            let domains = self.read();
            match domains.by_domain.get(domain).and_then(|d| d.get(id)) {
                None => return None,
                Some(entry) if entry.version == version => {
                    entry.used.store(true, Ordering::Relaxed);
                    return Some(entry.key.clone());
                }
                Some(_) => {}
            }
        }
        self.invalidate(domain, id);
        None
    }

    /// Keeps `key`, parsed from `version` of the object, and returns it shared.
    pub fn insert(&self, domain: &str, id: &str, version: u64, key: CachedKey) -> Arc<CachedKey> {
        let key = Arc::new(key);
        if self.capacity == 0 {
            return key;
        }
        let mut domains = self.write();
        if domains.len >= self.capacity {
            domains.sweep();
        }
        // A new entry earns its second chance by a hit: keys used once (a scan
        // over many objects) are the first to go.
        let entry = Entry { version, key: key.clone(), used: AtomicBool::new(false) };
        let previous =
            domains.by_domain.entry(domain.to_owned()).or_default().insert(id.to_owned(), entry);
        if previous.is_none() {
            domains.len += 1;
        }
        key
    }

    /// Drops the entry of an object (after it changed or was destroyed).
    pub fn invalidate(&self, domain: &str, id: &str) {
        let mut domains = self.write();
        let Some(keys) = domains.by_domain.get_mut(domain) else { return };
        if keys.remove(id).is_some() {
            if keys.is_empty() {
                domains.by_domain.remove(domain);
            }
            domains.len -= 1;
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Domains> {
        self.domains.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Domains> {
        self.domains.write().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Domains {
    /// Second chance: evicts entries unused since the last sweep and clears
    /// the marks of the others; if every entry was used, evicts half.
    fn sweep(&mut self) {
        let before = self.len;
        for keys in self.by_domain.values_mut() {
            keys.retain(|_, e| e.used.swap(false, Ordering::Relaxed));
        }
        let mut len: usize = self.by_domain.values().map(HashMap::len).sum();
        if len == before {
            let mut to_drop = len / 2 + 1;
            for keys in self.by_domain.values_mut() {
                keys.retain(|_, _| {
                    if to_drop > 0 {
                        to_drop -= 1;
                        false
                    } else {
                        true
                    }
                });
            }
            len = self.by_domain.values().map(HashMap::len).sum();
        }
        self.by_domain.retain(|_, keys| !keys.is_empty());
        self.len = len;
    }
}

impl std::fmt::Debug for KeyCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyCache")
            .field("capacity", &self.capacity)
            .field("len", &self.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use zeroize::Zeroizing;

    use super::*;

    fn key(byte: u8) -> CachedKey {
        CachedKey::new(UsableKey::Symmetric {
            material: Zeroizing::new(vec![byte; 16]),
            algorithm: None,
        })
    }

    fn byte(k: &CachedKey) -> u8 {
        match &k.key {
            UsableKey::Symmetric { material, .. } => material[0],
            _ => unreachable!(),
        }
    }

    #[test]
    fn a_new_version_misses_and_drops_the_old_entry() {
        let cache = KeyCache::new(10);
        cache.insert("d", "k", 1, key(1));
        assert_eq!(cache.get("d", "k", 1).map(|k| byte(&k)), Some(1));
        assert!(cache.get("d", "k", 2).is_none());
        assert!(cache.is_empty());
        assert!(cache.get("other", "k", 1).is_none());
    }

    #[test]
    fn capacity_is_bounded_and_recently_used_keys_survive() {
        let cache = KeyCache::new(4);
        for i in 0..4u8 {
            cache.insert("d", &i.to_string(), 1, key(i));
        }
        // Nothing was hit: the first sweep empties the cache.
        cache.insert("d", "4", 1, key(4));
        assert_eq!(cache.len(), 1);
        assert!(cache.len() <= 4);
        cache.insert("d", "0", 1, key(0));
        for i in 5..20u8 {
            cache.get("d", "0", 1);
            cache.insert("d", &i.to_string(), 1, key(i));
            assert!(cache.len() <= 4, "{}", cache.len());
        }
        assert!(cache.get("d", "0", 1).is_some());
    }

    #[test]
    fn the_aes_key_is_prepared_once() {
        let cached = key(7);
        let a = cached.aes().unwrap() as *const AesKey;
        let b = cached.aes().unwrap() as *const AesKey;
        assert_eq!(a, b);
        let cache = KeyCache::new(0);
        cache.insert("d", "k", 1, key(1));
        assert!(cache.is_empty());
    }
}
