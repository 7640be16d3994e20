//! A small LRU cache keyed by u32: a doubly linked list threaded through a hash map (trimmed from
//! `plugins/cache/src/lru.rs`: plugins share only the SDK).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A fixed, seed-free hasher for u32 keys, so every instance does identical work.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

/// The "no neighbour" link; never a key, since keys are below it.
pub(crate) const NIL: u32 = u32::MAX;

struct Node<V> {
    value: V,
    prev: u32,
    next: u32,
}

/// Least-recently-used cache of at most `capacity` entries.
pub(crate) struct Lru<V> {
    capacity: usize,
    map: HashMap<u32, Node<V>, BuildHasherDefault<KeyHasher>>,
    /// Most recently used.
    head: u32,
    /// Least recently used: the next to be evicted.
    tail: u32,
}

impl<V> Lru<V> {
    pub(crate) fn new(capacity: usize) -> Self {
        // Sized up front so warming up never pays a rehash mid-run.
        let map = HashMap::with_capacity_and_hasher(capacity + 1, Default::default());
        Lru {
            capacity,
            map,
            head: NIL,
            tail: NIL,
        }
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }

    fn unlink(&mut self, key: u32) {
        let (prev, next) = {
            let node = &self.map[&key];
            (node.prev, node.next)
        };
        match prev {
            NIL => self.head = next,
            p => self.map.get_mut(&p).expect("linked").next = next,
        }
        match next {
            NIL => self.tail = prev,
            n => self.map.get_mut(&n).expect("linked").prev = prev,
        }
    }

    fn push_front(&mut self, key: u32) {
        let old_head = self.head;
        {
            let node = self.map.get_mut(&key).expect("present");
            node.prev = NIL;
            node.next = old_head;
        }
        if old_head != NIL {
            self.map.get_mut(&old_head).expect("linked").prev = key;
        }
        self.head = key;
        if self.tail == NIL {
            self.tail = key;
        }
    }

    /// The value for `key`, marking it most recently used.
    pub(crate) fn get(&mut self, key: u32) -> Option<&V> {
        if !self.map.contains_key(&key) {
            return None;
        }
        if self.head != key {
            self.unlink(key);
            self.push_front(key);
        }
        self.map.get(&key).map(|n| &n.value)
    }

    /// Inserts `key` (not present) as most recently used, evicting the least recently used entry if
    /// full; returns the evicted key.
    pub(crate) fn insert_new(&mut self, key: u32, value: V) -> Option<u32> {
        debug_assert!(!self.map.contains_key(&key), "{key} is already cached");
        let evicted = (self.map.len() >= self.capacity && self.tail != NIL).then(|| {
            let lru = self.tail;
            self.unlink(lru);
            self.map.remove(&lru);
            lru
        });
        self.map.insert(
            key,
            Node {
                value,
                prev: NIL,
                next: NIL,
            },
        );
        self.push_front(key);
        evicted
    }
}

// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evicts_least_recently_used() {
        let mut lru = Lru::new(2);
        assert_eq!(lru.insert_new(1, "a"), None);
        assert_eq!(lru.insert_new(2, "b"), None);
        assert_eq!(lru.get(1), Some(&"a")); // 2 is now least recent
        assert_eq!(lru.insert_new(3, "c"), Some(2));
        assert_eq!(lru.get(2), None);
        assert_eq!(lru.insert_new(4, "d"), Some(1));
        assert_eq!(lru.len(), 2);
        assert_eq!(lru.get(3), Some(&"c"));
        assert_eq!(lru.get(4), Some(&"d"));
    }
}
