"""The per-process copies of :mod:`servicehall.core.hot` inside transactions (issue 14: a bulk load such as the
demo's day of tickets in one transaction keeps its copies; a transaction that changed a watched setting does not
hand its uncommitted reads to anyone)."""

from __future__ import annotations

import pytest
from django.db import transaction

from servicehall.core import hot
from servicehall.org.models import Department

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh():
    hot.clear()
    hot._local.bumped = False
    yield
    hot.clear()


def _loads(key: str) -> list[int]:
    calls: list[int] = []

    def load() -> int:
        calls.append(1)
        return len(calls)

    for _ in range(3):
        hot.check()
        hot.get(key, load)
    return calls


def test_a_transaction_that_changed_nothing_watched_keeps_its_copies_at_once():
    with transaction.atomic():
        assert _loads("k") == [1]  # read once, then kept (the rows read are what others committed)


def test_after_a_watched_change_copies_wait_for_the_commit(center, actor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        Department.objects.filter(center=center).first().save()  # a watched model: the generation moves
        assert hot._local.bumped
        assert len(_loads("k")) == 3  # its own uncommitted state: never handed to the process's copies
    assert not hot._local.bumped  # committed: what this thread reads is everyone's again
    assert _loads("k2") == [1]


def test_a_rolled_back_change_leaves_no_copy_of_it(center):
    try:
        with transaction.atomic():
            Department.objects.filter(center=center).first().save()
            _loads("k")
            raise RuntimeError
    except RuntimeError:
        pass
    assert "k" not in hot._copies
