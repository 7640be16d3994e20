"""Cache-aside in Python: the Rust cache plugin's `aside` workload (plugins/cache/src/simple.rs) over
the host's simulated store, with the same parameters, defaults, counters and checksum."""

import wasmbench
from cachebench import BASE_PARAMS, CacheWorkload, capacity


class Aside(CacheWorkload):
    """The application reads the cache first and fills it on a miss; a write goes to the store and
    then deletes the cache entry, so the next read refetches it."""

    name = "aside"
    description = ("cache-aside: LRU of `capacity` entries; miss → store → fill; "
                   "write → store, then invalidate the entry")
    params = dict(BASE_PARAMS, capacity="100")
    counters = ("l1_hits", "l1_misses", "evictions")

    def __init__(self, params):
        super().__init__(params)
        self.cache = wasmbench.LRU(capacity(params))

    def reset(self):
        self.cache.clear()

    def read(self, ctx, key):
        value = self.cache.get(key)
        if value is not None:
            ctx.c["l1_hits"] += 1
            return value
        ctx.c["l1_misses"] += 1
        value = ctx.store_get(key)
        if self.cache.insert(key, value) is not None:
            ctx.c["evictions"] += 1
        return value

    def write(self, ctx, key, value):
        ctx.store_put(key, value)
        self.cache.remove(key)


Workload = wasmbench.register(Aside)
