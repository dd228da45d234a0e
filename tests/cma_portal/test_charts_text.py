"""Pilotage charts state their figures in a text alternative (issue 13, RGAA 1.3)."""

import re

from django.utils import translation

from pilotage.charts import bar_chart


def test_chart_text_alternative_states_every_figure():
    svg = bar_chart(
        [("Lettres déposées", 12), ("GO", 5)], title="Entonnoir", target=40, target_label="objectif"
    )
    labelledby = re.search(r'aria-labelledby="([^"]+)"', svg).group(1).split()
    assert len(labelledby) == 2
    for element_id in labelledby:
        assert f'id="{element_id}"' in svg
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", svg).group(1)
    assert desc == "Lettres déposées : 12; GO : 5; objectif : 40."


def test_chart_text_alternative_in_english():
    with translation.override("en"):
        svg = bar_chart([("Letters", 1234)], title="Funnel")
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", svg).group(1)
    assert desc == "Letters: 1\u202f234."
