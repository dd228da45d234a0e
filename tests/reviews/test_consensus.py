"""Issue 15: the consensus of a rapporteur and the evaluation summary, through the pages.

Three reviews → the programme manager names a rapporteur → the rapporteur writes the consensus
beside the individual reviews (spread highlighted) → sent back once, then validated → the ranking
uses the consensus score (individual and corrected means still shown) → staff reword the summary
→ the decision releases it → the applicant reads it on the application page, in the PDF and the
email, where no reviewer's name, address or individual review appears."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cma_portal.models import AuditEvent
from reviews.models import Assignment, Consensus, EvaluationSummary, Review
from tests.applications.test_pdf_tags import assert_tagged
from tests.factories import (
    SubmittedDossierFactory,
    UserFactory,
    WaveFactory,
    covering_reviewer,
    programme_manager,
)

pytestmark = pytest.mark.django_db

INDIVIDUAL_OPINION = "Avis individuel confidentiel de l'expert."


def _post(client, user, url, data, commit):
    client.force_login(user)
    with commit():
        return client.post(url, data)


def _assign(client, pm, dossier, reviewer, commit):
    due = (timezone.localdate() + timedelta(days=20)).isoformat()
    response = _post(
        client,
        pm,
        reverse("selection:assign", args=[dossier.pk]),
        {"reviewer": reviewer.pk, "due_on": due},
        commit,
    )
    assert response.status_code == 302
    return Assignment.objects.get(application=dossier, reviewer=reviewer)


def _review(client, assignment, value, commit):
    """Declare no conflict, score every criterion `value` (0–5) and submit, through the pages."""
    reviewer = assignment.reviewer
    _post(client, reviewer, reverse("evaluation:declare", args=[assignment.pk]), {"conflict": "no"}, commit)
    form = client.get(reverse("evaluation:review", args=[assignment.pk])).context["form"]
    data = {"overall_opinion": INDIVIDUAL_OPINION, "recommendation": "fund", "submit": "1"}
    for _criterion, score_name, comment_name in form.criteria_fields:
        data[score_name] = str(value)
        data[comment_name] = f"Remarque individuelle notée {value}"
    response = _post(client, reviewer, reverse("evaluation:review", args=[assignment.pk]), data, commit)
    assert response.status_code == 302
    assert Review.objects.get(assignment=assignment).state == Review.State.SUBMITTED


def _consensus_data(page, value, *, submit=True):
    form = page.context["form"]
    data = {"version": form.initial["version"], "overall_opinion": "Avis de consensus du rapporteur."}
    for criterion, score_name, comment_name in form.criteria_fields:
        data[score_name] = str(value)
        data[comment_name] = f"Consensus sur {criterion.label}"
    data["submit" if submit else "save"] = "1"
    return data


def test_consensus_journey_to_the_applicants_summary(client, commit, settings):
    wave = WaveFactory()
    pm = programme_manager()
    reviewers = [
        covering_reviewer(first_name=first, last_name=last, email=f"{last.lower()}@expertise.fr")
        for first, last in (("Ysoldine", "Quenardel"), ("Amaurix", "Brisefer"), ("Gwenolie", "Tapinard"))
    ]
    d1 = SubmittedDossierFactory(wave=wave, title="Projet premier")
    d2 = SubmittedDossierFactory(wave=wave, title="Projet second")
    other_applicant = UserFactory()

    # d1: three reviews that disagree (5, 4, 2: mean 14.67 / 20); d2: three reviews at 3 (12 / 20).
    a1 = [_assign(client, pm, d1, r, commit) for r in reviewers]
    a2 = [_assign(client, pm, d2, r, commit) for r in reviewers]
    for assignment, value in zip(a2, (3, 3, 3), strict=True):
        _review(client, assignment, value, commit)
    _review(client, a1[0], 5, commit)
    _review(client, a1[1], 4, commit)

    # The programme manager names the first reviewer rapporteur (not yet every review is in).
    mail.outbox.clear()
    response = _post(
        client, pm, reverse("selection:rapporteur", args=[d1.pk]), {"assignment": a1[0].pk}, commit
    )
    assert response.status_code == 302
    consensus = Consensus.objects.get(application=d1)
    assert consensus.assignment == a1[0] and consensus.state == Consensus.State.DRAFT
    assert [m.to for m in mail.outbox] == [[reviewers[0].email]]
    assert AuditEvent.objects.filter(verb="rapporteur_named", object_id=str(consensus.pk)).exists()

    # The third review is missing: the consensus page says so and refuses a submission.
    client.force_login(reviewers[0])
    url = reverse("evaluation:consensus", args=[a1[0].pk])
    page = client.get(url)
    assert page.status_code == 200 and page.context["pending"] == 1 and not page.context["editable"]
    response = _post(client, reviewers[0], url, _consensus_data(page, 2), commit)
    assert response.status_code == 302
    consensus.refresh_from_db()
    assert consensus.state == Consensus.State.DRAFT

    _review(client, a1[2], 2, commit)

    # Another reviewer of the dossier is not the rapporteur: 403; the applicant never gets in.
    client.force_login(reviewers[1])
    assert client.get(reverse("evaluation:consensus", args=[a1[1].pk])).status_code == 403
    client.force_login(d1.owner)
    assert client.get(url).status_code in (403, 404)
    assert client.get(reverse("selection:consensus", args=[d1.pk])).status_code == 403
    assert client.get(reverse("selection:summary", args=[d1.pk])).status_code == 403

    # The rapporteur sees the three reviews side by side, numbered, with the spread highlighted.
    client.force_login(reviewers[0])
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and page.context["editable"]
    assert "Évaluateur·rice 1" in html and "Évaluateur·rice 3" in html
    assert all(row.spread == 3 and row.alert for row in page.context["side"].rows)
    assert "écart important" in html
    assert "Brisefer" not in html and "Tapinard" not in html
    # A submission without comments is refused field by field, with what was typed kept.
    data = _consensus_data(page, 2)
    first_comment = next(k for k in data if k.startswith("comment_"))
    data[first_comment] = ""
    response = _post(client, reviewers[0], url, data, commit)
    assert response.status_code == 400 and "Commentez le critère" in response.content.decode()
    assert "Avis de consensus du rapporteur." in response.content.decode()
    response = _post(client, reviewers[0], url, _consensus_data(page, 2), commit)
    assert response.status_code == 302
    consensus.refresh_from_db()
    assert consensus.state == Consensus.State.SUBMITTED and consensus.weighted_score == Decimal("8.00")

    # The programme manager sends it back once, with a reason the rapporteur receives.
    client.force_login(pm)
    staff_page = client.get(reverse("selection:consensus", args=[d1.pk]))
    assert staff_page.status_code == 200 and "Avis de consensus du rapporteur." in staff_page.content.decode()
    mail.outbox.clear()
    response = _post(
        client,
        pm,
        reverse("selection:consensus_send_back", args=[d1.pk]),
        {"note": "Précisez le budget."},
        commit,
    )
    assert response.status_code == 302
    consensus.refresh_from_db()
    assert consensus.state == Consensus.State.DRAFT and consensus.return_note == "Précisez le budget."
    assert [m.to for m in mail.outbox] == [[reviewers[0].email]] and "Précisez le budget." in mail.outbox[
        0
    ].body
    client.force_login(reviewers[0])
    page = client.get(url)
    assert "Précisez le budget." in page.content.decode()
    assert _post(client, reviewers[0], url, _consensus_data(page, 2), commit).status_code == 302

    # Validated: the summary is initialised from it; the ranking uses the consensus score.
    response = _post(client, pm, reverse("selection:consensus_validate", args=[d1.pk]), {}, commit)
    assert response.status_code == 302
    consensus.refresh_from_db()
    assert consensus.state == Consensus.State.VALIDATED and consensus.validated_by == pm
    summary = EvaluationSummary.objects.get(application=d1)
    assert summary.released_at is None and summary.overall_opinion == "Avis de consensus du rapporteur."
    ranking = client.get(reverse("selection:ranking"), {"wave": wave.pk})
    rows = ranking.context["ranking"].rows
    assert [row.application.pk for row in rows] == [d2.pk, d1.pk]  # 12 (corrected) before 8 (consensus)
    assert rows[1].consensus == 8.0 and round(rows[1].aggregate.mean, 2) == 14.67
    assert rows[1].aggregate.corrected_mean is not None
    text = ranking.content.decode()
    assert "Note de consensus (/20)" in text and "14,67" in text and "8,00" in text
    dossier_page = client.get(reverse("selection:dossier", args=[d1.pk]))
    assert dossier_page.context["rank"] == 2

    # Before the decision the applicant sees no summary, not even the PDF.
    client.force_login(d1.owner)
    assert client.get(reverse("laureates:summary_pdf", args=[d1.pk])).status_code == 404

    # Staff reword the summary, then record the decision, which releases it.
    client.force_login(pm)
    form_page = client.get(reverse("selection:summary", args=[d1.pk]))
    assert form_page.status_code == 200
    data = {"version": summary.version, "overall_opinion": "Synthèse reformulée pour le porteur."}
    for item, name in form_page.context["form"].items:
        data[name] = f"Appréciation transmise : {item.criterion.label}"
    assert _post(client, pm, reverse("selection:summary", args=[d1.pk]), data, commit).status_code == 302
    stale = _post(client, pm, reverse("selection:summary", args=[d1.pk]), data, commit)
    assert stale.status_code == 400 and "modifiée entre-temps" in stale.content.decode()
    mail.outbox.clear()
    response = _post(
        client,
        pm,
        reverse("selection:decide", args=[d1.pk]),
        {"outcome": "not_selected", "rationale": "Projet insuffisamment mûr."},
        commit,
    )
    assert response.status_code == 302
    summary.refresh_from_db()
    assert summary.released_at is not None
    assert AuditEvent.objects.filter(verb="evaluation_summary_released", object_id=str(summary.pk)).exists()
    # Released: no more rewording.
    refused = _post(
        client, pm, reverse("selection:summary", args=[d1.pk]), {**data, "version": summary.version}, commit
    )
    assert refused.status_code == 400
    summary.refresh_from_db()
    assert summary.overall_opinion == "Synthèse reformulée pour le porteur."

    # The applicant: the page, the PDF and the email carry the summary and no reviewer.
    secrets = [s for r in reviewers for s in (r.first_name, r.last_name, r.email)]
    secrets += [INDIVIDUAL_OPINION, "Remarque individuelle"]
    client.force_login(d1.owner)
    page = client.get(reverse("applications:detail", args=[d1.pk])).content.decode()
    assert "Synthèse de l'évaluation" in page and "Synthèse reformulée pour le porteur." in page
    assert "Appréciation transmise" in page and "8,00 / 20" in page
    assert not [s for s in secrets if s in page]
    response = client.get(reverse("laureates:summary_pdf", args=[d1.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert_tagged(response.content, "fr")
    pdf_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Synthèse reformulée pour le porteur." in pdf_text and "Appréciation transmise" in pdf_text
    assert not [s for s in secrets if s in pdf_text]
    notices = [m for m in mail.outbox if m.to == [d1.owner.email]]
    assert len(notices) == 1
    bodies = notices[0].body + "".join(content for content, _type in notices[0].alternatives)
    assert "synthèse de l'évaluation" in bodies.lower()
    assert reverse("applications:detail", args=[d1.pk]) in bodies
    assert not [s for s in secrets if s in bodies]

    # Another applicant sees neither the page nor the PDF.
    client.force_login(other_applicant)
    assert client.get(reverse("applications:detail", args=[d1.pk])).status_code == 404
    assert client.get(reverse("laureates:summary_pdf", args=[d1.pk])).status_code == 404
