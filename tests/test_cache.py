"""The embedded default's cache: `add` is atomic across processes, so the public forms'
rate limit holds when many submissions arrive at once (issue 11)."""

import multiprocessing
from datetime import timedelta

from django.conf import settings
from django.test import override_settings

from communities import ratelimit
from portal.cache import LockingFileBasedCache

PROCESSES = 20


def _race(backend_class, location, key, start, results):
    backend = backend_class(str(location), {"TIMEOUT": 60})
    start.wait()
    results.put(backend.add(key, 1, timeout=60))


def _race_slots(location, start, results):
    with override_settings(
        CACHES={"default": {"BACKEND": "portal.cache.LockingFileBasedCache", "LOCATION": location}}
    ):
        start.wait()
        results.put(ratelimit.slot_claim("form:ip:10.0.0.1", 5, timedelta(hours=1)))


def run_parallel(target, *args) -> list:
    fork = multiprocessing.get_context("fork")
    start, results = fork.Barrier(PROCESSES), fork.Queue()
    workers = [fork.Process(target=target, args=(*args, start, results)) for _ in range(PROCESSES)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    return [results.get(timeout=5) for _ in workers]


def test_twenty_processes_adding_one_key_at_once_get_one_success(tmp_path):
    outcomes = run_parallel(_race, LockingFileBasedCache, tmp_path, "one-key")
    assert outcomes.count(True) == 1


def test_twenty_parallel_submissions_get_exactly_five_slots(tmp_path):
    slots = run_parallel(_race_slots, str(tmp_path))
    taken = [slot for slot in slots if slot is not None]
    assert len(taken) == 5 and len(set(taken)) == 5


def test_the_embedded_default_uses_the_locking_cache():
    expected = (
        "django.core.cache.backends.redis.RedisCache"  # SET NX: atomic
        if settings.REDIS_URL
        else "portal.cache.LockingFileBasedCache"
    )
    assert settings.CACHES["default"]["BACKEND"] == expected
