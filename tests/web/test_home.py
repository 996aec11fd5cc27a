from django.core.cache import cache

from unmask.demo.context_processors import DEMO_CACHE_KEY
from unmask.record import services
from unmask.record.models import DemoDataset


def test_the_home_page_shows_what_the_record_holds_and_what_changed(client, make_org, make_link):
    a = make_org("Korvex Aerodynamics")
    b = make_org("Lindqvist Composites", country="SE")
    make_org("Vantor Systems", country="FR", publish=False)
    link = make_link(a, b)
    services.change_status(link, "disputed", note="A customs record contradicts it")
    page = client.get("/").content.decode()
    counts = page.split('id="counts-title"')[1].split("</dl>")[0]
    assert "<dt>Organizations</dt><dd>2</dd>" in counts  # the draft is not counted
    assert "<dt>Countries</dt><dd>2</dd>" in counts
    assert "<dt>Sourced links</dt><dd>1</dd>" in counts
    changes = page.split('id="changes-title"')[1].split("</ol>")[0]
    assert "Korvex Aerodynamics supplies components to Lindqvist Composites" in changes
    assert "A customs record contradicts it" in changes
    assert "Vantor" not in page
    assert 'href="/methodology/"' in page

    # The counts are kept between readers, and counted again once the record changes.
    make_org("Vantor Optics", country="FR")
    page = client.get("/").content.decode()
    counts = page.split('id="counts-title"')[1].split("</dl>")[0]
    assert "<dt>Organizations</dt><dd>3</dd>" in counts
    assert "<dt>Countries</dt><dd>3</dd>" in counts


def test_every_page_says_so_while_the_demo_data_is_loaded(client, db):
    cache.delete(DEMO_CACHE_KEY)
    assert "Fictional demo data" not in client.get("/").content.decode()
    DemoDataset.objects.create(seed=1, organizations=0)
    cache.delete(DEMO_CACHE_KEY)
    for path in ("/", "/methodology/"):
        assert "Fictional demo data" in client.get(path).content.decode()
    cache.delete(DEMO_CACHE_KEY)
