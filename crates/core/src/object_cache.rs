//! Decoded objects with their material, kept in memory by (domain, id) when
//! this process is the store's only writer.
//!
//! A read that misses fills the cache with what it read from the store; a
//! write empties the entries of the objects it changed. The two can race: a
//! read that fetched an object before a Destroy committed could otherwise put
//! the destroyed object back after the Destroy emptied its entry, and later
//! reads would be served its material. So every write bumps an epoch before
//! emptying, and a fill that finds the epoch moved since its read began takes
//! its entry out again: whichever of the two runs last, the stale copy goes.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::object::ManagedObject;

/// The cache: see the module documentation.
#[derive(Debug)]
pub(crate) struct ObjectCache {
    objects: quick_cache::sync::Cache<(String, String), Arc<ManagedObject>>,
    /// Writes so far; a fill checks it did not move during its read.
    epoch: AtomicU64,
}

/// When a read that may fill the cache began: see [`ObjectCache::fill`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct ReadTicket(u64);

/// A key borrowed from the caller's strings: a lookup allocates nothing. It
/// hashes as the owned `(String, String)` tuple does.
#[derive(Hash)]
struct ObjectKey<'a>(&'a str, &'a str);

impl quick_cache::Equivalent<(String, String)> for ObjectKey<'_> {
    fn equivalent(&self, key: &(String, String)) -> bool {
        self.0 == key.0 && self.1 == key.1
    }
}

impl ObjectCache {
    /// A cache of at most `capacity` objects.
    pub(crate) fn new(capacity: usize) -> Self {
        Self { objects: quick_cache::sync::Cache::new(capacity), epoch: AtomicU64::new(0) }
    }

    /// The cached copy of object `id` of `domain`.
    pub(crate) fn get(&self, domain: &str, id: &str) -> Option<Arc<ManagedObject>> {
        self.objects.get(&ObjectKey(domain, id))
    }

    /// Taken before reading an object from the store to fill the cache.
    pub(crate) fn ticket(&self) -> ReadTicket {
        ReadTicket(self.epoch.load(Ordering::SeqCst))
    }

    /// Caches `object`, read from the store after `ticket` was taken, unless
    /// a write may have changed it since.
    pub(crate) fn fill(&self, ticket: ReadTicket, domain: &str, id: &str, object: ManagedObject) {
        let key = (domain.to_owned(), id.to_owned());
        self.objects.insert(key.clone(), Arc::new(object));
        if self.epoch.load(Ordering::SeqCst) != ticket.0 {
            self.objects.remove(&key);
        }
    }

    /// Empties the entry of object `id` of `domain`, after a write of it.
    pub(crate) fn invalidate(&self, domain: &str, id: &str) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
        self.objects.remove(&ObjectKey(domain, id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attributes::Attributes;
    use crate::lifecycle::LifecycleState;
    use keyward_kmip::enums::ObjectType;

    fn object(version: u64) -> ManagedObject {
        ManagedObject {
            id: "k".into(),
            object_type: ObjectType::SymmetricKey,
            state: LifecycleState::PreActive,
            attributes: Attributes::default(),
            material: None,
            has_material: false,
            version,
        }
    }

    #[test]
    fn a_fill_read_before_a_write_does_not_outlive_it() {
        let cache = ObjectCache::new(16);
        // The read began, the write committed and emptied the entry, then
        // the read filled: the stale copy is not kept.
        let ticket = cache.ticket();
        cache.invalidate("d", "k");
        cache.fill(ticket, "d", "k", object(1));
        assert!(cache.get("d", "k").is_none());
        // The read filled before the write emptied: the write takes it out.
        let ticket = cache.ticket();
        cache.fill(ticket, "d", "k", object(2));
        assert_eq!(cache.get("d", "k").map(|o| o.version), Some(2));
        cache.invalidate("d", "k");
        assert!(cache.get("d", "k").is_none());
        // A read with no write since is cached.
        let ticket = cache.ticket();
        cache.fill(ticket, "d", "k", object(3));
        assert_eq!(cache.get("d", "k").map(|o| o.version), Some(3));
    }

    #[test]
    fn a_borrowed_key_finds_what_an_owned_key_stored() {
        let cache: quick_cache::sync::Cache<(String, String), u32> =
            quick_cache::sync::Cache::new(16);
        cache.insert(("domain".to_owned(), "id-1".to_owned()), 1);
        cache.insert(("domain".to_owned(), "id-2".to_owned()), 2);
        assert_eq!(cache.get(&ObjectKey("domain", "id-1")), Some(1));
        assert_eq!(cache.get(&ObjectKey("domain", "id-2")), Some(2));
        assert_eq!(cache.get(&ObjectKey("domain", "id-3")), None);
        // The two strings are not one: the boundary between them counts.
        assert_eq!(cache.get(&ObjectKey("domainid", "-1")), None);
    }
}
