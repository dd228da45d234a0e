"""The wave's standing is shared through the cache by the ranking and the dossier page, and
never stale: any submitted review or dossier leaving the selection changes its key (issue 11)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications.states import State
from reviews.selectors import dossier_standing
from reviews.standing import wave_standing
from tests.factories import WaveFactory, covering_reviewer

from .helpers import assign, reviewed_dossier, submitted_review

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_a_second_read_is_one_query_and_returns_the_same_standing():
    wave = WaveFactory()
    first = reviewed_dossier(wave=wave, values=(5, 4))
    second = reviewed_dossier(wave=wave, values=(2, 3))
    computed = wave_standing(wave.pk)
    with CaptureQueriesContext(connection) as queries:
        cached = wave_standing(wave.pk)
    assert len(queries) == 1  # the fingerprint
    assert [pk for pk, _ref in cached.ranked] == [first.pk, second.pk] == [pk for pk, _ in computed.ranked]
    assert dossier_standing(second).rank == 2


def test_a_new_review_changes_the_rank_at_once():
    wave = WaveFactory()
    leader = reviewed_dossier(wave=wave, values=(4, 4))
    chaser = reviewed_dossier(wave=wave, values=(3,))
    assert dossier_standing(chaser).rank == 2
    submitted_review(assign(chaser, covering_reviewer()), 5)
    submitted_review(assign(chaser, covering_reviewer()), 5)
    assert dossier_standing(chaser).rank == 1
    assert dossier_standing(leader).rank == 2


def test_a_dossier_leaving_the_selection_leaves_the_standing():
    wave = WaveFactory()
    gone = reviewed_dossier(wave=wave, values=(5, 5))
    stays = reviewed_dossier(wave=wave, values=(3, 3))
    assert dossier_standing(stays).rank == 2
    type(gone).objects.filter(pk=gone.pk).update(state=State.WITHDRAWN)
    standing = wave_standing(wave.pk)
    assert [pk for pk, _ref in standing.ranked] == [stays.pk]
    assert dossier_standing(stays).rank == 1
