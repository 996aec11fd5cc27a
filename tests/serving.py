"""What the tests that start a real server (granian) share: a free port, the server itself, the
script that publishes an organization, a form's CSRF token, a solved proof of work, and the
fields of an action and of a reply as a person fills them in."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import altcha
import requests

SOON = date.today() + timedelta(days=10)

# `manage.py shell -c SETUP.format(names=[...])`: one source, each name a published organization
# citing it; prints the last one's path.
SETUP = """
from unmask.record import services
source = services.create_source(title="Annual report of Varnholt Kinetics", publisher="Varnholt",
    kind="company", url="https://example.org/varnholt.pdf", published_on="2023-04")
for name in {names!r}:
    org = services.create_organization(name=name, country="DE", kind="company")
    services.add_citation(org, source, locator="p. 1")
    services.publish(org)
print(org.get_absolute_url())
"""


REDIS = ("127.0.0.1", 6379)


def reachable(address) -> bool:
    try:
        socket.create_connection(address, timeout=1).close()
    except OSError:
        return False
    return True


@contextlib.contextmanager
def own_database(base: Path, label: str):
    """A database of its own for the servers a test starts, as DATABASE_URL says: on PostgreSQL
    a new database (dropped afterwards, with any connection left), else a SQLite file in
    `base`/db. Yields its URL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        (base / "db").mkdir()
        yield f"sqlite:///{base / 'db' / 'site.sqlite3'}"
        return
    import psycopg

    server = url.rsplit("/", 1)[0]
    name = f"unmask_test_{label}_{os.getpid()}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


# The test settings with the default cache in Redis, as UNMASK_CACHE_URL says (the test settings
# keep it in memory): for servers that must share it or lose it.
REDIS_SETTINGS = """
from unmask.settings_test import *  # noqa: F403
from unmask.settings import _cache

CACHES = {**CACHES, "default": _cache("default")}  # noqa: F405 - Redis, as UNMASK_CACHE_URL says
"""


def redis_server_env(base: Path, cache_url: str, **settings: str) -> dict:
    """The environment of a server this test starts: REDIS_SETTINGS as a module in `base`, its
    var/ there, the cache at `cache_url`, one proxy in front (X-Forwarded-For), a cheap proof of
    work, and `settings` (UNMASK_... variables); DATABASE_URL left for the caller."""
    (base / "redissettings.py").write_text(REDIS_SETTINGS, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="redissettings",
        PYTHONPATH=os.pathsep.join([str(base), env.get("PYTHONPATH", "")]),
        UNMASK_VAR_DIR=str(base / "var"),
        UNMASK_CACHE_URL=cache_url,
        UNMASK_PROXY_COUNT="1",
        UNMASK_POW_COST="10",
        UNMASK_POW_COUNTER="20",
        **settings,
    )
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict, *options: str, ready: str = "/") -> tuple[subprocess.Popen, str]:
    """granian serving unmask with `env` (and granian's `options`, e.g. "--workers", "2") on a
    free port, once `ready` answers: the process and the site's URL."""
    port = free_port()
    server = subprocess.Popen(
        [
            *[str(Path(sys.executable).with_name("granian")), "--interface", "wsgi"],
            *["--host", "127.0.0.1", "--port", str(port), *options],
            *["--no-ws", "--log-level", "warning"],
            "unmask.wsgi:application",
        ],
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            requests.get(url + ready, timeout=5)
            break
        except requests.ConnectionError:
            time.sleep(0.1)
    return server, url


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found, f"no CSRF token in the page: {html[:300]}"
    return found.group(1)


def solved_pow(session: requests.Session, url: str, timeout: float = 60) -> str:
    """The site at `url` gives an ALTCHA challenge; the real solver's answer, as the form sends it."""
    answer = session.get(url + "/submit/challenge.json", timeout=timeout).json()
    challenge = altcha.Challenge.from_dict(answer)
    return altcha.Payload(challenge, altcha.solve_challenge(challenge)).to_base64()


def action_data(n: int | None = None, **overrides) -> dict:
    """An action announced for SOON in Kassel; with `n`, the title and group are numbered."""
    number = "" if n is None else f" number {n}"
    data = {
        "title": f"Vigil{number} at the Varnholt gate",
        "kind": "vigil",
        "description": "Bring candles.",
        "start_day": SOON.isoformat(),
        "start_time": "18:00",
        "end_time": "19:30",
        "timezone": "Europe/Berlin",
        "city": "Kassel",
        "country": "DE",
        "languages": ["de"],
        "website": "",
    }
    if n is not None:
        data["group_name"] = f"Circle {n}"
    data.update(overrides)
    return data


def reply_data(text: str, **overrides) -> dict:
    """A company's reply to its profile, from its press office."""
    data = {"link": "", "text": text, "contact_email": "press@varnholt.example", "website": ""}
    data.update(overrides)
    return data
