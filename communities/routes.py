"""Addresses of a long list's rows, reversed once a process (issue 14): a page of 800
work items spent a tenth of its time in Django's reverse() of the same few routes."""

from functools import cache

from django.urls import reverse

PK_MARKER = 987654321  # stands for the pk in a route reversed once


@cache
def _with_marker(name: str) -> str:
    return reverse(name, args=[PK_MARKER])


@cache
def route(name: str) -> str:
    """`reverse(name)` of a route without arguments."""
    return reverse(name)


def route_with_pk(name: str, pk) -> str:
    """`reverse(name, args=[pk])` of a route with one integer argument."""
    return _with_marker(name).replace(str(PK_MARKER), str(int(pk)), 1)
