"""The cache and the database stopped under a running server (issue 15, item 14): a real server
(granian) reaches Redis and the database through TCP proxies this test opens and closes (on
SQLite, the database's folder is moved away). With the cache gone, pages and forms work; with
the database gone, readers get the pages they were given before, anything else a 503 with
Retry-After in the site's layout (JSON with CORS for the API), never a 500; once both are back,
the site is itself again without a restart."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import threading
import time

import pytest
import requests

from ..serving import (
    REDIS,
    SETUP,
    action_data,
    csrf_token,
    free_port,
    own_database,
    reachable,
    redis_server_env,
    reply_data,
    solved_pow,
    start_server,
)

pytestmark = pytest.mark.slow

REDIS_DB = 7
POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")


class Proxy:
    """Forwards 127.0.0.1:<port> to a target; stop() closes the port and every connection
    through it, as a server that went away; start() opens the same port again."""

    def __init__(self, target):
        self.target = target
        self.port = free_port()
        self.listener = None
        self.open: set[socket.socket] = set()
        self.lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        listener, self.listener = self.listener, None
        listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() under way: closing does not
        listener.close()
        with self.lock:
            for sock in self.open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.open.clear()

    def _accept(self, listener) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self.lock:
                self.open.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, source, sink) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if not reachable(REDIS):
        pytest.skip("no Redis on 127.0.0.1:6379")
    base = tmp_path_factory.mktemp("faults")
    redis = Proxy(REDIS)
    redis.start()
    # each client its own address, by X-Forwarded-For (one proxy in front)
    env = redis_server_env(base, f"redis://127.0.0.1:{redis.port}/{REDIS_DB}")
    with own_database(base, "faults") as direct:
        if POSTGRES:
            database = Proxy(("127.0.0.1", 5432))
            database.start()
            served = re.sub(r"@[^/]+/", f"@127.0.0.1:{database.port}/", direct)
        else:
            database, served = None, direct
        env["DATABASE_URL"] = direct
        manage = [sys.executable, "-m", "unmask.manage"]
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True)
        made = subprocess.run(
            [*manage, "shell", "-c", SETUP.format(names=["Varnholt Kinetics"])],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        server, url = start_server({**env, "DATABASE_URL": served}, "--workers", "1")
        try:
            yield {
                "env": env,
                "url": url,
                "org": made.stdout.strip().splitlines()[-1],
                "base": base,
                "redis": redis,
                "database": database,
                "manage": manage,
            }
        finally:
            server.terminate()
            server.wait(timeout=30)
            redis.stop()
            if database is not None:
                database.stop()


def _stop_database(site) -> None:
    if site["database"] is not None:
        site["database"].stop()
    else:
        (site["base"] / "db").rename(site["base"] / "db-away")


def _start_database(site) -> None:
    if site["database"] is not None:
        site["database"].start()
    else:
        (site["base"] / "db-away").rename(site["base"] / "db")


def _submit_action(url: str) -> int:
    client = requests.Session()
    client.headers["X-Forwarded-For"] = "10.0.0.1"
    form = client.get(url + "/submit/", timeout=30)
    data = action_data(
        csrfmiddlewaretoken=csrf_token(form.text), altcha=solved_pow(client, url, timeout=30)
    )
    return client.post(url + "/submit/", data, allow_redirects=False, timeout=60).status_code


def _reply(url: str, org: str) -> int:
    client = requests.Session()
    client.headers["X-Forwarded-For"] = "10.0.0.2"
    form = client.get(url + org + "reply/", timeout=30)
    data = reply_data(
        "We stopped these deliveries in 2021, as our report says.",
        csrfmiddlewaretoken=csrf_token(form.text),
    )
    return client.post(url + org + "reply/", data, allow_redirects=False, timeout=60).status_code


def _eventually(check, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.25)
    return False


def _page_keys() -> list:
    import redis

    return redis.Redis(*REDIS, db=REDIS_DB).keys("*unmask:page*")


def test_without_the_cache_pages_and_forms_work_and_it_is_used_again_when_back(site):
    url = site["url"]
    site["redis"].stop()
    try:
        for path in ("/", "/org/", site["org"], "/map/", "/actions/", "/methodology/"):
            response = requests.get(url + path, timeout=30)
            assert response.status_code == 200, path
        assert _submit_action(url) == 302
        assert _reply(url, site["org"]) == 302
    finally:
        site["redis"].start()
    import redis

    redis.Redis(*REDIS, db=REDIS_DB).flushdb()
    assert _eventually(lambda: requests.get(url + "/data/", timeout=30).ok and _page_keys())


def test_without_the_database_readers_get_cached_pages_and_the_rest_a_503(site):
    url = site["url"]
    seen = {}
    for path in ("/", "/org/", site["org"]):
        response = requests.get(url + path, timeout=30)
        assert response.status_code == 200
        seen[path] = response.text
    _stop_database(site)
    try:
        time.sleep(1.5)  # longer than a server process trusts the versions it read
        for path, page in seen.items():
            response = requests.get(url + path, timeout=30)
            assert response.status_code == 200, path
            assert response.text == page
        uncached = requests.get(url + "/graph/", timeout=30)
        assert uncached.status_code == 503
        assert uncached.headers["Retry-After"] == "30"
        assert 'class="site-header"' in uncached.text  # the site's layout
        assert "Temporarily unavailable" in uncached.text
        assert '<a href="/graph/">Try again</a>' in uncached.text  # the same page, again
        signed_in = requests.get(url + "/org/", cookies={"sessionid": "x" * 32}, timeout=30)
        assert signed_in.status_code == 503
        api = requests.get(url + "/api/v1/organizations", timeout=30)
        assert api.status_code == 503 and api.headers["Retry-After"] == "30"
        assert api.headers["Access-Control-Allow-Origin"] == "*"
        assert api.json()["detail"]
    finally:
        _start_database(site)
    assert _eventually(lambda: requests.get(url + "/graph/", timeout=30).status_code == 200)
    subprocess.run(
        [*site["manage"], "shell", "-c", SETUP.format(names=["Quellwerk Optics"])],
        env=site["env"],
        check=True,
        capture_output=True,
    )
    assert _eventually(lambda: "Quellwerk Optics" in requests.get(url + "/org/", timeout=30).text)
