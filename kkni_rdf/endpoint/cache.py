"""A bounded cache of finished answers: the data is immutable, so an answer never goes stale."""

from __future__ import annotations

import threading
from collections.abc import Hashable
from typing import Generic, TypeVar

from cachetools import LRUCache

V = TypeVar("V")


class AnswerCache(Generic[V]):
    """Least-recently-used (cachetools' ``LRUCache``), bounded by the total size of the bodies and by entries."""

    def __init__(self, max_entries: int, max_bytes: int = 128 * 1024 * 1024) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._items: LRUCache[Hashable, tuple[V, int]] = LRUCache(maxsize=max_bytes, getsizeof=lambda item: item[1])
        self._lock = threading.Lock()  # cachetools' caches are not thread-safe

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            item = self._items.get(key)  # a hit makes the entry the most recent
        return item[0] if item is not None else None

    def put(self, key: Hashable, value: V, size: int) -> None:
        if self.max_entries <= 0 or size > self.max_bytes // 4:
            return  # one answer may not take over the cache
        with self._lock:
            self._items[key] = (value, size)  # evicts the least recent past max_bytes
            while len(self._items) > self.max_entries:
                self._items.popitem()

    def __len__(self) -> int:
        return len(self._items)
