"""Benchmark of vaccination at city scale, with the naive version beside each figure.

    python manage.py bench_vaccination --force

On the database as it is (seed it first: `seed_demo --force --residents 1000000`, which
gives every resident of 3 or more a dose history):
1. the booster list (加强针应种名单) of the demo's grid worker and of the city office, the
   first page as the page reads it (the rows and the capped count), median of --runs; the
   naive version loads each of the user's residents with their doses and asks the rules
   (what a list without the kept status does);
2. the coverage rows of every node (coverage.refresh); the naive version counts each
   node's bands with their own queries over its subtree, timed on a sample and scaled;
3. the reminder's producer over every resident due (notices are rolled back).
The last line: `list: grid <g> ms, city <c> ms; coverage <s> s; naive <x>x, <y>x, <z>x`.
"""

import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count, Q
from django.http import QueryDict
from django.utils import timezone

from communities import access as core_access
from communities.models import Jurisdiction, Resident, User
from communities.paging import CappedPaginator
from communities.rules.identity import birth_date_of
from vaccination import coverage, listings, reminders, rules, selectors
from vaccination.models import Status, VaccinationState


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


class Command(BaseCommand):
    help = "Times the booster list, the coverage refresh and the reminder, with the naive versions."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=9)
        parser.add_argument("--sample", type=int, default=10, help="nodes the naive run times")
        parser.add_argument("--force", action="store_true", help="run with DEBUG off")

    def handle(self, *args, runs, sample, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("bench_vaccination writes coverage rows; use --force.")
        residents = Resident.objects.count()
        states = VaccinationState.objects.count()
        self.stdout.write(
            f"{connection.vendor}: {residents} residents, {states} with doses, "
            f"{Jurisdiction.objects.count()} nodes"
        )
        grid = User.objects.get(username="grid")
        city = User.objects.get(username="city")
        times = {}
        for label, user in (("grid", grid), ("city", city)):
            best = self._list(user, runs)
            naive = self._naive_list(user) if label == "grid" or residents <= 200_000 else None
            times[label] = (best, naive)
            naive_text = ms(naive) if naive is not None else "not run (too long at this size)"
            self.stdout.write(f"booster list, {label}: {ms(best)} (naive {naive_text})")

        started = time.perf_counter()
        written = coverage.refresh()
        refresh = time.perf_counter() - started
        naive_refresh = self._naive_coverage(sample)
        self.stdout.write(
            f"coverage refresh: {refresh:.2f} s for {written} rows "
            f"(naive {naive_refresh:.1f} s, estimated from {sample} nodes)"
        )

        with transaction.atomic():
            started = time.perf_counter()
            created = reminders.booster_due()
            produced = time.perf_counter() - started
            transaction.set_rollback(True)
        self.stdout.write(f"reminder producer: {produced:.2f} s, {created} notices (rolled back)")

        def ratio(pair):
            best, naive = pair
            return f"{naive / best:.0f}x" if naive else "–"

        self.stdout.write(
            f"list: grid {ms(times['grid'][0])}, city {ms(times['city'][0])}; "
            f"coverage {refresh:.2f} s; naive {ratio(times['grid'])}, {ratio(times['city'])}, "
            f"{naive_refresh / refresh:.0f}x"
        )

    def _list(self, user, runs: int) -> float:
        """The median time of the list's first page and its capped count."""
        spent = []
        for _ in range(runs):
            started = time.perf_counter()
            page = CappedPaginator(listings.due(user, QueryDict("")), 50).get_page(1)
            [state.resident.grid.parent.name for state in page]  # the rows as shown
            spent.append(time.perf_counter() - started)
        return statistics.median(spent)

    def _naive_list(self, user) -> float:
        """Every resident of the user with their doses, the rules asked one by one."""
        started = time.perf_counter()
        today = timezone.localdate()
        policy = selectors.policy_on(today)
        due = 0
        residents = core_access.residents_for(user).prefetch_related("doses__product")
        for resident in residents.iterator(chunk_size=2000):
            doses = [rules.Dose(d.day, d.product.code, d.booster) for d in resident.doses.all()]
            state = rules.state_of(doses, policy)
            birth = birth_date_of(resident.id_number)
            due += rules.booster_due(state, birth=birth, policy=policy, today=today)
        return time.perf_counter() - started

    def _naive_coverage(self, sample: int) -> float:
        """Each node's bands counted over its subtree, one query a band and figure."""
        nodes = list(Jurisdiction.objects.order_by("?")[:sample])
        today = timezone.localdate()
        started = time.perf_counter()
        for node in nodes:
            for band in rules.BANDS:
                within = Resident.objects.filter(grid__path__startswith=node.path)
                within = within.alias(birth=selectors.birth_of()).filter(
                    selectors.band_filter(band, today)
                )
                within.count()
                within.aggregate(
                    full=Count(
                        "pk", filter=Q(vaccination__status__in=[Status.FULL, Status.BOOSTER])
                    ),
                    booster=Count("pk", filter=Q(vaccination__status=Status.BOOSTER)),
                )
        spent = time.perf_counter() - started
        return spent / max(len(nodes), 1) * Jurisdiction.objects.count()
