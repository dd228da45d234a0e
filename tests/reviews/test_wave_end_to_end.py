"""A wave driven end to end through the pages: three dossiers, four reviewers, one automatic
conflict (membership) and one declared, automatic assignment respecting both, reviews
submitted, ranking with a hand-checked severity correction, decisions, letters, emails."""

import io
import math
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from applications.models import Application, Membership
from applications.states import State
from reviews import pdf
from reviews.models import Assignment, Decision, Review
from tests.factories import SubmittedDossierFactory, WaveFactory, covering_reviewer, programme_manager

pytestmark = pytest.mark.django_db


def _post(client, user, url, data, commit):
    client.force_login(user)
    with commit():
        return client.post(url, data)


def _fill(client, assignment, value, commit):
    """Declare no conflict, then score every criterion `value` (0–5) and submit."""
    reviewer = assignment.reviewer
    response = _post(
        client, reviewer, reverse("evaluation:declare", args=[assignment.pk]), {"conflict": "no"}, commit
    )
    assert response.status_code == 302
    page = client.get(reverse("evaluation:review", args=[assignment.pk]))
    assert page.status_code == 200
    form = page.context["form"]
    data = {"overall_opinion": "Projet solide et bien construit.", "recommendation": "fund", "submit": "1"}
    for criterion, score_name, comment_name in form.criteria_fields:
        data[score_name] = str(value)
        data[comment_name] = f"Commentaire sur {criterion.label}"
    response = _post(client, reviewer, reverse("evaluation:review", args=[assignment.pk]), data, commit)
    assert response.status_code == 302, response.content.decode()[:2000]
    review = Review.objects.get(assignment=assignment)
    assert review.state == Review.State.SUBMITTED
    assert review.weighted_score == Decimal(value * 4)
    return review


def test_wave_end_to_end(client, settings, commit):
    settings.REVIEW_SEVERITY_MIN_REVIEWS = 2
    settings.REVIEW_DISAGREEMENT_THRESHOLD = 5
    wave = WaveFactory()
    pm = programme_manager()
    r1, r2, r3, r4 = (covering_reviewer(first_name=f"Relecteur{i}", last_name=f"Nom{i}") for i in range(1, 5))
    d1, d2, d3 = (SubmittedDossierFactory(wave=wave) for _ in range(3))
    # Automatic conflict: r1 belongs to d1's lead organisation.
    Membership.objects.create(user=r1, organisation=d1.lead_organisation)

    # The programme manager asks r2 for d2 by hand; r2 declares a conflict.
    due = (timezone.localdate() + timedelta(days=20)).isoformat()
    response = _post(
        client, pm, reverse("selection:assign", args=[d2.pk]), {"reviewer": r2.pk, "due_on": due}, commit
    )
    assert response.status_code == 302
    d2.refresh_from_db()
    assert d2.state == State.UNDER_REVIEW
    assert [m.to for m in mail.outbox] == [[r2.email]]
    manual = Assignment.objects.get(application=d2, reviewer=r2)
    # Before declaring, r2 cannot open the review nor the full dossier page beyond the summary.
    client.force_login(r2)
    assert client.get(reverse("evaluation:review", args=[manual.pk])).status_code == 403
    page = client.get(reverse("evaluation:assignment", args=[manual.pk]))
    assert "Déclaration d'intérêts" in page.content.decode() and d2.summary not in page.content.decode()
    response = _post(
        client,
        r2,
        reverse("evaluation:declare", args=[manual.pk]),
        {"conflict": "yes", "reason": "Ancien doctorant du porteur."},
        commit,
    )
    manual.refresh_from_db()
    assert manual.state == Assignment.State.CONFLICTED
    assert client.get(reverse("evaluation:assignment", args=[manual.pk])).status_code == 403
    # The programme manager sees the dossier flagged.
    client.force_login(pm)
    listing = client.get(reverse("selection:dossiers")).content.decode()
    assert "conflit : à réaffecter" in listing
    # Manual assignment of r1 to d1 is refused (membership).
    response = _post(
        client, pm, reverse("selection:assign", args=[d1.pk]), {"reviewer": r1.pk, "due_on": due}, commit
    )
    assert not Assignment.objects.filter(application=d1, reviewer=r1).exists()

    # Automatic assignment: two per dossier, balanced, respecting both conflicts.
    mail.outbox.clear()
    response = _post(
        client,
        pm,
        reverse("selection:auto_assign"),
        {"wave": wave.pk, "per_dossier": 2, "due_on": due},
        commit,
    )
    assert response.status_code == 302
    active = {
        (a.application_id, a.reviewer_id) for a in Assignment.objects.filter(state=Assignment.State.PENDING)
    }
    # Hand-computed: loads start at 0 (a conflicted assignment is no load), ties by user id.
    assert active == {
        (d1.pk, r2.pk),
        (d1.pk, r3.pk),
        (d2.pk, r1.pk),
        (d2.pk, r4.pk),
        (d3.pk, r1.pk),
        (d3.pk, r2.pk),
    }
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [r2.email, r3.email, r1.email, r4.email, r1.email, r2.email]
    )
    assert Application.objects.filter(state=State.UNDER_REVIEW).count() == 3

    # Reviews: every criterion gets the same value, so the weighted score is value × 4 / 20.
    values = {(d1, r2): 4, (d1, r3): 3, (d2, r1): 2, (d2, r4): 4, (d3, r1): 4, (d3, r2): 4}
    for (dossier, reviewer), value in values.items():
        _fill(client, Assignment.objects.get(application=dossier, reviewer=reviewer), value, commit)

    # Ranking. Scores 16 12 | 8 16 | 16 16: wave mean 14, sd √(56/6) = 3.05505.
    # r1 (8, 16): mean 12, sd 4 → z = ∓1 → 14 ∓ 3.05505 = 10.94495 and 17.05505.
    # r2 (16, 16): sd 0 → z = 0 → 14 and 14. r3, r4: one review each → raw scores kept.
    # Corrected means: d1 (14 + 12)/2 = 13.00; d2 (10.94495 + 16)/2 = 13.47; d3 (17.05505 + 14)/2 = 15.53.
    client.force_login(pm)
    response = client.get(reverse("selection:ranking"), {"wave": wave.pk})
    rows = response.context["ranking"].rows
    assert [r.application.pk for r in rows] == [d3.pk, d2.pk, d1.pk]
    by_pk = {r.application.pk: r.aggregate for r in rows}
    sd = math.sqrt(56 / 6)
    assert by_pk[d3.pk].corrected_mean == pytest.approx((14 + sd + 14) / 2)
    assert by_pk[d2.pk].corrected_mean == pytest.approx((14 - sd + 16) / 2)
    assert by_pk[d1.pk].corrected_mean == pytest.approx(13.0)
    assert round(by_pk[d3.pk].corrected_mean, 2) == 15.53
    assert round(by_pk[d2.pk].corrected_mean, 2) == 13.47
    assert (by_pk[d1.pk].mean, by_pk[d2.pk].mean, by_pk[d3.pk].mean) == (14.0, 12.0, 16.0)
    assert (by_pk[d1.pk].median, by_pk[d2.pk].spread) == (14.0, 8.0)
    assert by_pk[d2.pk].disagreement and not by_pk[d1.pk].disagreement
    html = response.content.decode()
    assert "15,53" in html or "15.53" in html
    assert "Comment la note corrigée est calculée" in html

    # Decisions: aid above the request refused; d3 laureate; d2 waitlisted; d1 in bulk.
    mail.outbox.clear()
    response = _post(
        client,
        pm,
        reverse("selection:decide", args=[d3.pk]),
        {"outcome": "selected", "aid_granted": "700000", "rationale": "Excellent projet."},
        commit,
    )
    d3.refresh_from_db()
    assert d3.state == State.UNDER_REVIEW and not mail.outbox
    _post(
        client,
        pm,
        reverse("selection:decide", args=[d3.pk]),
        {"outcome": "selected", "aid_granted": "500000", "rationale": "Excellent projet, très bien classé."},
        commit,
    )
    _post(
        client,
        pm,
        reverse("selection:decide", args=[d2.pk]),
        {"outcome": "waitlisted", "aid_granted": "", "rationale": "Bon projet, crédits insuffisants."},
        commit,
    )
    _post(
        client,
        pm,
        reverse("selection:decide_bulk"),
        {"applications": [d1.pk], "outcome": "not_selected", "rationale": "Classement insuffisant."},
        commit,
    )
    for dossier in (d1, d2, d3):
        dossier.refresh_from_db()
    assert (d1.state, d2.state, d3.state) == (State.NOT_SELECTED, State.WAITLISTED, State.SELECTED)
    assert d3.aid_granted == Decimal("500000") and d3.decision_note == "Excellent projet, très bien classé."
    assert d2.aid_granted is None
    assert sorted(m.to[0] for m in mail.outbox) == sorted([d1.owner.email, d2.owner.email, d3.owner.email])
    notice = next(m for m in mail.outbox if m.to == [d3.owner.email])
    assert "lauréat" in notice.body and "500 000,00" in notice.body.replace("\xa0", " ")
    assert reverse("laureates:letter", args=[d3.decision.pk]) in notice.body

    # Letters: rendered by WeasyPrint, read back with pypdf; no reviewer identity inside.
    for dossier, expected in ((d3, "Lauréat"), (d2, "Liste complémentaire"), (d1, "Non retenu")):
        decision = Decision.objects.get(application=dossier)
        reader = PdfReader(io.BytesIO(pdf.render_decision_letter(decision)))
        assert len(reader.pages) >= 1 and not reader.is_encrypted
        text = " ".join(page.extract_text() for page in reader.pages)
        assert dossier.reference in text and expected in text
        for reviewer in (r1, r2, r3, r4):
            assert reviewer.last_name not in text and reviewer.email not in text
    # The owner downloads their letter; another applicant cannot.
    client.force_login(d3.owner)
    response = client.get(reverse("laureates:letter", args=[d3.decision.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    client.force_login(d1.owner)
    assert client.get(reverse("laureates:letter", args=[d3.decision.pk])).status_code == 404

    # Public page: laureates only once published.
    client.logout()
    assert d3.title not in client.get(reverse("laureates:list")).content.decode()
    _post(client, pm, reverse("selection:publish"), {"wave": wave.pk, "confirm": "1"}, commit)
    client.logout()
    public = client.get(reverse("laureates:list")).content.decode()
    assert d3.title in public and d2.title not in public and d1.title not in public
    assert r1.last_name not in public
