"""The demo's banner on the 503 page, which is rendered without the database: the demo app
hands the cached flag to the shell (web/pagecache.offline_context), the shell knows no demo."""

from django.core.cache import cache
from django.test import RequestFactory

from unmask.demo.context_processors import DEMO_CACHE_KEY
from unmask.web import pagecache


def test_the_503_page_shows_the_banner_from_the_cache_alone():
    request = RequestFactory().get("/map/")
    cache.set(DEMO_CACHE_KEY, True)
    response = pagecache.unavailable(request)
    assert response.status_code == 503
    assert "Fictional demo data" in response.content.decode()
    cache.delete(DEMO_CACHE_KEY)  # unknown without the database: no banner rather than a query
    assert "Fictional demo data" not in pagecache.unavailable(request).content.decode()
