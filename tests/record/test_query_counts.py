"""Public pages cost a fixed number of queries, however much the record holds."""

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from unmask.record import services
from unmask.record.models import Product, Site


def _grow(world, make_org, make_link, source, start: int, stop: int) -> None:
    """Add suppliers, each with a part one tier deeper, a confirmed link, a reply and a site."""
    hub, parent = world["hub"], world["deepest"]
    for i in range(start, stop):
        org = make_org(f"Supplier {i:03d}", country=["DE", "CZ", "PL"][i % 3], allow_duplicate=True)
        part = services.save_record(
            Product(name=f"Part {i:03d}", kind="component", maker=org, part_of=parent)
        )
        services.add_citation(part, source, locator=f"p. {i}")
        services.publish(part)
        parent = part
        link = make_link(org, hub, product=part, start="2020")
        services.change_status(link, "confirmed", note="Invoice")
        reply = services.record_response(
            organization=org, link=link, received_on="2024-01-02", channel="email", text="Reply."
        )
        services.publish_response(reply)
        site = services.save_record(
            Site(
                organization=org if i % 2 else hub,
                role="factory",
                city=f"City {i}",
                country="TR",
                latitude=39.0 + i / 10,
                longitude=32.0 + i / 10,
            )
        )
        services.add_citation(site, source, locator="map")
        services.publish(site)
    world["deepest"] = parent


def _queries(client, path: str) -> int:
    """Queries of one request, after a warm-up; derived data (map, graph) built afresh."""
    assert client.get(path).status_code == 200, path
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    return len(captured)


def test_query_counts_do_not_grow_with_the_record(client, make_org, make_link, source):
    hub = make_org("Talvik Aerosystems", country="TR", names=[("Талвик", "local")])
    program = services.save_record(Product(name="Talvik-9 program", kind="program", maker=hub))
    services.add_citation(program, source, locator="p. 1")
    services.publish(program)
    world = {"hub": hub, "deepest": program}
    paths = [
        "/",
        "/org/",
        "/org/?q=supplier&country=DE&relation=supplies_component",
        hub.get_absolute_url(),
        f"/org/{hub.public_id}/{hub.slug}/history/",
        f"/org/{hub.public_id}/{hub.slug}/feed/",
        program.get_absolute_url(),
        source.get_absolute_url(),
        "/country/TR/",
        "/feeds/changes/",
        "/map/",
        f"/map/?product={program.public_id}&active=1",
        "/map/sites.geojson",
        f"/map/sites.geojson?product={program.public_id}&country=TR",
        "/embed/map/",
        "/graph/",
        f"/graph/?product={program.public_id}",
        "/graph/network.json",
        f"/graph/network.json?product={program.public_id}",
        f"/graph/network.json?ego={hub.public_id}&depth=2",
        "/graph/network.graphml",
    ]
    _grow(world, make_org, make_link, source, 0, 2)
    small = {path: _queries(client, path) for path in paths}
    _grow(world, make_org, make_link, source, 2, 14)  # seven times the rows, a deeper tree
    big = {path: _queries(client, path) for path in paths}
    assert big == small
