"""Benchmark of the pages of issue 14 at city scale, as a browser would load them: every
role's home page, the dashboards, the list pages and the resident search.

    python manage.py bench_pages [--duration 8] [--connections 8] [--only residents]

On the database of DATABASE_URL (seeded first with `seed_demo --force --residents 1000000
--shops 2000`): makes a session for each demo user it needs, starts gunicorn (2 workers,
DEBUG off, persistent connections) and runs `wrk -t2 -c8 -d8s --latency` against each page,
then does the same for the list pages against a second gunicorn whose workers run the
naive version (Django's Paginator counting every visible row, the search as one OR of the
three fields: _naive_lists.py). It prints requests/s, p50 and p99 per page for both, the
issue's target and whether it was met, the dataset size, the database and the load average
before each run (the machine is shared: a figure taken under load is worth repeating). Two
"ceiling" rows measure what the machine gives any page: a view of two queries without a
session, and the lightest signed-in page (the menu over an empty list).
"""

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, replace

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from communities.models import (
    Appeal,
    ArrivalReport,
    CodeChangeProposal,
    NucleicAcidTest,
    Resident,
    User,
)
from notices.models import Notice
from shops.models import Inspection, Shop

HOME_USERS = ("city", "xiaodian", "street", "tongda", "grid", "inspector")
OFFICES = ("city", "xiaodian", "street")


@dataclass(frozen=True)
class Page:
    """A page to load: `user` a demo user (None: no session), {id_number} and {phone} in
    `path` a resident's, {name} a name prefix; issue 14's target (p99 at most `p99` ms,
    at least `rps` requests/s); `naive` whether _naive_lists.py has a naive version of
    it; `connections` wrk's (None: the command's)."""

    label: str
    user: str | None
    path: str
    p99: float | None = None
    rps: float | None = None
    naive: bool = True
    connections: int | None = None


PAGES = [
    # the framework's own ceiling: a view of two queries, no session, no template
    Page("ceiling: /healthz/ without a session", None, "/healthz/", naive=False),
    # the lightest signed-in page: the menu and an empty list
    Page("ceiling: a signed-in page with the menu", "grid", "/notices/", naive=False),
    *(Page("home", user, "/", p99=200, naive=False) for user in HOME_USERS),
    *(Page("dashboard", user, "/dashboard/", p99=300, naive=False) for user in OFFICES),
    Page("residents", "city", "/residents/", p99=200),
    Page("residents, page 200", "city", "/residents/?page=200", p99=200),
    Page("residents", "street", "/residents/"),
    Page("residents", "grid", "/residents/", p99=100, rps=200),
    Page("residents, name prefix", "city", "/residents/?q={name}"),
    Page("residents, ID number", "city", "/residents/?q={id_number}"),
    Page("residents, phone", "city", "/residents/?q={phone}"),
    # the search as one person at a desk does it: one request at a time
    *(
        Page(
            f"residents, {what}, one client",
            "city",
            f"/residents/?q={{{key}}}",
            p99=100,
            connections=1,
        )
        for what, key in (("name prefix", "name"), ("ID number", "id_number"), ("phone", "phone"))
    ),
    Page("arrivals", "city", "/arrivals/", p99=300),
    Page("tests due", "city", "/care/tests/", p99=300),
    Page("follow-ups", "city", "/care/followups/", p99=300),
    Page("tasks", "city", "/tasks/", p99=300),
    Page("appeals", "city", "/appeals/", p99=300),
    Page("proposals", "city", "/review/proposals/", p99=300),
    Page("review tasks", "city", "/review/decisions/", p99=300),
    Page("anomalies", "admin", "/care/anomalies/", p99=300),  # the city office may not open it
    Page("shops", "city", "/shops/", p99=300),
    Page("inspections", "city", "/shops/inspections/", p99=300),
    Page("campaigns", "city", "/shops/campaigns/", p99=300),
    Page("notices", "city", "/notices/", p99=300),
    Page("areas", "city", "/areas/", p99=300),
]
NAME_PREFIX = "王伟"  # a surname and the first given character: 1 in 1,600 residents

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


@dataclass
class Figure:
    rps: float
    p50: float  # milliseconds
    p99: float
    errors: int  # non-2xx responses and socket errors


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * UNITS[unit]


def wrk_parse(output: str) -> Figure:
    """requests/s, p50, p99 and the errors from wrk's --latency report."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _ms(re.search(r"\s50%\s+(\S+)", output).group(1))
    p99 = _ms(re.search(r"\s99%\s+(\S+)", output).group(1))
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output):
        errors += int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        errors += sum(int(n) for n in match.groups())
    return Figure(rps, p50, p99, errors)


def session_for(username: str) -> str:
    """A signed-in session of the demo user, as the login page would make it."""
    user = User.objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


class Server:
    """gunicorn with 2 workers on `port`, DEBUG off and persistent connections; `naive`
    loads _naive_lists.py as its configuration (the workers patch in the naive lists)."""

    def __init__(self, port: int, *, naive: bool):
        self.port = port
        self.naive = naive
        self.process = None

    def __enter__(self):
        env = {
            **os.environ,
            "DEBUG": "false",
            "CONN_MAX_AGE": "60",
            "SECURE_SSL_REDIRECT": "false",
            "SECRET_KEY": settings.SECRET_KEY,
        }
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--log-level",
            "warning",
            "--timeout",
            "120",
        ]
        if self.naive:
            command += ["--config", "python:portal.management.commands._naive_lists"]
        self.process = subprocess.Popen(command, env=env, cwd=settings.BASE_DIR)  # noqa: S603 - ours
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz/", timeout=5)
                return self
            except OSError:  # not listening yet, or still loading the application
                time.sleep(0.2)
        self.process.terminate()
        raise CommandError(f"gunicorn did not answer on port {self.port}")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)


class Command(BaseCommand):
    help = "Load-tests the list pages with wrk, the naive version beside (see the module)."

    def add_arguments(self, parser):
        parser.add_argument("--duration", type=int, default=8, help="seconds per page")
        parser.add_argument("--connections", type=int, default=8)
        parser.add_argument("--port", type=int, default=8301)
        parser.add_argument("--only", default="", help="pages whose label contains this")
        parser.add_argument("--no-naive", action="store_true", help="skip the naive version")

    def handle(self, *args, duration, connections, port, only, no_naive, **options):
        if not shutil.which("wrk"):
            raise CommandError("wrk is not installed (apt-get install -y wrk).")
        sample = Resident.objects.filter(pk__gte=Resident.objects.count() // 2).first()
        if sample is None:
            raise CommandError("No residents: run seed_demo first.")
        call_command("collectstatic", "--noinput", verbosity=0)
        values = {
            "name": urllib.parse.quote(NAME_PREFIX),
            "id_number": sample.id_number,
            "phone": sample.phone,
        }
        pages = [
            replace(page, path=page.path.format(**values)) for page in PAGES if only in page.label
        ]
        users = {page.user for page in pages if page.user}
        sessions = {None: None, **{user: session_for(user) for user in users}}
        self.stdout.write(self.dataset())
        variants = [("now", False)] + ([] if no_naive else [("naive", True)])
        results = {}
        for name, naive in variants:
            with Server(port + naive, naive=naive) as server:
                for page in pages:
                    if naive and not page.naive:
                        continue
                    results[name, page] = figure, load = self.run_wrk(
                        server.port,
                        page.path,
                        sessions[page.user],
                        duration,
                        page.connections or connections,
                    )
                    self.stderr.write(
                        f"{name} {page.label} ({page.user or '-'}): {figure.rps:.1f}/s, "
                        f"p50 {figure.p50:.0f} ms, p99 {figure.p99:.0f} ms, load {load:.2f}"
                    )
        self.report(pages, results, [name for name, _ in variants], connections)

    def dataset(self) -> str:
        db = settings.DATABASES["default"]
        vendor = connection.vendor
        if vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                vendor += " " + cursor.fetchone()[0].split()[0]
        counts = {
            "residents": Resident.objects.count(),
            "arrivals": ArrivalReport.objects.count(),
            "tests": NucleicAcidTest.objects.count(),
            "appeals": Appeal.objects.count(),
            "proposals": CodeChangeProposal.objects.count(),
            "shops": Shop.objects.count(),
            "inspections": Inspection.objects.count(),
            "notices": Notice.objects.count(),
        }
        sizes = ", ".join(f"{n:,} {key}" for key, n in counts.items())
        return f"Database: {vendor} ({db['NAME']}); {sizes}."

    def run_wrk(self, port, path, session, duration, connections) -> tuple[Figure, float]:
        url = f"http://127.0.0.1:{port}{path}"
        cookie = ["-H", f"Cookie: sessionid={session}"] if session else []
        headers = {"Cookie": f"sessionid={session}"} if session else {}
        # warm up, and check that the page answers (not a redirect to the login page)
        request = urllib.request.Request(url, headers=headers)
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - http only
            if response.status != 200 or response.url != url:
                raise CommandError(f"{path}: {response.status} {response.url}")
        load = os.getloadavg()[0]
        threads = min(2, connections)
        output = subprocess.run(  # noqa: S603 - fixed arguments
            [
                shutil.which("wrk"),
                f"-t{threads}",
                f"-c{connections}",
                f"-d{duration}s",
                "--latency",
                "--timeout",
                "30s",
                *cookie,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return wrk_parse(output), load

    def report(self, pages, results, variants, connections) -> None:
        """The table, each page with issue 14's target and whether this run met it."""
        head = "| page | user | target |"
        rule = "|---|---|---|"
        for name in variants:
            head += f" {name}: req/s | p50 | p99 | load |"
            rule += "---|---|---|---|"
        self.stdout.write(head + " met |")
        self.stdout.write(rule + "---|")
        for page in pages:
            clients = f", {page.connections} client" if page.connections else ""
            line = f"| {page.label} `{page.path.split('?')[0]}`{clients} | {page.user or '—'} |"
            line += f" {target_text(page)} |"
            for name in variants:
                if (name, page) not in results:
                    line += " — | — | — | — |"
                    continue
                figure, load = results[name, page]
                errors = f" ({figure.errors} errors)" if figure.errors else ""
                line += (
                    f" {figure.rps:,.1f}{errors} | {figure.p50:.0f} ms | {figure.p99:.0f} ms "
                    f"| {load:.2f} |"
                )
            line += f" {met_text(page, results['now', page][0])} |"
            self.stdout.write(line)


def target_text(page: Page) -> str:
    parts = []
    if page.rps:
        parts.append(f"≥ {page.rps:.0f}/s")
    if page.p99:
        parts.append(f"p99 < {page.p99:.0f} ms")
    return ", ".join(parts) or "—"


def met_text(page: Page, figure: Figure) -> str:
    if not (page.p99 or page.rps):
        return "—"
    met = (not page.p99 or figure.p99 < page.p99) and (not page.rps or figure.rps >= page.rps)
    return "yes" if met and not figure.errors else "**no**"
