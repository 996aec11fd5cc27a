"""Every Atom feed names itself and its entries with absolute ids (tag: URIs of the configured
site, RFC 4151) that a rename never changes, and has an author (RFC 4287 4.1.1), so feed readers
neither show an organization's whole history again after a rename nor reject the feed."""

from __future__ import annotations

from urllib.parse import urlsplit

import feedparser
import pytest

from unmask.record import services

SITE = "https://unmask.example.org"
PREFIX = "tag:unmask.example.org,"


@pytest.fixture
def feeds(settings, announced, network):
    settings.SITE_URL = SITE
    return network["orgs"]["engines"]


def read(client, url: str):
    # A Host header that is not the site's: ids must not follow it.
    response = client.get(url, HTTP_HOST="localhost:8770")
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert not feed.bozo, (url, feed.get("bozo_exception"))
    return feed


def urls(org) -> list[str]:
    return [
        "/feeds/changes/",
        f"/org/{org.public_id}/{org.slug}/feed/",
        "/feeds/actions.atom",
        "/feeds/actions.atom?country=DE",
        "/feeds/calls.atom",
    ]


def test_every_feed_has_absolute_site_ids_and_an_author(client, feeds):
    ids = {}
    for url in urls(feeds):
        feed = read(client, url)
        assert feed.feed.id.startswith(PREFIX), url
        assert feed.feed.author_detail.name == "unmask", url
        assert feed.entries, url
        for entry in feed.entries:
            assert entry.id.startswith(PREFIX) and urlsplit(entry.id).scheme == "tag", entry.id
            assert entry.link.startswith("http://localhost:8770/"), entry.link  # links: absolute
        assert len({e.id for e in feed.entries}) == len(feed.entries), url
        ids[url] = feed.feed.id
    assert len(set(ids.values())) == len(ids)  # a filtered feed is a feed of its own


def test_a_rename_keeps_the_feed_id_and_every_entry_id(client, feeds):
    before = read(client, urls(feeds)[1])
    services.update_record(feeds, name="Korvex Propulsion", reason="Renamed, registry 2026")
    feeds.refresh_from_db()
    assert feeds.slug == "korvex-propulsion"
    after = read(client, urls(feeds)[1])
    assert after.feed.id == before.feed.id
    old, new = {e.id for e in before.entries}, {e.id for e in after.entries}
    assert old < new and len(new - old) == 1  # the rename is the one new entry
