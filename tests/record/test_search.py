"""Search is case- and diacritics-insensitive, in every script, on SQLite and PostgreSQL alike."""

import pytest

from unmask.record import services
from unmask.record.filters import OrganizationFilters


@pytest.fixture
def orgs(make_org):
    return {
        "yildirim": make_org("Yıldırım Havacılık Sanayi ve Ticaret Anonim Şirketi", country="TR"),
        "korvex": make_org(
            "KORVEX AERODYNAMICS",
            country="DE",
            identifiers=[("lei", "DEMO00KORVEX00000080"), ("registry", "HRB 45-812")],
        ),
        "vektor": make_org(
            "Вектор Дрон", country="UA", names=[("Vektor Drone", "transliteration")]
        ),
        "mueller": make_org("Müller & Söhne Präzisionsteile", country="AT"),
    }


def _names(query: str) -> set[str]:
    return {o.name for o in OrganizationFilters(q=query).apply()}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("korvex", "KORVEX AERODYNAMICS"),
        ("Korvex aero", "KORVEX AERODYNAMICS"),  # every word, each as a prefix
        ("sirketi", "Yıldırım Havacılık Sanayi ve Ticaret Anonim Şirketi"),
        ("ŞİRKETİ", "Yıldırım Havacılık Sanayi ve Ticaret Anonim Şirketi"),
        ("havacilik", "Yıldırım Havacılık Sanayi ve Ticaret Anonim Şirketi"),
        ("muller sohne", "Müller & Söhne Präzisionsteile"),
        ("MÜLLER", "Müller & Söhne Präzisionsteile"),
        ("вектор", "Вектор Дрон"),
        ("vektor", "Вектор Дрон"),  # the transliteration, and the folded Cyrillic
        ("demo00korvex", "KORVEX AERODYNAMICS"),  # an identifier
        ("DEMO00KORVEX00000080", "KORVEX AERODYNAMICS"),
        ("HRB 45-812", "KORVEX AERODYNAMICS"),  # as printed, with its space and hyphen
        ("hrb45812", "KORVEX AERODYNAMICS"),
    ],
)
def test_search_ignores_case_and_diacritics(orgs, query, expected):
    assert _names(query) == {expected}


def test_the_reverse_a_plain_name_is_found_from_accented_input(make_org):
    make_org("Sirketi Demo Holding", country="TR")
    assert _names("şirketi demo") == {"Sirketi Demo Holding"}


def test_search_follows_renames_and_new_aliases(orgs):
    korvex = orgs["korvex"]
    services.update_record(korvex, name="Talvik Defence Systems", reason="Renamed 2024")
    assert _names("korvex") == set()
    assert _names("talvik") == {"Talvik Defence Systems"}
    services.save_record(korvex.names.model(organization=korvex, name="Old Korvex", kind="former"))
    assert _names("korvex") == {"Talvik Defence Systems"}


def test_drafts_are_never_found(make_org):
    make_org("Korvex Hidden Draft", publish=False)
    assert _names("korvex") == set()


def test_search_syntax_is_never_interpreted(orgs):
    for query in ['"', "korvex OR 1", "NEAR(a b)", "*", "a:*|b", "'); DROP TABLE x; --"]:
        OrganizationFilters(q=query).apply().count()  # no error, whatever the engine


def test_many_matches_give_the_same_page_and_count_read_along_the_names(
    make_org, client, monkeypatch
):
    """Where the words match many organizations (search.DENSE), the directory reads the page
    along the index of names and counts in the search index (SQLite): the same organizations,
    in the same order, the same total, drafts left out, as when the matches are few."""
    from unmask.record import queries

    for name in ("Korvex Zeta", "korvex alpha", "Korvex Émile", "KORVEX beta", "Korvex Gamma"):
        make_org(name, allow_duplicate=True)  # Zeta and beta: a slip apart for the matcher
    make_org("Korvex Hidden Draft", publish=False)
    make_org("Lindqvist Korvexa")  # a prefix of a later word matches too

    def page(sort: str = "name") -> tuple[list[str], int]:
        context = queries.directory_page(OrganizationFilters(q="korvex", sort=sort), None)
        return [row["name"] for row in context["organizations"]], context["total"]

    monkeypatch.setattr(queries, "DENSE", 10**9)  # few: sorted as before
    few, few_reversed = page(), page("-name")
    monkeypatch.setattr(queries, "DENSE", 1)  # many: along the names
    assert page() == few and page("-name") == few_reversed
    assert few[1] == 6 and "Korvex Hidden Draft" not in few[0]
    assert few_reversed[0] == list(reversed(few[0]))
    body = client.get("/org/", {"q": "korvex"}).content.decode()
    assert '<p class="result-count" role="status">6 organizations</p>' in body
