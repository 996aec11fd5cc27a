"""What the benchmarks that start a real server share: a free port, granian serving unmask, the
script that publishes an organization, a form's CSRF token and a solved proof of work. (The
tests have their own, tests/serving.py: benchmarks do not import tests.)"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from pathlib import Path

# `manage.py shell -c SETUP`: one source and one published organization citing it; prints its path.
SETUP = """
from unmask.record import services
source = services.create_source(title="Annual report of Varnholt Kinetics", publisher="Varnholt",
    kind="company", url="https://example.org/varnholt.pdf", published_on="2023-04")
org = services.create_organization(name="Varnholt Kinetics", country="DE", kind="company")
services.add_citation(org, source, locator="p. 1")
services.publish(org)
print(org.get_absolute_url())
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def granian(port: int, env: dict, *options: str) -> subprocess.Popen:
    """granian serving unmask on 127.0.0.1:`port` with `env` and granian's `options` (workers,
    threads, backpressure); the caller waits until it answers."""
    return subprocess.Popen(
        [
            str(Path(sys.executable).parent / "granian"),
            *("--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port), *options),
            *("--no-ws", "--log-level", "warning", "unmask.wsgi:application"),
        ],
        env=env,
    )


def answers(probe, seconds: float = 60) -> bool:
    """Whether probe() runs without an OSError within `seconds`, tried every 0.2 s: a server
    that has just been started is up."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            probe()
            return True
        except OSError:
            time.sleep(0.2)
    return False


def csrf_token(html: str) -> str:
    """The form's CSRF token, or "" (the post then fails, and is counted as such)."""
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return found.group(1) if found else ""


def solved_pow(session, url: str, timeout: float = 300) -> str:
    """The site at `url` gives an ALTCHA challenge; the real solver's answer, as the form sends it."""
    import altcha

    challenge = session.get(url + "/submit/challenge.json", timeout=timeout).json()
    challenge = altcha.Challenge.from_dict(challenge)
    return altcha.Payload(challenge, altcha.solve_challenge(challenge)).to_base64()
