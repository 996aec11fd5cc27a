from django.conf import settings
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


def site(request):
    return {"site_name": settings.SITE_NAME, "demo_data": demo_loaded()}
