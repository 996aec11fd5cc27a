"""The "demo data loaded" flag every page shows as a banner: read from DemoDataset, kept in the
cache (the loader deletes the key when it loads or removes the demo)."""

from django.core.cache import cache

DEMO_CACHE_KEY = "unmask:demo-loaded"


def demo_loaded() -> bool:
    """Whether the fictional demo data is loaded (cached; the loader clears the key)."""
    value = cache.get(DEMO_CACHE_KEY)
    if value is None:
        from unmask.record.models import DemoDataset

        value = DemoDataset.objects.exists()
        cache.set(DEMO_CACHE_KEY, value, 300)
    return value


def demo(request) -> dict:
    return {"demo_data": demo_loaded()}


def offline() -> dict:
    """The flag for a page rendered without the database (web/pagecache.unavailable): the cached
    value, or no banner."""
    return {"demo_data": cache.get(DEMO_CACHE_KEY, False)}
