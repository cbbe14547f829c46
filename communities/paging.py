"""Pages of lists that may hold a million rows (issue 14).

Django's Paginator counts every row of the list to number its pages; at a million residents
that count was most of the page's time. A list page needs the count only to offer the next
page and to say how long the list is, and past ten thousand rows "10,000+" says enough: no
one pages through more, they narrow the list (by area, code or name).
"""

from contextlib import suppress

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000  # rows counted at most: 200 pages of 50


class CappedPaginator(Paginator):
    """Django's Paginator, counting at most `cap` rows, or as far as the page asked for
    when it lies past them: one COUNT over a LIMIT subquery. A list within that is counted
    exactly; a longer one is `capped` (shown as "10,000+", with next and previous pages).
    `count` gives the length when it is known from elsewhere (a summary).

    With `keys_first`, a page reads its rows' keys first and then the rows by key: the
    keys of a deep page (page 200 skips 9,950 rows) come from the list's index alone,
    where reading the skipped rows themselves (and their joins) took 100 ms."""

    def __init__(
        self,
        object_list,
        per_page,
        *,
        cap: int | None = None,
        count: int | None = None,
        keys_first: bool = False,
        **kwargs,
    ):
        super().__init__(object_list, per_page, **kwargs)
        self.horizon = COUNT_CAP if cap is None else cap
        self.keys_first = keys_first
        if count is not None:
            self.__dict__["count"] = count

    def validate_number(self, number):
        if "count" not in self.__dict__:  # count far enough to know whether the page exists
            with suppress(TypeError, ValueError):  # Django's own check says what is wrong
                self.horizon = max(self.horizon, int(number) * self.per_page)
        return super().validate_number(number)

    @cached_property
    def count(self) -> int:
        """The rows, counted up to one past the horizon."""
        rows = self.object_list
        if isinstance(rows, list | tuple):
            return len(rows)
        # in any order: which rows are counted does not change whether there are more
        return rows.order_by()[: self.horizon + 1].count()

    def _get_page(self, object_list, number, paginator):
        if self.keys_first:
            keys = list(object_list.values_list("pk", flat=True))
            object_list = self.object_list.filter(pk__in=keys)
        return super()._get_page(object_list, number, paginator)

    @property
    def capped(self) -> bool:
        """Whether the list goes on past what was counted."""
        return self.count > self.horizon

    @property
    def pages_counted(self) -> int:
        """The pages known to be full when the list is capped ("page 3 of 200+")."""
        return self.horizon // self.per_page
