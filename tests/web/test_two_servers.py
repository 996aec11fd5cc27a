"""Two app servers behind one proxy, sharing Redis and the database (issue 17, item 4): Debian's
nginx, set up as docs/operations.md says ("More than one machine"), sends requests round-robin
to two granian servers. What keeps abuse out holds across them as it does on one: the sign-in
throttle (django-axes's counts in Redis), the form's rate limit and the proof-of-work replay
check (both in the database). A session made on one server is good on the other."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from ..serving import (
    REDIS,
    action_data,
    csrf_token,
    free_port,
    own_database,
    reachable,
    redis_server_env,
    solved_pow,
    start_server,
)

pytestmark = pytest.mark.slow

NGINX = Path("/usr/sbin/nginx")
REDIS_DB = 8
SUBMIT_LIMIT = 3
FAILURE_LIMIT = 5
STAFF = """
from django.contrib.auth import get_user_model
users = get_user_model().objects
users.create_user("rivka", password="pw-rivka-long-enough", is_staff=True)
users.create_user("mona", password="pw-mona-long-enough", is_staff=True)
"""
CONF = Path(__file__).resolve().parents[2] / "tools" / "nginx-upstream.conf"


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


@pytest.fixture(scope="module")
def proxy(tmp_path_factory):
    """The proxy's URL, with two servers behind it."""
    if not NGINX.exists():
        pytest.skip(f"{NGINX} is missing (tools/ensure_debian.py nginx-light installs it)")
    if not reachable(REDIS):
        pytest.skip("no Redis on 127.0.0.1:6379")
    import redis

    redis.Redis(*REDIS, db=REDIS_DB).flushdb()
    base = tmp_path_factory.mktemp("two-servers")
    env = redis_server_env(
        base,
        f"redis://127.0.0.1:6379/{REDIS_DB}",
        UNMASK_SUBMIT_LIMIT=str(SUBMIT_LIMIT),
        UNMASK_LOGIN_FAILURE_LIMIT=str(FAILURE_LIMIT),
    )
    with own_database(base, "two_servers") as database:
        env["DATABASE_URL"] = database
        manage = [sys.executable, "-m", "unmask.manage"]
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True)
        subprocess.run([*manage, "shell", "-c", STAFF], env=env, check=True)
        servers = [start_server(env, "--workers", "1") for _ in range(2)]
        port = free_port()
        conf = CONF.read_text(encoding="utf-8").format(
            user="user root;" if os.geteuid() == 0 else "",  # its files are in root's temp
            base=base,
            port=port,
            servers=" ".join(f"server 127.0.0.1:{_port(u)};" for _, u in servers),
        )
        (base / "nginx.conf").write_text(conf, encoding="utf-8")
        nginx = subprocess.Popen([str(NGINX), "-p", str(base), "-c", str(base / "nginx.conf")])
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                if reachable(("127.0.0.1", port)):
                    break
                time.sleep(0.05)
            yield {"url": url, "servers": {f"127.0.0.1:{_port(u)}" for _, u in servers}}
        finally:
            nginx.terminate()
            nginx.wait(timeout=30)
            for server, _ in servers:
                server.terminate()
                server.wait(timeout=30)


def _signed_in_form(url: str) -> tuple[requests.Session, str]:
    session = requests.Session()
    return session, csrf_token(session.get(url + "/admin/login/", timeout=30).text)


def _sign_in(session, url, token, username, password) -> requests.Response:
    return session.post(
        url + "/admin/login/?next=/admin/",
        {"csrfmiddlewaretoken": token, "username": username, "password": password},
        allow_redirects=False,
        timeout=30,
    )


def test_requests_take_turns_and_a_session_from_one_server_works_on_the_other(proxy):
    url = proxy["url"]
    session, token = _signed_in_form(url)
    assert _sign_in(session, url, token, "mona", "pw-mona-long-enough").status_code == 302
    answers = [session.get(url + "/admin/", allow_redirects=False, timeout=30) for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200]
    assert {a.headers["X-Upstream"] for a in answers} == proxy["servers"]


def test_the_sign_in_throttle_holds_across_the_servers(proxy):
    url = proxy["url"]
    session, token = _signed_in_form(url)
    failures = [_sign_in(session, url, token, "rivka", "wrong") for _ in range(FAILURE_LIMIT)]
    assert [f.status_code for f in failures] == [200] * (FAILURE_LIMIT - 1) + [429]
    assert {f.headers["X-Upstream"] for f in failures} == proxy["servers"]  # counted together
    # locked out on both: the right password is refused by each server in turn
    right = [_sign_in(session, url, token, "rivka", "pw-rivka-long-enough") for _ in range(2)]
    assert [r.status_code for r in right] == [429, 429]
    assert {r.headers["X-Upstream"] for r in right} == proxy["servers"]


def test_the_forms_rate_limit_and_the_replay_check_hold_across_the_servers(proxy):
    url = proxy["url"]
    client = requests.Session()
    token = csrf_token(client.get(url + "/submit/", timeout=30).text)

    def send(n: int, payload: str) -> requests.Response:
        data = action_data(n, csrfmiddlewaretoken=token, altcha=payload)
        return client.post(url + "/submit/", data, allow_redirects=False, timeout=60)

    payload = solved_pow(client, url)
    first, replayed = send(1, payload), send(2, payload)
    assert first.status_code == 302
    assert replayed.status_code == 400
    assert "already used" in replayed.text
    assert first.headers["X-Upstream"] != replayed.headers["X-Upstream"]

    assert send(3, solved_pow(client, url)).status_code == 302  # the third post this hour
    payloads = [solved_pow(client, url) for _ in range(2)]
    over = [send(4 + n, payload) for n, payload in enumerate(payloads)]  # one after the other
    assert [o.status_code for o in over] == [429, 429]
    assert {o.headers["X-Upstream"] for o in over} == proxy["servers"]
    assert all(int(o.headers["Retry-After"]) > 3000 for o in over)  # the hour's window
