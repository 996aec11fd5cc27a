"""Start-up of a server process, shared by wsgi.py, asgi.py and the benchmarks."""

from __future__ import annotations

import gc


def settle() -> None:
    """Load what the first request would (the URL configuration) and move every object alive at
    start-up out of the garbage collector's sight with gc.freeze().

    A Django process holds hundreds of thousands of long-lived objects (modules, models, URL
    patterns, templates, translations). Without the freeze, each full collection walks all of
    them, and the request that triggers it answers several milliseconds late: that shows in the
    95th percentile, not the median.
    """
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every view module)
    gc.collect()
    gc.freeze()
