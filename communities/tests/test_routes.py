"""communities.routes: a row's address reversed once a process is the one reverse() gives."""

import pytest
from django.urls import reverse

from communities import routes


@pytest.mark.parametrize(
    "name",
    [
        "communities:resident-detail",
        "care:followup-record",
        "tasks:task-work",
        "tasks:task-verify",
        "appeals:detail",
    ],
)
@pytest.mark.parametrize("pk", [1, 42, 987654321, "7"])
def test_a_rows_address_is_reverses(name, pk):
    assert routes.route_with_pk(name, pk) == reverse(name, args=[pk])


def test_a_route_without_arguments_is_reverses():
    assert routes.route("care:test-list") == reverse("care:test-list")


def test_a_pk_that_is_no_number_is_refused():
    with pytest.raises(ValueError):
        routes.route_with_pk("tasks:task-work", "1/../admin")
