import os
from pathlib import Path

import pytest
from django.core.cache import cache

SCREENSHOTS = Path(__file__).resolve().parent / "var" / "screenshots"


@pytest.fixture(autouse=True)
def _fast_tests(settings):
    # Hashing with PBKDF2 costs ~0.3 s a user; tests do not need its strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The API's allowance is counted in the shared cache, by user id: tests that call the
    # API often as the same id would be refused by each other's counts. Its own test sets
    # it low (tests/test_api_throttling.py).
    settings.API_USER_RATE = settings.API_ANON_RATE = "100000/minute"
    # The manifest storage of production needs collectstatic; tests use the finders.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def own_cache(settings, tmp_path):
    """The same kind of shared cache as the default (files), but one of the test's own:
    clearing the configured one would empty the dev server's cache, or in CI the Redis
    database that the Celery broker uses too."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, never a downloaded browser (see RECIPES.md)."""
    executable = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not Path(executable).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{executable} is missing; `make test` installs it with apt-get.")
        pytest.skip(f"{executable} is not installed (make test installs it when run as root)")
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def screenshot_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A grid worker's phone in Taiyuan asks for Chinese.
    return {**browser_context_args, "locale": "zh-CN"}
