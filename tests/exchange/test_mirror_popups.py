"""The mirror writes the map's site popups from one read of the record (mirror.PopupSource), not
a request per site: each script must be the very one a request to the popup's address gives
(maps.views.site through data_script), in every language, the campaign's actions included."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import translation

from unmask.exchange import mirror


@pytest.mark.django_db
def test_popups_in_bulk_are_what_the_site_answers(
    network, announced, make_org, make_link, tmp_path
):
    integrator = network["orgs"]["integrator"]
    for number in range(6):  # more links than a popup lists: the newest five, and "more"
        make_link(make_org(f"Subcontractor {number}", country="IT"), integrator)
    make_link(make_org("Hidden Parts Ltd", country="IT"), integrator, publish=False)
    languages = ["en", "ar"]
    by_request = mirror.Mirror(tmp_path / "requests", languages=languages)
    in_bulk = mirror.Mirror(tmp_path / "bulk", languages=languages)
    written = {}
    for site in network["sites"].values():
        for language in languages:
            with translation.override(language):
                url = reverse("maps:site", args=[site.public_id])
            by_request.data_script(url, "")
            in_bulk.site_popup(url)
            name = url.lstrip("/") + ".js"
            bulk = (tmp_path / "bulk" / name).read_bytes()
            assert bulk == (tmp_path / "requests" / name).read_bytes(), name
            written[(site.public_id, language)] = bulk
    assert in_bulk.popups.site(f"/map/sites/{site.public_id}.json").pk == site.pk
    assert not [url for url in in_bulk.fetched if "/map/sites/" in url]  # no request made
    assert set(in_bulk.popups.untargeted) == set(languages)  # the swapped answers were checked

    def data(key: str, language: str = "en") -> dict:
        script = written[(network["sites"][key].public_id, language)].decode()
        return json.loads(script.split("] = ", 1)[1].rstrip(";\n"))

    assert data("integrator")["more_links"] and len(data("integrator")["links"]) == 5
    assert "Hidden Parts Ltd" not in json.dumps(data("integrator"))
    assert data("engines")["actions"][0]["title"] == "Vigil at the Korvex gate"
    assert data("engines", "ar")["language"] == "ar"
