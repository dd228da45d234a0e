"""Wide tables read as stacked rows at 320 px (issue 13 point 4, WCAG 1.4.10): for every staff
list and the applicant's tables, the page does not scroll sideways, no table needs sideways
scrolling, every visible cell shows its column header as a label, the sort links of the letters
list and the ranking's selection checkboxes stay usable, and axe-core finds nothing blocking in
the stacked layout."""

import os

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import pytest  # noqa: E402
from django.urls import reverse  # noqa: E402

from tests.e2e import a11y_dataset  # noqa: E402
from tests.e2e.conftest import login_page_as, save_screenshot  # noqa: E402
from tests.e2e.stacked_tables import stacked_tables  # noqa: E402
from tests.e2e.test_accessibility import (  # noqa: E402, F401
    MOBILE,
    axe_source,
    axe_violations,
    new_context,
    overflow,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OWNER, REVIEWER, PM, ADMIN, ANON = (
    a11y_dataset.OWNER,
    a11y_dataset.REVIEWER,
    a11y_dataset.PM,
    a11y_dataset.ADMIN,
    a11y_dataset.ANON,
)


def table_pages(data, objs):
    """(role, URL, needs at least one data row, screenshot name or None)."""
    app = data["app"]
    ranking = f"{reverse('selection:ranking')}?wave={objs['under_review'].wave_id}"
    return [
        (PM, reverse("instruction:letters"), True, "mobile-letters.png"),
        (PM, reverse("instruction:detail", args=[app.pk]), True, None),
        (PM, reverse("selection:dossiers"), True, "mobile-dossiers.png"),
        (PM, reverse("selection:dossier", args=[app.pk]), True, None),
        (PM, ranking, True, "mobile-ranking.png"),
        (PM, reverse("pilotage:dashboard"), True, None),
        (PM, reverse("grants_staff:agreements"), True, None),
        (PM, reverse("grants_staff:overdue"), False, None),
        (PM, reverse("grants_staff:agreement", args=[app.pk]), True, None),
        (PM, reverse("applications:history", args=[app.pk]), True, None),
        (REVIEWER, reverse("evaluation:queue"), True, "mobile-queue.png"),
        (ADMIN, reverse("pilotage:waves"), True, None),
        (ADMIN, reverse("pilotage:users"), True, None),
        (ADMIN, reverse("grids:list"), True, None),
        (ADMIN, reverse("pilotage:email_templates"), True, None),
        (OWNER, reverse("applications:dashboard"), True, None),
        (OWNER, reverse("applications:collaborators", args=[app.pk]), True, None),
        (ANON, reverse("waves:calendar"), True, None),
    ]


def test_wide_tables_stack_at_320(browser, live_server, axe_source, tmp_path):  # noqa: F811
    data, objs, _extra = a11y_dataset.build()
    problems: list[str] = []
    contexts = {}
    for role, url, needs_rows, screenshot in table_pages(data, objs):
        if role not in contexts:
            context = new_context(browser, "fr", viewport=MOBILE)
            page = context.new_page()
            user = data["users"][role]
            if user is not None:
                login_page_as(page, live_server, user)
            contexts[role] = (context, page)
        page = contexts[role][1]
        page.goto(live_server.url + url)
        found = stacked_tables(page)
        if found["tables"] == 0:
            problems.append(f"{url}: no stacked table")
        if needs_rows and found["rows"] == 0:
            problems.append(f"{url}: no data row to check")
        problems += [f"{url}: {problem}" for problem in found["problems"]]
        extra_px = overflow(page)
        if extra_px > 0:
            problems.append(f"{url}: page {extra_px}px wider than 320")
        problems += [f"{url}: {violation}" for violation in axe_violations(page, axe_source)]
        if screenshot:
            save_screenshot(page, tmp_path, screenshot)
    assert not problems, "\n".join(problems)

    # The letters list's sort links stay visible at 320 px and still sort (aria-sort follows).
    page = contexts[PM][1]
    page.goto(live_server.url + reverse("instruction:letters"))
    sort_link = page.locator("table.cma-stack thead th[data-sortable] a").nth(1)
    assert sort_link.is_visible()
    sort_link.click()
    page.wait_for_load_state()
    assert page.locator("table.cma-stack thead th[aria-sort]").count() == 1
    assert stacked_tables(page)["problems"] == []

    # The ranking's selection checkboxes are visible and can be ticked for the bulk decision.
    page.goto(live_server.url + f"{reverse('selection:ranking')}?wave={objs['under_review'].wave_id}")
    checkbox = page.locator("table.cma-stack input[type=checkbox][name=applications]").first
    assert checkbox.is_visible()
    checkbox.check()
    assert checkbox.is_checked()
    for context, _page in contexts.values():
        context.close()
