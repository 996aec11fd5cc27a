"""bench_exchange's "busy" part: forms during a long import on SQLite (issue 15, item 11).

A fresh SQLite file (migrated, one published organization), a granian server (2 workers, 8
blocking threads each; the test settings: local-memory cache, files in memory), and --busy-clients
clients (default 32, each its own address by X-Forwarded-For) that each send an action (with
its proof of work, at a low cost) then a reply, and wait 0.5 s, over and over. First
--busy-baseline seconds (default 20) without an import, then while `unmask import` of
--busy-rows new organizations (default 200,000) runs (its check in a copy of the database, then
the import a chunk at a time). For each phase: sends, failures (anything but the 302 that follows
a saved form, by status), and the latency of the sends (median, p95, max).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from serving import SETUP, csrf_token, free_port, granian, solved_pow  # noqa: E402


class Load:
    def __init__(self, url: str, org: str, clients: int) -> None:
        self.url, self.org, self.clients = url, org, clients
        self.sent: list[tuple[str, int, float]] = []  # (form, status, seconds)
        self.lock = threading.Lock()
        self.soon = (date.today() + timedelta(days=10)).isoformat()

    def _post(self, form: str, session, url: str, data: dict) -> None:
        started = time.perf_counter()
        try:
            status = session.post(url, data, allow_redirects=False, timeout=300).status_code
        except Exception:
            status = 0
        with self.lock:
            self.sent.append((form, status, time.perf_counter() - started))

    def submit(self, n: int) -> None:
        import requests

        session = requests.Session()
        session.headers["X-Forwarded-For"] = f"10.0.{n // 250 % 250}.{n % 250 + 1}"
        page = session.get(self.url + "/submit/", timeout=300)
        payload = solved_pow(session, self.url, timeout=300)
        data = {
            "csrfmiddlewaretoken": csrf_token(page.text),
            "title": f"Vigil number {n} at the Varnholt gate",
            "kind": "vigil",
            "description": "Bring candles.",
            "start_day": self.soon,
            "start_time": "18:00",
            "end_time": "19:30",
            "timezone": "Europe/Berlin",
            "city": "Kassel",
            "country": "DE",
            "group_name": f"Circle {n}",
            "languages": ["de"],
            "website": "",
            "altcha": payload,
        }
        self._post("action", session, self.url + "/submit/", data)

    def reply(self, n: int) -> None:
        import requests

        session = requests.Session()
        session.headers["X-Forwarded-For"] = f"10.1.{n // 250 % 250}.{n % 250 + 1}"
        url = self.url + self.org + "reply/"
        page = session.get(url, timeout=300)
        data = {
            "csrfmiddlewaretoken": csrf_token(page.text),
            "link": "",
            "text": f"Reply number {n}: we stopped these deliveries in 2021.",
            "contact_email": "press@varnholt.example",
            "website": "",
        }
        self._post("reply", session, url, data)

    def run_while(self, going) -> list[tuple[str, int, float]]:
        """Every client sends until going() is false; what was sent meanwhile."""
        first = len(self.sent)
        counter = iter(range(10**9))

        def client(_i: int) -> None:
            while going():
                self.submit(next(counter))
                self.reply(next(counter))
                time.sleep(0.5)

        with ThreadPoolExecutor(self.clients) as pool:
            list(pool.map(client, range(self.clients)))
        return self.sent[first:]


def _summary(label: str, sent: list[tuple[str, int, float]], seconds: float) -> None:
    times = sorted(t for _f, _s, t in sent)
    failed = [s for _f, s, _t in sent if s != 302]
    by_status = ", ".join(f"{failed.count(s)} x {s or 'no answer'}" for s in sorted(set(failed)))
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))] if times else 0
    print(
        f"   {label:<18} {seconds:7.1f} s {len(sent):6,} sends {len(failed):5,} failed"
        f"{' (' + by_status + ')' if failed else '':<20}"
        f"  median {statistics.median(times) * 1000 if times else 0:7.0f} ms"
        f"  p95 {p95 * 1000:7.0f} ms  max {(times[-1] if times else 0) * 1000:7.0f} ms",
        flush=True,
    )


def run(rows: int, clients: int, baseline: float, scratch: Path | None = None) -> None:
    if scratch is not None:
        scratch.mkdir(parents=True, exist_ok=True)
    base = Path(tempfile.mkdtemp(prefix=".busy-", dir=scratch))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DATABASE_URL=f"sqlite:///{base / 'site.sqlite3'}",
        DJANGO_SETTINGS_MODULE="unmask.settings_test",
        UNMASK_VAR_DIR=str(base / "var"),
        UNMASK_PROXY_COUNT="1",
        UNMASK_SUBMIT_LIMIT="1000000",
        UNMASK_POW_COST="10",
        UNMASK_POW_COUNTER="20",
    )
    manage = [sys.executable, "-m", "unmask.manage"]
    server = None
    try:
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True)
        made = subprocess.run(
            [*manage, "shell", "-c", SETUP], env=env, check=True, capture_output=True, text=True
        )
        org = made.stdout.strip().splitlines()[-1]
        csv = base / "import.csv"
        with csv.open("w", encoding="utf-8") as out:
            out.write("name,kind,country,identifiers\n")
            for i in range(rows):
                out.write(f"Busy Bench Org {i:07d} GmbH,company,DE,registry:BB {i:07d}\n")
        port = free_port()
        server = granian(port, env, "--workers", "2", "--blocking-threads", "8")
        url = f"http://127.0.0.1:{port}"
        import requests

        for _ in range(600):
            try:
                requests.get(url + "/submit/", timeout=5)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        load = Load(url, org, clients)
        print(
            f"\n  busy: {clients} clients sending actions and replies (SQLite, granian 2x8),"
            f" an import of {rows:,} rows",
            flush=True,
        )
        until = time.monotonic() + baseline
        started = time.monotonic()
        sent = load.run_while(lambda: time.monotonic() < until)
        _summary("without import", sent, time.monotonic() - started)
        job = subprocess.Popen(
            [*manage, "import", str(csv)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        started = time.monotonic()
        sent = load.run_while(lambda: job.poll() is None)
        seconds = time.monotonic() - started
        output = job.communicate()[0].strip().splitlines()
        _summary("during the import", sent, seconds)
        print(
            f"   the import: {seconds:,.1f} s, exit {job.returncode}: {output[0] if output else ''}"
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=60)
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000, 32, 20)
