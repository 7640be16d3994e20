//! A small LRU cache keyed by u32 (a doubly linked list threaded through a hash map), for the
//! cache workloads of any plugin.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A fixed, seed-free hasher for u32 keys, so every iteration does identical work (stable fuel).
#[derive(Default)]
pub struct KeyHasher(u64);

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

pub type KeyMap<V> = HashMap<u32, V, BuildHasherDefault<KeyHasher>>;

pub const NIL: u32 = u32::MAX;

pub struct Node<V> {
    pub value: V,
    pub prev: u32,
    pub next: u32,
}

/// Least-recently-used cache of at most `capacity` entries.
pub struct Lru<V> {
    pub capacity: usize,
    pub map: KeyMap<Node<V>>,
    /// Most recently used.
    pub head: u32,
    /// Least recently used: the next to be evicted.
    pub tail: u32,
}

impl<V> Lru<V> {
    pub fn new(capacity: usize) -> Self {
        // Sized up front so no iteration pays (or skips) a rehash: the same work every time.
        let map = KeyMap::with_capacity_and_hasher(capacity + 1, Default::default());
        Lru {
            capacity,
            map,
            head: NIL,
            tail: NIL,
        }
    }

    /// Entries held.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub fn clear(&mut self) {
        self.map.clear();
        self.head = NIL;
        self.tail = NIL;
    }

    pub fn unlink(&mut self, key: u32) {
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

    pub fn push_front(&mut self, key: u32) {
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
    pub fn get(&mut self, key: u32) -> Option<&V> {
        if !self.map.contains_key(&key) {
            return None;
        }
        if self.head != key {
            self.unlink(key);
            self.push_front(key);
        }
        self.map.get(&key).map(|n| &n.value)
    }

    /// The value for `key` without touching recency.
    pub fn peek(&self, key: u32) -> Option<&V> {
        self.map.get(&key).map(|n| &n.value)
    }

    /// Inserts or replaces `key` as most recently used; returns the entry evicted to make room.
    pub fn insert(&mut self, key: u32, value: V) -> Option<(u32, V)> {
        if let Some(node) = self.map.get_mut(&key) {
            node.value = value;
            if self.head != key {
                self.unlink(key);
                self.push_front(key);
            }
            return None;
        }
        let evicted = if self.map.len() >= self.capacity {
            self.pop_lru()
        } else {
            None
        };
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

    pub fn remove(&mut self, key: u32) -> Option<V> {
        if !self.map.contains_key(&key) {
            return None;
        }
        self.unlink(key);
        self.map.remove(&key).map(|n| n.value)
    }

    pub fn pop_lru(&mut self) -> Option<(u32, V)> {
        let key = self.tail;
        if key == NIL {
            return None;
        }
        self.remove(key).map(|v| (key, v))
    }
}

// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub fn lru_evicts_least_recently_used() {
        let mut lru = Lru::new(2);
        assert!(lru.insert(1, "a").is_none());
        assert!(lru.insert(2, "b").is_none());
        assert_eq!(lru.get(1), Some(&"a")); // 2 is now least recent
        assert_eq!(lru.insert(3, "c"), Some((2, "b")));
        assert_eq!(lru.peek(2), None);
        assert!(lru.insert(1, "a2").is_none(), "replacing doesn't evict");
        assert_eq!(lru.insert(4, "d"), Some((3, "c")));
        assert_eq!(lru.remove(1), Some("a2"));
        assert_eq!(lru.remove(1), None);
        assert_eq!(lru.pop_lru(), Some((4, "d")));
        assert_eq!(lru.pop_lru(), None);
        lru.insert(5, "e");
        lru.clear();
        assert_eq!(lru.get(5), None);
        assert!(lru.insert(6, "f").is_none());
        assert_eq!(lru.map.len(), 1);
    }
}
