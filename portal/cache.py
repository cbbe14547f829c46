"""The embedded default's cache: Django's file cache, with `add` and `incr` made atomic
across processes.

Django's FileBasedCache.add() checks whether the key exists and then writes it; two web
workers doing that at the same instant both succeed, so a rate limit built on `add` (see
communities/ratelimit.py) let 9 of 20 parallel submissions through where 5 were allowed.
Here both run under an exclusive lock on a file beside the cache's own files (flock:
held by one open file at a time, across processes and threads). Redis, the production
cache, does the same natively (SET NX, INCR)."""

import fcntl
import os
from contextlib import contextmanager

from django.core.cache.backends.filebased import FileBasedCache


class LockingFileBasedCache(FileBasedCache):
    lock_name = "cache.lock"

    @contextmanager
    def _locked(self):
        os.makedirs(self._dir, 0o700, exist_ok=True)
        with open(os.path.join(self._dir, self.lock_name), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def add(self, key, value, timeout=None, version=None):
        with self._locked():
            return super().add(key, value, timeout, version)

    def incr(self, key, delta=1, version=None):
        with self._locked():
            return super().incr(key, delta, version)
