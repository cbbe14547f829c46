"""gunicorn's configuration for bench_pages' naive server: each worker, once it has loaded
the application, puts back the list pages as they were before issue 14, so that the
benchmark shows both on the same database (its indexes included):
- every list counts all its visible rows (Django's Paginator);
- the resident search is one OR of name prefix, ID number and phone.
Only bench_pages loads this module."""


def post_worker_init(worker):
    from django.core.paginator import Paginator
    from django.db.models import Q

    from communities import paging, selectors

    paging.CappedPaginator.count = Paginator.count
    paging.CappedPaginator.capped = False

    def naive_search(query):
        return Q(name__startswith=query) | Q(id_number=query.upper()) | Q(phone=query)

    selectors.resident_search = naive_search
