"""The staff's in-app inbox: the list, mark read, and the navigation bar's badge."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from communities.paging import CappedPaginator

from . import selectors, services

PAGE_SIZE = 50


@login_required
def notice_list(request):
    """Newest first; unread ones highlighted."""
    notices = selectors.notice_list(user=request.user)
    page = CappedPaginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notices/notice_list.html", {"page": page})


@login_required
@require_POST
def notice_read(request):
    """Mark one of the user's notices read (`pk`), or all of them. From htmx, answer with
    the notice's row (or the whole list) and let the badge refresh itself."""
    pk = request.POST.get("pk", "")
    notice = None
    if pk:
        if not pk.isdigit():
            raise Http404
        notice = get_object_or_404(selectors.notice_list(user=request.user), pk=pk)
    services.notices_mark_read(user=request.user, pk=notice.pk if notice else None)
    if not request.htmx:
        return redirect("notices:notice-list")
    if notice is not None:
        notice.refresh_from_db(fields=["read_at"])
        response = render(request, "notices/notice_list.html#notice", {"notice": notice})
    else:
        page = CappedPaginator(selectors.notice_list(user=request.user), PAGE_SIZE).get_page(
            request.POST.get("page")
        )
        response = render(request, "notices/notice_list.html#notices", {"page": page})
    response["HX-Trigger"] = "notices-read"
    return response


@login_required
def notice_count(request):
    """The navigation bar's badge, loaded by htmx so that pages carry no extra query."""
    count = selectors.notice_unread_count(user=request.user)
    return render(request, "notices/partials/notice_count.html", {"count": count})
