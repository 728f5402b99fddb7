"""Rate limits: a token bucket per key (a client address, a conversation), kept in memory.

Each replica of the front door limits what it sees; behind nginx's round-robin a client's share
of every replica's limit applies, which is generous by design (the limits stop one runaway
client, not a busy intranet)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Rate:
    burst: int  # requests allowed at once
    per_second: float  # refill rate

    @property
    def off(self) -> bool:
        return self.burst <= 0 or self.per_second <= 0


class RateLimiter:
    """``allow(key)`` takes one token from the key's bucket; False (and a wait in seconds from
    ``retry_after``) when it is empty. At most ``max_keys`` buckets are kept: the least recently
    used go first, so a flood of new keys cannot exhaust memory."""

    def __init__(self, rate: Rate, max_keys: int = 100_000, clock: Callable[[], float] = time.monotonic):
        self.rate = rate
        self.max_keys = max_keys
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, at)
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        if self.rate.off:
            return True
        now = self._clock()
        with self._lock:
            tokens, at = self._buckets.pop(key, (float(self.rate.burst), now))
            tokens = min(float(self.rate.burst), tokens + (now - at) * self.rate.per_second)
            allowed = tokens >= 1.0
            self._buckets[key] = (tokens - 1.0 if allowed else tokens, now)
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        return allowed

    def retry_after(self, key: str) -> int:
        """Whole seconds until the key's bucket holds a token again (at least 1)."""
        with self._lock:
            tokens, _ = self._buckets.get(key, (0.0, 0.0))
        return max(1, int((1.0 - tokens) / self.rate.per_second + 0.999)) if not self.rate.off else 0
