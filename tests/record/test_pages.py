"""The public pages of the record, as a reader, a journalist and the organization named use them."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache

from unmask.record import services
from unmask.record.models import Product, Response, Site

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def program(make_org, make_link, source):
    """A program with parts four tiers deep and a supplier at each tier."""
    integrator = make_org("Talvik Aerosystems", country="TR")
    orgs = [
        make_org(f"Tier {n} Supplier", country=c)
        for n, c in ((1, "DE"), (2, "CZ"), (3, "PL"), (4, "SE"))
    ]
    chain, parent = [], None
    for name, kind, maker in [
        ("Talvik-9 program", "program", integrator),
        ("Talvik-9B airframe", "platform", integrator),
        ("KX-40 engine", "engine", orgs[0]),
        ("KX-40 turbine blade", "component", orgs[1]),
        ("Nickel superalloy", "material", orgs[2]),
    ]:
        product = services.save_record(Product(name=name, kind=kind, maker=maker, part_of=parent))
        services.add_citation(product, source, locator="p. 2")
        services.publish(product)
        chain.append(product)
        parent = product
    links = [
        make_link(orgs[0], integrator, product=chain[2]),
        make_link(orgs[1], orgs[0], product=chain[3]),
        make_link(orgs[2], orgs[1], product=chain[4], relation="supplies_material"),
        make_link(orgs[3], orgs[2], product=chain[4], relation="finances"),
    ]
    return {"integrator": integrator, "orgs": orgs, "chain": chain, "links": links}


def test_the_supply_tree_nests_four_tiers_with_each_links_status(client, program):
    services.change_status(program["links"][3], "ended", note="Financing repaid", effective="2023")
    customs = services.create_source(title="Customs 2022", kind="customs", url="https://e.org/c")
    services.add_citation(program["links"][0], customs, locator="row 3")
    withdrawn = services.add_citation(program["links"][0], customs, locator="row 4")
    services.soft_delete(withdrawn, reason="Same shipment as row 3")
    page = client.get(program["chain"][0].get_absolute_url()).content.decode()
    tree = page.split('class="tree tree-root"')[1]
    positions = [tree.index(p.name) for p in program["chain"]]
    assert positions == sorted(positions)
    depths = [int(d) for d in re.findall(r'class="tree-node depth-(\d+)"', tree)]
    assert depths == [0, 1, 2, 3, 4]  # program > airframe > engine > blade > alloy
    material = tree.split("Nickel superalloy")[1]
    assert "Tier 3 Supplier" in material and "supplies materials to" in material
    assert "Tier 4 Supplier" in material and "Ended" in material and "2023" in material
    engine = tree.split("KX-40 engine")[1].split("KX-40 turbine blade")[0]
    assert "Tier 1 Supplier" in engine and "2 sources" in engine  # the deleted citation not counted
    assert "1 source<" in material


def _listed(page: str) -> set[str]:
    """The organization names in the directory's result list."""
    if 'class="directory"' not in page:
        return set()
    listing = page.split('class="directory"')[1].split("</ol>")[0]
    return set(re.findall(r"<strong>([^<]+)</strong>", listing))


def test_the_directory_filters_live_in_the_url(client, program):
    page = client.get("/org/", {"country": "cz", "relation": "supplies_component"}).content.decode()
    assert _listed(page) == {"Tier 2 Supplier"}
    assert '<option value="CZ" selected>' in page
    canonical = (
        'rel="canonical" href="http://testserver/org/?country=CZ&amp;relation=supplies_component"'
    )
    assert canonical in page
    alloy = program["chain"][4].public_id
    page = client.get("/org/", {"product": alloy}).content.decode()
    assert _listed(page) == {"Tier 2 Supplier", "Tier 3 Supplier", "Tier 4 Supplier"}
    assert _listed(client.get("/org/", {"status": "ended"}).content.decode()) == set()
    services.change_status(program["links"][3], "ended", note="Repaid", effective="2023")
    assert _listed(client.get("/org/", {"status": "ended"}).content.decode()) == {
        "Tier 3 Supplier",
        "Tier 4 Supplier",
    }
    assert client.get("/org/", {"kind": "nonsense", "sort": "x", "page": "999"}).status_code == 200


def test_the_directory_paginates_in_a_stable_order(client, make_org):
    for i in range(55):
        make_org(f"Korvex Unit {i:02d}", country="DE", allow_duplicate=True)
    first = client.get("/org/", {"q": "korvex"}).content.decode()
    second = client.get("/org/", {"q": "korvex", "page": 2}).content.decode()
    assert "55 organizations" in first
    assert "Korvex Unit 49" in first and "Korvex Unit 50" not in first
    assert "Korvex Unit 50" in second and "Korvex Unit 54" in second
    assert 'href="?q=korvex&amp;page=2"' in first
    # The count of a search is kept between readers, and counted again after an edit (with a
    # filter too: on SQLite words alone are counted in the search index, the rest like this).
    assert (
        "55 organizations" in client.get("/org/", {"q": "korvex", "country": "DE"}).content.decode()
    )
    make_org("Korvex Unit 55", country="DE", allow_duplicate=True)
    for params in ({"q": "korvex"}, {"q": "korvex", "country": "DE"}):
        assert "56 organizations" in client.get("/org/", params).content.decode(), params


def test_a_country_page_lists_its_organizations_and_sites(client, program, source):
    site = services.save_record(
        Site(organization=program["orgs"][1], role="factory", city="Brno", country="CZ")
    )
    services.add_citation(site, source, locator="p. 8")
    services.publish(site)
    page = client.get("/country/cz/").content.decode()
    assert "Czechia" in page and "Tier 2 Supplier" in page and "Brno" in page
    assert client.get("/country/XX/").status_code == 404
    assert client.get("/country/FR/").status_code == 404  # nothing public there


def test_a_big_country_and_a_big_source_stay_one_page(client, make_org, source, monkeypatch):
    """A country with thousands of organizations lists the first few and leads to the directory
    and the map; a source behind thousands of claims pages through them."""
    from unmask.record import queries

    monkeypatch.setattr(queries, "COUNTRY_LIST_LIMIT", 3)
    monkeypatch.setattr(queries, "CLAIMS_PER_PAGE", 4)
    for i in range(6):
        make_org(f"Korvex Unit {i:02d}", country="CZ", allow_duplicate=True)
    page = client.get("/country/CZ/").content.decode()
    assert "Korvex Unit 02" in page and "Korvex Unit 03" not in page
    assert "See all 6 organizations, with search and filters" in page
    assert 'href="/org/?country=CZ"' in page

    first = client.get(source.get_absolute_url()).content.decode()
    second = client.get(source.get_absolute_url(), {"page": 2}).content.decode()
    assert "Korvex Unit 03" in first and "Korvex Unit 04" not in first
    assert "Korvex Unit 04" in second and "Page 2 of 2" in second
    assert "6 public claims it supports" in first  # the description counts them all


def test_the_public_history_shows_every_change_with_its_reason(client, program):
    org = program["orgs"][0]
    services.update_record(org, name="Tier One Propulsion", reason="Renamed, registry 2024")
    services.change_status(program["links"][0], "disputed", note="The company denies deliveries")
    page = client.get(f"/org/{org.public_id}/{org.slug}/history/").content.decode()
    assert "Renamed, registry 2024" in page
    assert "The company denies deliveries" in page
    assert client.get(f"/org/{org.public_id}/tier-1-supplier/history/").status_code == 301


def test_the_atom_feeds_parse_and_carry_the_changes(client, program):
    services.change_status(program["links"][1], "confirmed", note="Invoice seen")
    feed = ET.fromstring(client.get("/feeds/changes/").content)
    titles = [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]
    assert "Tier 2 Supplier supplies components to Tier 1 Supplier (KX-40 turbine blade)" in titles
    org = program["orgs"][1]
    feed = ET.fromstring(client.get(f"/org/{org.public_id}/{org.slug}/feed/").content)
    summaries = [e.findtext(f"{ATOM}summary") for e in feed.iter(f"{ATOM}entry")]
    assert any("Invoice seen" in (s or "") for s in summaries)
    assert "Talvik" not in feed.findtext(f"{ATOM}title")


def test_every_page_has_a_canonical_url_title_and_description(client, program, source):
    """For search engines and link previews (Open Graph): each page names itself, describes
    itself in its own words, and gives one canonical address without stray query parameters."""
    org, product = program["orgs"][0], program["chain"][0]
    pages = {
        "/?from=newsletter": ("unmask", "http://testserver/"),
        "/org/?country=DE&utm_source=x": ("Organizations", "http://testserver/org/?country=DE"),
        f"{org.get_absolute_url()}?ref=1": (org.name, f"http://testserver{org.get_absolute_url()}"),
        product.get_absolute_url(): (
            product.name,
            f"http://testserver{product.get_absolute_url()}",
        ),
        source.get_absolute_url(): (source.title, f"http://testserver{source.get_absolute_url()}"),
        "/country/DE/": ("Germany", "http://testserver/country/DE/"),
        "/methodology/": ("Methodology", "http://testserver/methodology/"),
    }
    default = None
    for path, (title, canonical) in pages.items():
        page = client.get(path).content.decode()
        head = page.split("</head>")[0]
        assert re.search(rf"<title>{re.escape(title)}( · |<)", head), path
        assert f'<meta property="og:title" content="{title}' in head, path
        assert f'<link rel="canonical" href="{canonical}">' in head, path
        assert f'<meta property="og:url" content="{canonical}">' in head, path
        description = re.search(r'<meta name="description" content="([^"]+)">', head)[1]
        assert f'<meta property="og:description" content="{description}">' in head, path
        if path.startswith("/?"):
            default = description
        else:
            assert description != default, f"{path} keeps the site's default description"


class TestReplyForm:
    @pytest.fixture
    def url(self, program):
        org = program["orgs"][0]
        return f"/org/{org.public_id}/{org.slug}/reply/"

    def test_a_reply_waits_for_review_and_stores_no_address(self, client, program, url):
        link = program["links"][0]
        response = client.post(
            url,
            {
                "link": link.public_id,
                "text": "We ended all deliveries of the KX-40 in 2022.",
                "contact_email": "press@tier1.example",
                "website": "",
            },
            REMOTE_ADDR="198.51.100.23",
        )
        assert response.status_code == 302 and response["Location"].endswith("?sent=1")
        reply = Response.objects.get()
        assert (reply.status, reply.channel, reply.link, reply.contact_email) == (
            "received",
            "web_form",
            link,
            "press@tier1.example",
        )
        assert "198.51.100.23" not in repr(list(Response.history.values()))
        assert "press@tier1.example" not in repr(list(Response.history.values()))
        assert (
            "We ended all deliveries"
            not in client.get(program["orgs"][0].get_absolute_url()).content.decode()
        )
        services.publish_response(reply)
        reply.refresh_from_db()
        assert reply.contact_email == ""
        assert (
            "We ended all deliveries"
            in client.get(program["orgs"][0].get_absolute_url()).content.decode()
        )

    def test_errors_keep_what_was_typed(self, client, url):
        page = client.post(
            url, {"text": "Too short", "contact_email": "not-an-address"}
        ).content.decode()
        assert "Too short" in page and "not-an-address" in page
        assert "Enter a valid email address." in page
        assert "Ensure this value has at least 20 characters" in page
        assert not Response.objects.exists()

    def test_the_honeypot_and_the_rate_limit_stop_bots(self, client, url):
        data = {
            "text": "A long enough reply from a bot, surely.",
            "contact_email": "bot@example.org",
        }
        trapped = client.post(url, data | {"website": "http://spam.example"}).content.decode()
        assert not Response.objects.exists()
        assert "The reply could not be sent." in trapped and "must stay empty" not in trapped
        assert "spam.example" not in trapped and "A long enough reply from a bot" in trapped
        cache.clear()
        for _ in range(5):
            assert client.post(url, data, REMOTE_ADDR="203.0.113.9").status_code == 302
        limited = client.post(url, data, REMOTE_ADDR="203.0.113.9")
        assert limited.status_code == 429 and 3500 < int(limited["Retry-After"]) <= 3600
        assert "Too many replies" in limited.content.decode()
        assert "<form" not in limited.content.decode()  # a short page, not the form again
        assert client.post(url, data, REMOTE_ADDR="203.0.113.10").status_code == 302


def test_the_language_links_keep_the_page_and_its_filters(client, program):
    page = client.get("/de/org/", {"country": "CZ"}).content.decode()
    assert 'href="/ar/org/?country=CZ" lang="ar"' in page
    assert 'href="/org/?country=CZ" lang="en"' in page


def test_a_busy_part_shows_its_newest_links_and_points_to_the_rest(
    client, program, make_org, make_link
):
    engine = program["chain"][2]
    for i in range(6):
        make_link(
            make_org(f"Engine Shop {i}", country="FR", allow_duplicate=True),
            program["integrator"],
            product=engine,
        )
    tree = client.get(program["chain"][0].get_absolute_url()).content.decode().split("tree-root")[1]
    engine_node = tree.split("KX-40 engine")[1].split("KX-40 turbine blade")[0]
    shown = re.findall(r"Engine Shop (\d)", engine_node)
    assert shown == ["5", "4", "3", "2", "1"]  # the newest five
    assert f"/org/?product={engine.public_id}" in engine_node
