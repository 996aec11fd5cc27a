"""The campaign's feeds at 10,000 published actions, the record's pages with 10,000 actions aimed
at one organization, and the proof of work a submitter's browser does.

The feeds' dataset: a fresh SQLite database under var/bench/ (migrated, then filled with
bulk_create, so it takes seconds and its dates are always relative to today; removed afterwards): N
published actions (default 10,000) in eleven places and their time zones, about a fifth repeating
weekly, a few cancelled (they stay in the feeds), some online, some answering one of 20 calls to
action or organized by one of 200 local groups; most upcoming, some ended in the last month (still
in the feeds), some older (out of them). Every name is invented. The campaign's version is bumped
once the rows are in, as a write through the services would.

In a process of its own with Django's test client (production settings, local-memory cache):
- baseline: the methodology page (reads no campaign data), rendered (the page cache is off in
  this process), for the ratios;
- /calendar/actions.ics and /feeds/actions.atom: cold (cache emptied and the campaign version
  bumped before each request, so the payload is built and compressed), cached, and the 304
  answer to a conditional request (If-None-Match); sizes compressed and uncompressed;
- the readers' pages that show the actions, rendered (the page cache off): /actions/ (first page
  and page 20), the month calendar and its day view, the map page and the embed, against issue
  17's 30 ms; and against the same pages at a demo's size (DEMO_ACTIONS, DEMO_PAGES), served by a
  second such process with a database of its own: the parent sends each page to the two
  processes in turn (large, demo, demo, large, ...; --page-repeat each), so that the machine's
  load falls on both sizes alike, and prints the ratio of the medians against issue 17's 1.5.
Each figure is the median of the runs; "x base" is the ratio to the baseline in the same run.

Then the record's pages with the campaign aimed at them, in a process of their own: the demo
record (bench_public's cached demo-size dataset, copied) with the demo campaign (demo_campaign's
handful of actions, through the services), and a copy of it (SQLite's backup) to which --aimed
actions (default 10,000) are added by bulk_create, aimed at the organization the demo aims most
at or at its sites (a tenth also at the call's program): most past over seven years, a few
hundred upcoming, about a tenth weekly, 4 % cancelled, some online or held abroad, those in the
call's period half answering it; then the campaign's version is bumped. The same pages are timed
at both sizes in turn, in one process (the large database's connection stands in for "default"
while it is measured): the baseline, the organization page, its most targeted site's page, the
program's page, the organization's country page, the home page and the call's page; the median
of --page-runs (default 15) after two warm-ups, the ratio large / demo size, each as a ratio to
the baseline at the same size, the campaign's share of each page timed alone (its tag's or
view's calls into campaign.targets and campaign.queries), queries, and where the time goes at
the large size (SQL time and the slowest queries; --profile-record PAGE adds a cProfile). The
issue's targets are the organization page's: median < 50 ms at the large size and <= 1.5x its
demo-size median; the other pages have none and are compared with those for information.

Then the proof of work in headless Chromium (Debian's chromium via Playwright, as the browser
tests), the site served by granian with production settings: /submit/ in a fresh browser
context each run, the form focused (the widget starts on focus), timed from the widget's
"verifying" state to its hidden input "altcha" holding the solution; median of --pow-runs runs
at the settings' POW_COST / POW_COUNTER. When the median is far from a second (under 0.4 s or
over 2 s) the run tries a POW_COUNTER scaled to about a second (UNMASK_POW_COUNTER for the
server; settings.py is never changed); --pow-try COST:COUNTER tries other values too. The
widget fills in its solution after at least its minDuration (500 ms), so the solver's own time
(from the payload) is printed too and is what the suggestion scales.

Then the campaign's pages on bench_public's datasets (demo size and 10,000 organizations /
100,000 sites / 100,000 links), through bench_public's worker (--part campaign) and its tables:
the demo campaign (demo_campaign's call, groups and actions) and LARGE_WAITING submitted actions
written in a transaction rolled back afterwards; /calls/, the call page, /embed/call/, the call's
and an action's card.png (first render and cached), the group and action pages, /actions/, the
month, /actions/map/, /embed/actions/, /feeds.opml, /submit/ and /moderate/ signed in; and the
Follow panel's tags rendered for the home, organization, country, product, call and group pages,
whose queries must be the same at both sizes. Targets as bench_public's: median < 50 ms at the
large size and <= 1.5x the demo size's median.

Targets: cached (and 304) under 50 ms, cold under 2 s (the calendar: under 300 ms, issue 17), the proof of work about 1 s for a person.
The exit code is 0 even on FAIL: this is a benchmark (1 when a part could not be measured).

    python benchmarks/bench_campaign.py [--actions N] [--repeat N] [--cold N] [--pow-runs N]
        [--pow-try COST:COUNTER ...] [--no-browser] [--seed N]
        [--aimed N] [--page-runs N] [--profile-record PAGE] [--no-feeds] [--no-record]
        [--no-large]
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import gc
import gzip
import hashlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import bench_public  # noqa: E402 - the environment of the child processes, the var/bench/ folder

CHROMIUM = "/usr/bin/chromium"
TARGET_CACHED_MS = 50
TARGET_COLD_MS = 2000
TARGET_ICS_COLD_MS = 300  # the calendar at 10,000 actions (issue 17); the Atom feed keeps 2 s
TARGET_PAGE_MS = 30  # issue 17: every public page, rendered (the page cache is off here)
# The readers' pages that show the actions, timed at 10,000 actions (the month: this one).
READER_PAGES = (
    "/actions/",
    "/actions/?page=20",
    "/actions/calendar/",
    "/actions/map/",
    "/embed/actions/",
)
# The same pages at a campaign of a demo's size, in the same run: issue 17 asks each page at
# 10,000 actions to stay within 1.5 times its time there, with the same rows rendered. A list's
# deep page is its second there (a full page of 20, as the 20th is at 10,000); the map of
# actions lists its first 100 at both sizes; today holds 25 of them (DEMO_TODAY), so that the
# day view lists a full page at both; and every day of the month's grid holds DEMO_DAY_ROWS,
# what a day shows before "N more", so that the month renders the same rows at both sizes.
DEMO_ACTIONS = 350  # 25 today, 4 a day on the 45 days around this month, 145 spread out
DEMO_TODAY = 25  # of them today: the day view lists a full page (20) at both sizes
DEMO_DAY_ROWS = 4  # queries.DAY_SHOWN
DEMO_PAGES = {"/actions/?page=20": "/actions/?page=2"}
TARGET_DEMO_RATIO = 1.5
TARGET_POW_S = 1.0
POW_FAR = (0.4, 2.0)  # outside this, the run suggests other settings

# Places: city, country, IANA zone, latitude, longitude. The actions' names are invented.
PLACES = (
    ("Kassel", "DE", "Europe/Berlin", 51.3127, 9.4797),
    ("Bristol", "GB", "Europe/London", 51.4545, -2.5879),
    ("Lyon", "FR", "Europe/Paris", 45.764, 4.8357),
    ("Malmö", "SE", "Europe/Stockholm", 55.605, 13.0038),
    ("Izmir", "TR", "Europe/Istanbul", 38.4237, 27.1428),
    ("Toronto", "CA", "America/Toronto", 43.6532, -79.3832),
    ("Portland", "US", "America/Los_Angeles", 45.5152, -122.6784),
    ("Osaka", "JP", "Asia/Tokyo", 34.6937, 135.5023),
    ("Adelaide", "AU", "Australia/Adelaide", -34.9285, 138.6007),
    ("Nairobi", "KE", "Africa/Nairobi", -1.2921, 36.8219),
    ("Recife", "BR", "America/Recife", -8.0476, -34.877),
)
KINDS = ("demonstration", "vigil", "rally", "info_stand", "talk")
# Invented suppliers and programs only.
TARGETS = (
    "Korvex Aerodynamics",
    "Talvik Aerosystems",
    "Lindqvist Composites",
    "Brenmark Avionics",
    "Ostmark Kreditbank",
    "Vantor Propulsion",
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actions", type=int, default=10_000, help="published actions")
    parser.add_argument("--repeat", type=int, default=30, help="cached and 304 requests per feed")
    parser.add_argument("--cold", type=int, default=5, help="cold requests per feed")
    parser.add_argument(
        "--page-repeat", type=int, default=15, help="requests per reader's page at each size"
    )
    parser.add_argument("--pow-runs", type=int, default=7, help="proof-of-work solves per setting")
    parser.add_argument(
        "--pow-try", action="append", default=[], metavar="COST:COUNTER", help="other settings"
    )
    parser.add_argument("--no-browser", action="store_true", help="server figures only")
    parser.add_argument("--no-feeds", action="store_true", help="skip the feeds (and the browser)")
    parser.add_argument("--no-record", action="store_true", help="skip the record's pages")
    parser.add_argument(
        "--no-large",
        action="store_true",
        help="skip the campaign's pages at 10,000 organizations (bench_public's datasets)",
    )
    parser.add_argument(
        "--aimed", type=int, default=10_000, help="actions aimed at one organization"
    )
    parser.add_argument(
        "--page-runs", type=int, default=RECORD_RUNS, help="timed requests per record page"
    )
    parser.add_argument(
        "--profile-record",
        choices=[key for key, _label in RECORD_PAGES],
        help="cProfile one record page at the large size",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--worker", choices=("server", "record"), help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args, _unknown = parser.parse_known_args()  # `make bench` passes its arguments to every script
    return args


# --- child: the dataset and the server-side figures -----------------------------------------------


def build_dataset(count: int, seed: int, busy_today: int = 0, busy_days: int = 0) -> dict:
    """`count` published actions, 20 calls, 200 groups, by bulk_create; returns what was made.
    With `busy_today`, that many of them (one-off) take place today: a day as busy as a
    day of 10,000 actions, for the day view's rows to be the same at a demo's size. With
    `busy_days`, the next ones (one-off) fill every day around this month (a week either side,
    wider than any month's grid) with that many each: the month shows as many rows a day as at
    10,000 actions."""
    from datetime import date, timedelta
    from datetime import time as clock

    from django.utils import timezone

    from unmask.campaign import times
    from unmask.campaign.models import Action, ActionStatus, Call, LocalGroup
    from unmask.record import version
    from unmask.record.text import make_slug

    rng = random.Random(seed)
    now = timezone.now()
    today = date.today()
    calls = []
    for i in range(20):
        target = TARGETS[i % len(TARGETS)]
        title = f"Ground the drones: days of action at {target} ({i + 1})"
        calls.append(
            Call(
                title=title,
                slug=make_slug(title, "call"),
                body=f"Join the days of action at the gates of {target}.",
                language="en",
                starts_on=today + timedelta(days=rng.randint(-20, 200)),
                published_at=now - timedelta(days=rng.randint(1, 60)),
            )
        )
    Call.objects.bulk_create(calls)
    groups = []
    for i in range(200):
        city, country, *_rest = PLACES[i % len(PLACES)]
        name = f"{city} Drone Watch {i + 1}"
        groups.append(
            LocalGroup(name=name, slug=make_slug(name, "group"), city=city, country=country)
        )
    LocalGroup.objects.bulk_create(groups)

    actions = []
    made = {"recurring": 0, "cancelled": 0, "online": 0, "call": 0, "group": 0, "ended": 0}
    first = today.replace(day=1) - timedelta(days=7)
    month_days = [first + timedelta(days=n) for n in range(31 + 14)] if busy_days else []
    filled = busy_today + busy_days * len(month_days)  # the busy ones: one-off
    for i in range(count):
        city, country, zone, lat, lon = rng.choice(PLACES)
        roll = rng.random()
        if i < busy_today:
            offset = 0  # today: the day view lists every one that starts today, over or not
        elif i < filled:
            offset = (month_days[(i - busy_today) // busy_days] - today).days
        elif roll < 0.85:
            offset = rng.randint(0, 365)  # upcoming
        elif roll < 0.95:
            offset = -rng.randint(1, 29)  # ended recently: still in the feeds
        else:
            offset = -rng.randint(31, 400)  # ended long ago: out of the feeds
        day = today + timedelta(days=offset)
        start_clock = clock(rng.randint(9, 19), rng.choice((0, 15, 30, 45)))
        starts_at = times.to_utc(day, start_clock, zone)
        ends_at = starts_at + timedelta(minutes=rng.choice((60, 90, 120, 180)))
        rule = ""
        if rng.random() < 0.2 and i >= filled:
            rule = f"FREQ=WEEKLY;COUNT={rng.randint(4, 12)}"
            made["recurring"] += 1
        online = rng.random() < 0.05
        target = rng.choice(TARGETS)
        kind = "online" if online else rng.choice(KINDS)
        status = ActionStatus.PUBLISHED
        reason = ""
        if rng.random() < 0.06:
            status, reason = ActionStatus.CANCELLED, "The square is closed for works that day."
            made["cancelled"] += 1
        call = rng.choice(calls) if rng.random() < 0.3 else None
        group = rng.choice(groups) if rng.random() < 0.4 else None
        has_point = not online and rng.random() < 0.9
        last_ends_at = times.last_end(starts_at, ends_at, zone, rule)
        made["online"] += online
        made["call"] += call is not None
        made["group"] += group is not None
        made["ended"] += last_ends_at < now
        actions.append(
            Action(
                title=f"{kind.replace('_', ' ').capitalize()} at {target}, {city} ({i + 1})",
                kind=kind,
                description=(
                    f"Meet at the gate of {target}. Bring banners; no names of persons.\n"
                    "Step-free access from the tram stop."
                    if rng.random() < 0.7
                    else ""
                ),
                timezone=zone,
                starts_at=starts_at,
                ends_at=ends_at,
                recurrence=rule,
                last_ends_at=last_ends_at,
                online=online,
                online_url=f"https://example.org/stream/{i}" if online else "",
                address="" if online else f"Gate {rng.randint(1, 9)}, Industriepark",
                city="" if online else city,
                country="" if online else country,
                latitude=lat + rng.uniform(-0.05, 0.05) if has_point else None,
                longitude=lon + rng.uniform(-0.05, 0.05) if has_point else None,
                call=call,
                group=group,
                languages=rng.choice(("en", "de,en", "fr", "")),
                status=status,
                status_reason=reason,
                published_at=now - timedelta(days=rng.randint(0, 60), minutes=i),
                edit_token_hash=hashlib.sha256(f"bench-{seed}-{i}".encode()).hexdigest(),
                sequence=rng.randint(1, 3),
                created_at=now - timedelta(days=70),
            )
        )
    Action.objects.bulk_create(actions, batch_size=1000)
    version.bump(version.CAMPAIGN)
    since = now - timedelta(days=30)
    made["in_feeds"] = Action.objects.public().filter(last_ends_at__gte=since).count()
    made["upcoming"] = Action.objects.public().filter(last_ends_at__gte=now).count()
    made["zones"] = len({p[2] for p in PLACES})
    made["first_day"] = str(min(a.starts_at for a in actions).date())
    made["last_day"] = str(max(a.last_ends_at for a in actions).date())
    return made


def main_server(args) -> int:
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client

    from unmask.record import version
    from unmask.runtime import settle

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter() - started
    started = time.perf_counter()
    # At a demo's size, today as busy as at 10,000 actions (DEMO_TODAY: a full page of the day).
    demo = args.actions <= DEMO_ACTIONS
    made = build_dataset(
        args.actions, args.seed, DEMO_TODAY if demo else 0, DEMO_DAY_ROWS if demo else 0
    )
    built = time.perf_counter() - started
    call_command("collectstatic", interactive=False, verbosity=0)
    client = Client(HTTP_HOST="127.0.0.1")
    settle()

    def get(path, **headers):
        start = time.perf_counter()
        response = client.get(path, HTTP_ACCEPT_ENCODING="gzip", **headers)
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code in (200, 304), f"{path}: HTTP {response.status_code}"
        return response, elapsed

    def page(path: str, runs: int) -> dict:
        get(path)  # warm-up
        times = [get(path)[1] for _ in range(runs)]
        return {"median": statistics.median(times), "runs": runs}

    def feed(path: str, marker: bytes) -> dict:
        cold = []
        for _ in range(args.cold):
            cache.clear()
            version.bump(version.CAMPAIGN)  # as after a moderator's decision
            response, elapsed = get(path)
            cold.append(elapsed)
        assert response["Content-Encoding"] == "gzip"
        compressed = response.content
        raw = gzip.decompress(compressed)
        cached = [get(path)[1] for _ in range(args.repeat)]
        etag = response["ETag"]
        conditional = []
        for _ in range(args.repeat):
            answer, elapsed = get(path, HTTP_IF_NONE_MATCH=etag)
            assert answer.status_code == 304
            conditional.append(elapsed)
        return {
            "cold": statistics.median(cold),
            "cold_max": max(cold),
            "cached": statistics.median(cached),
            "cached_p95": bench_public.nearest_rank(sorted(cached), 0.95),
            "conditional": statistics.median(conditional),
            "gzip_bytes": len(compressed),
            "raw_bytes": len(raw),
            "items": raw.count(marker),
        }

    # Feeds first, alone: their cold builds are timed before the other size's process starts.
    results = {
        "made": made,
        "migrate_s": migrated,
        "build_s": built,
        "baseline": page("/methodology/", args.repeat),
        "ics": feed("/calendar/actions.ics", b"BEGIN:VEVENT"),
        "atom": feed("/feeds/actions.atom", b"<entry>"),
    }
    Path(args.out).write_text(json.dumps(results))
    # Then the readers' pages, one request at a time as the parent asks (`serve_pages`), so
    # that it can alternate the two sizes' requests.
    print(READY, flush=True)
    for line in sys.stdin:
        path = line.strip()
        if not path:
            break
        print(f"{ANSWER} {get(path)[1]:.4f}", flush=True)
    return 0


READY, ANSWER = "@@ready", "@@ms"


class PageServer:
    """A child process (`--worker server`) with its own database and cache, that renders the
    page it is sent on stdin and answers with the time it took."""

    def __init__(self, directory: Path, args, actions: int) -> None:
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
            self.out = Path(out.name)
        command = [sys.executable, __file__, "--worker", "server", "--out", str(self.out)]
        command += ["--repeat", str(args.repeat), "--cold", str(args.cold)]
        command += ["--actions", str(actions), "--seed", str(args.seed)]
        # The page cache off: the pages are rendered, not answered from the cache (the feeds are
        # derived payloads, with a cache of their own: payloads.py).
        env = {**bench_public.child_env(directory), "UNMASK_PAGE_CACHE_SECONDS": "0"}
        self.process = subprocess.Popen(
            command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.figures = self._until(READY) and json.loads(self.out.read_text())

    def _until(self, marker: str) -> str | None:
        for line in self.process.stdout:
            if line.startswith(marker):
                return line
            sys.stdout.write(line)  # anything else the child printed
        return None

    def get(self, path: str) -> float:
        self.process.stdin.write(path + "\n")
        self.process.stdin.flush()
        line = self._until(ANSWER)
        if line is None:
            raise RuntimeError(f"the page server stopped at {path}")
        return float(line.split()[1])

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        self.process.wait(timeout=60)
        self.out.unlink(missing_ok=True)


def serve_pages(large: PageServer, demo: PageServer | None, runs: int) -> None:
    """Each reader's page at both sizes, the two processes' requests alternated (large, demo,
    demo, large, ...: neither always first), after a warm-up at each, so that the machine's
    moods fall on both sizes alike; each size's median goes into its figures' "pages"."""
    servers = [("large", large, lambda path: path)]
    if demo is not None:
        servers.append(("demo", demo, lambda path: DEMO_PAGES.get(path, path)))
    paths = (*READER_PAGES, f"/actions/calendar/?day={date.today().isoformat()}")
    for _name, server, _path in servers:
        server.figures["pages"] = {}
    for path in paths:
        samples = {name: [] for name, _server, _path in servers}
        for _name, server, local in servers:
            server.get(local(path))  # warm-up
        for i in range(runs):
            for name, server, local in servers if i % 2 == 0 else servers[::-1]:
                samples[name].append(server.get(local(path)))
        for name, server, _local in servers:
            server.figures["pages"][path] = {
                "median": statistics.median(samples[name]),
                "runs": runs,
            }


# --- the record's pages with the campaign aimed at them -------------------------------------------

# Where an action aimed at an organization or its sites takes place: the zone of the site's (or
# the organization's) country; the demo record's 22 countries. Anything else: UTC.
ZONES = {
    "AE": "Asia/Dubai",
    "BG": "Europe/Sofia",
    "BR": "America/Sao_Paulo",
    "CN": "Asia/Shanghai",
    "CZ": "Europe/Prague",
    "DE": "Europe/Berlin",
    "EG": "Africa/Cairo",
    "ES": "Europe/Madrid",
    "FR": "Europe/Paris",
    "GB": "Europe/London",
    "GR": "Europe/Athens",
    "IL": "Asia/Jerusalem",
    "IN": "Asia/Kolkata",
    "IT": "Europe/Rome",
    "JP": "Asia/Tokyo",
    "KR": "Asia/Seoul",
    "PL": "Europe/Warsaw",
    "RU": "Europe/Moscow",
    "SE": "Europe/Stockholm",
    "TR": "Europe/Istanbul",
    "US": "America/New_York",
    "ZA": "Africa/Johannesburg",
}
RECORD_RUNS = 15
# Rows of the record table: key, label. Only the organization page has targets in the issue.
RECORD_PAGES = (
    ("baseline", "baseline: /methodology/"),
    ("org", "organization /org/<id>/<slug>/"),
    ("site", "site /site/<id>/"),
    ("product", "program /product/<id>/<slug>/"),
    ("country", "country /country/<code>/"),
    ("home", "home /"),
    ("call", "call /calls/<id>/<slug>/"),
)
TARGET_RATIO = 1.5


def choose_record_targets() -> dict:
    """After the demo campaign: the organization with the most actions aimed at it or its sites
    (then the most aimed at one of its sites), its most targeted public site, the program the
    demo's call targets, the organization's country and that call (the original, not a
    translation)."""
    from collections import Counter

    from unmask.campaign.models import ActionTarget, Call
    from unmask.record.models import Organization, Site

    direct, via_site = Counter(), Counter()
    site_count = Counter()
    for org_id, site_id, site_org in ActionTarget.objects.public().values_list(
        "organization_id", "site_id", "site__organization_id"
    ):
        if org_id:
            direct[org_id] += 1
        if site_id:
            via_site[site_org] += 1
            site_count[site_id] += 1
    org_id = max(
        set(direct) | set(via_site), key=lambda pk: (direct[pk] + via_site[pk], via_site[pk], -pk)
    )
    org = Organization.objects.get(pk=org_id)
    sites = list(Site.objects.public().filter(organization=org).order_by("pk"))
    site = max(sites, key=lambda s: (site_count[s.pk], -s.pk))
    call = Call.objects.filter(published_at__isnull=False, deleted_at__isnull=True).first()
    program = call.targets.filter(product__isnull=False).first().product
    assert program.kind == "program" and program.is_public
    return {"org": org, "sites": sites, "site": site, "program": program, "call": call}


def aim_actions(chosen: dict, count: int, seed: int) -> dict:
    """`count` actions aimed at the organization (two fifths) or at its sites (the chosen site
    half of those), one in ten also at the program, by bulk_create; most past (over seven years),
    a few hundred upcoming (the next year), about one in ten weekly, 4 % cancelled, 3 % online;
    those in the call's period half answer it. Returns the counts made."""
    from datetime import date, timedelta
    from datetime import time as clock

    from django.utils import timezone

    from unmask.campaign import times
    from unmask.campaign.models import Action, ActionStatus, ActionTarget, LocalGroup
    from unmask.record import version

    rng = random.Random(seed)
    now = timezone.now()
    today = date.today()
    org, site, sites = chosen["org"], chosen["site"], chosen["sites"]
    others = [s for s in sites if s.pk != site.pk] or [site]
    program, call = chosen["program"], chosen["call"]
    groups = list(LocalGroup.objects.order_by("pk"))
    home_zone = ZONES.get(org.country.code, "UTC")
    home_city = next((s.city for s in sites if s.city), "") or "Main square"
    upcoming_share = 350 / 10_000  # "a few hundred" of 10,000, whatever the count
    made = {"org": 0, "site": 0, "chosen_site": 0, "program": 0, "recurring": 0}
    made.update({"cancelled": 0, "online": 0, "call": 0, "abroad": 0})
    actions, aims = [], []
    for i in range(count):
        roll = rng.random()
        if roll < 0.4:
            aim = {"organization": org}
            made["org"] += 1
        else:
            place = site if roll < 0.7 else rng.choice(others)
            aim = {"site": place}
            made["site"] += 1
            made["chosen_site"] += place.pk == site.pk
        also_program = rng.random() < 0.1
        made["program"] += also_program
        online = rng.random() < 0.03
        if online:
            city, country, zone, lat, lon = "", "", home_zone, None, None
        elif "site" in aim:
            where = aim["site"]
            city, country = where.city, where.country.code
            zone = ZONES.get(country, "UTC")
            lat, lon = where.latitude, where.longitude
        elif rng.random() < 0.25:  # aimed at the organization, held elsewhere (solidarity)
            city, country, zone, lat, lon = rng.choice(PLACES)
            made["abroad"] += 1
        else:
            city, country, zone, lat, lon = home_city, org.country.code, home_zone, None, None
        if lat is not None:
            lat, lon = lat + rng.uniform(-0.01, 0.01), lon + rng.uniform(-0.01, 0.01)
        upcoming = rng.random() < upcoming_share
        offset = rng.randint(0, 365) if upcoming else -rng.randint(1, 7 * 365)
        day = today + timedelta(days=offset)
        start_clock = clock(rng.randint(8, 19), rng.choice((0, 15, 30, 45)))
        try:
            starts_at = times.to_utc(day, start_clock, zone)
        except times.TimeError:  # skipped by summer time: an hour later
            starts_at = times.to_utc(day, clock(start_clock.hour + 1), zone)
        ends_at = starts_at + timedelta(minutes=rng.choice((60, 90, 120, 180, 240)))
        rule = ""
        if rng.random() < 0.1:
            rule = f"FREQ=WEEKLY;COUNT={rng.randint(4, 12)}"
            made["recurring"] += 1
        last_ends_at = times.last_end(starts_at, ends_at, zone, rule)
        status, reason = ActionStatus.PUBLISHED, ""
        if rng.random() < 0.04:
            status, reason = ActionStatus.CANCELLED, "The gate is closed for works that day."
            made["cancelled"] += 1
        answers = call.starts_on <= day <= (call.ends_on or day) and rng.random() < 0.5
        made["call"] += answers
        made["online"] += online
        kind = "online" if online else rng.choice(KINDS)
        announced = min(now, starts_at - timedelta(days=rng.randint(3, 40)))
        actions.append(
            Action(
                title=f"{kind.replace('_', ' ').capitalize()} at {org.name} ({i + 1})",
                kind=kind,
                description="Bench action: a public, peaceful gathering. No names of persons.",
                timezone=zone,
                starts_at=starts_at,
                ends_at=ends_at,
                recurrence=rule,
                last_ends_at=last_ends_at,
                online=online,
                online_url=f"https://example.org/stream/{i}" if online else "",
                address="" if online else f"Gate {rng.randint(1, 9)}",
                city=city,
                country=country,
                latitude=lat,
                longitude=lon,
                call=call if answers else None,
                group=rng.choice(groups) if groups and rng.random() < 0.3 else None,
                languages=rng.choice(("en", "de,en", "")),
                status=status,
                status_reason=reason,
                published_at=announced,
                edit_token_hash=hashlib.sha256(f"aimed-{seed}-{i}".encode()).hexdigest(),
                sequence=rng.randint(1, 3),
                created_at=announced,
            )
        )
        aims.append((aim, also_program))
    Action.objects.bulk_create(actions, batch_size=1000)
    rows = []
    for action, (aim, also_program) in zip(actions, aims, strict=True):
        rows.append(ActionTarget(action=action, position=0, **aim))
        if also_program:
            rows.append(ActionTarget(action=action, position=1, product=program))
    ActionTarget.objects.bulk_create(rows, batch_size=2000)
    version.bump(version.CAMPAIGN)
    made["actions"] = count
    made["upcoming"] = sum(a.last_ends_at >= now for a in actions)
    made["past"] = count - made["upcoming"]
    return made


def campaign_parts(chosen: dict) -> dict:
    """The campaign's share of each page, called directly: what its template tag or view asks
    of campaign.targets and campaign.queries (rendering left out)."""
    from unmask.campaign import queries, targets
    from unmask.campaign.templatetags import campaign_record

    org, site, program, call = chosen["org"], chosen["site"], chosen["program"], chosen["call"]
    country = org.country.code

    def call_page():
        filters = queries.ActionFilters(call=call.public_id)
        targets.evidence(call)
        queries.upcoming(filters)
        list(queries.past(queries.public_actions().filter(call=call)))

    return {
        "org": lambda: targets.campaign_for(org),
        "site": lambda: targets.campaign_for(site),
        "product": lambda: targets.campaign_for(program),
        "country": lambda: targets.campaign_for(None, country=country),
        "home": lambda: campaign_record.next_actions(country=""),
        "call": call_page,
    }


@contextlib.contextmanager
def on_database(wrapper):
    """Requests and queries in the block go to `wrapper` (a second SQLite file), as "default"."""
    from django.db import connections

    previous = connections["default"]
    connections["default"] = wrapper
    try:
        yield
    finally:
        connections["default"] = previous


class QueryTimer:
    """An execute wrapper: each query's SQL and its time in ms, to the microsecond (Django's own
    log rounds to the millisecond)."""

    def __init__(self) -> None:
        self.queries: list[tuple[float, str]] = []

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append(((time.perf_counter() - start) * 1000, sql))


def measure_sizes(client, paths: dict, parts: dict, dbs: dict, runs: int) -> dict:
    """Each page at both sizes in turn (demo, large, large, demo, ...: neither always first),
    after two warm-ups at each; the median of `runs` at each size, and of the campaign's share
    of the page called directly. Then one more request at each size for its queries: how many,
    their time, the slowest three."""
    from django.db import connections

    from unmask.runtime import settle

    def get(path: str) -> tuple:
        start = time.perf_counter()
        response = client.get(path)
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, f"{path}: HTTP {response.status_code}"
        return response, elapsed

    def timed(call) -> float:
        start = time.perf_counter()
        call()
        return (time.perf_counter() - start) * 1000

    gc.collect()
    settle()  # as a server process does at start-up
    sizes = list(dbs)
    results: dict = {size: {} for size in sizes}
    for key, _label in RECORD_PAGES:
        path, part = paths[key], parts.get(key)
        samples = {size: [] for size in sizes}
        share = {size: [] for size in sizes}
        for size in sizes:
            with on_database(dbs[size]):
                get(path)
                get(path)
                if part:
                    part()
        for i in range(runs):
            for size in sizes if i % 2 == 0 else sizes[::-1]:
                with on_database(dbs[size]):
                    samples[size].append(get(path)[1])
                    if part:
                        share[size].append(timed(part))
        for size in sizes:
            timer = QueryTimer()
            with on_database(dbs[size]), connections["default"].execute_wrapper(timer):
                response, _elapsed = get(path)
            queries = timer.queries
            slowest = sorted(queries, key=lambda q: -q[0])[:3]
            timings = sorted(samples[size])
            results[size][key] = {
                "path": path,
                "median": statistics.median(timings),
                "min": timings[0],
                "max": timings[-1],
                "runs": runs,
                "campaign": statistics.median(share[size]) if part else None,
                "queries": len(queries),
                "sql_ms": sum(q[0] for q in queries),
                "slowest": [(ms, " ".join(sql.split())[:300]) for ms, sql in slowest],
                "kb": len(response.content) / 1024,
            }
    return results


def profile_page(client, path: str) -> str:
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(5):
        client.get(path)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(35)
    return f"cProfile, 5 requests of {path} at the large size, by cumulative time\n{out.getvalue()}"


def main_record(args) -> int:
    import sqlite3

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections
    from django.test import Client

    from unmask.campaign import queries
    from unmask.campaign.models import ActionTarget
    from unmask.demo import campaign as demo

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    demo.load(demo.SYSTEM)  # the demo campaign, through the services, as `make demo` does
    chosen = choose_record_targets()
    org, site, program, call = chosen["org"], chosen["site"], chosen["program"], chosen["call"]
    country = org.country.code
    paths = {
        "baseline": "/methodology/",
        "org": org.get_absolute_url(),
        "site": site.get_absolute_url(),
        "product": program.get_absolute_url(),
        "country": f"/country/{country}/",
        "home": "/",
        "call": call.get_absolute_url(),
    }
    # The large size: a copy of this database (SQLite's backup), opened as a second connection
    # that stands in for "default" while it is measured, so both sizes are timed in turn.
    connection.ensure_connection()
    large_path = Path(connection.settings_dict["NAME"]).with_name("large.sqlite3")
    copy = sqlite3.connect(large_path)
    connection.connection.backup(copy)
    copy.close()
    demo_db = connections["default"]
    large = type(demo_db)({**demo_db.settings_dict, "NAME": str(large_path)}, "default")
    dbs = {"demo": demo_db, "large": large}

    def sizes() -> dict:
        """What each page has to do with the campaign, counted the way its pages count."""
        aimed = ActionTarget.objects.public()
        public = queries.public_actions()
        upcoming = queries.upcoming(queries.ActionFilters(call=call.public_id))
        return {
            "org": public.filter(pk__in=aimed.of_organization(org).values("action_id")).count(),
            "site": public.filter(pk__in=aimed.filter(site=site).values("action_id")).count(),
            "product": public.filter(
                pk__in=aimed.filter(product=program).values("action_id")
            ).count(),
            "all": public.count(),
            "call_upcoming": len(upcoming),
            "call_past": min(50, public.filter(call=call).count() - len(upcoming)),
        }

    started = time.perf_counter()
    with on_database(large):
        made = aim_actions(chosen, args.aimed, args.seed)
    built = time.perf_counter() - started
    counts = {}
    for size, wrapper in dbs.items():
        with on_database(wrapper):
            counts[size] = sizes()
    client = Client(HTTP_HOST="127.0.0.1")
    load = [os.getloadavg()[0]]
    measured = measure_sizes(client, paths, campaign_parts(chosen), dbs, args.page_runs)
    load.append(os.getloadavg()[0])
    profile = ""
    if args.profile_record:
        with on_database(large):
            profile = profile_page(client, paths[args.profile_record])
    results = {
        "org": f"{org.name} [{org.public_id}]",
        "site": f"{site.name or site.role_label} [{site.public_id}]",
        "sites": len(chosen["sites"]),
        "program": f"{program.name} [{program.public_id}]",
        "country": country,
        "call": f"{call.title} [{call.public_id}]",
        "made": made,
        "build_s": built,
        "counts": counts,
        "demo": measured["demo"],
        "large": measured["large"],
        "load": load,
        "cpus": os.cpu_count(),
        "profile": profile,
    }
    Path(args.out).write_text(json.dumps(results, default=str))
    large.close()
    return 0


def record_figures(args) -> dict | None:
    """The demo record (bench_public's cached demo-size dataset) copied into a folder of its own,
    then the child above."""
    from types import SimpleNamespace

    source, how = bench_public.ensure_dataset(
        "demo size", bench_public.DEMO_SIZE, SimpleNamespace(seed=args.seed, regenerate=False)
    )
    directory = Path(tempfile.mkdtemp(prefix=".campaign-record-", dir=bench_public.BENCH_DIR))
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        out_path = Path(out.name)
    try:
        for path in source.iterdir():
            if path.is_file() and path.name != "dataset.json":
                shutil.copy2(path, directory / path.name)
        command = [sys.executable, __file__, "--worker", "record", "--out", str(out_path)]
        command += ["--page-runs", str(args.page_runs), "--aimed", str(args.aimed)]
        command += ["--seed", str(args.seed)]
        if args.profile_record:
            command += ["--profile-record", args.profile_record]
        # Rendered: the page cache off, as bench_public measures the pages.
        env = {**bench_public.child_env(directory), "UNMASK_PAGE_CACHE_SECONDS": "0"}
        result = subprocess.run(command, env=env, check=False)
        if result.returncode != 0:
            print(f"  measuring the record's pages failed (exit {result.returncode})")
            return None
        data = json.loads(out_path.read_text())
        data["dataset"] = how
        return data
    finally:
        out_path.unlink(missing_ok=True)
        shutil.rmtree(directory, ignore_errors=True)


def print_record(data: dict, args) -> bool:
    """The table; True when the organization page meets both targets."""
    made, demo, large = data["made"], data["demo"], data["large"]
    counts_d, counts_l = data["counts"]["demo"], data["counts"]["large"]
    n = f"{made['actions']:,}"
    target_ms = bench_public.TARGET_MEDIAN_MS
    print(
        f"\n== the record's pages with the campaign aimed at them: demo size, then {n} actions"
        " aimed at one organization"
    )
    lines = [
        f"organization {data['org']} ({data['country']}, {data['sites']} public sites); site"
        f" {data['site']}; program {data['program']}; call {data['call']}.",
        f"Demo size: the demo record (80 organizations; dataset {data['dataset']}) with the demo"
        f" campaign ({counts_d['all']} public actions, {counts_d['org']} aimed at the"
        " organization or its sites).",
        f"Large: a copy of it plus {n} actions by bulk_create ({data['build_s']:.1f} s):"
        f" {made['org']:,} aimed at the organization, {made['site']:,} at its sites"
        f" ({made['chosen_site']:,} at the site measured), {made['program']:,} also at the"
        f" program; {made['past']:,} past (over seven years), {made['upcoming']:,} upcoming or"
        f" running; {made['recurring']:,} weekly, {made['cancelled']:,} cancelled,"
        f" {made['online']:,} online, {made['abroad']:,} held in other countries,"
        f" {made['call']:,} answering the call.",
        f"Medians of {demo['baseline']['runs']} requests per page and size after 2 warm-ups,"
        " the two sizes in turn in one process (two SQLite files). Server time as the other"
        " figures here: Django's test client, so view, middleware and templates, without a"
        " WSGI server or the network. 'x base': ratio to the baseline at the same size."
        " 'campaign': the campaign's share of the page (its tag's or view's calls into"
        " campaign.targets / campaign.queries, without rendering), timed alone.",
        f"Machine: {data['cpus']} CPUs, load average {data['load'][0]:.1f} at the start and"
        f" {data['load'][1]:.1f} at the end of the timings"
        + (
            ": a loaded machine inflates every millisecond; the ratios, taken in turn, less so."
            if max(data["load"]) > (data["cpus"] or 1)
            else "."
        ),
    ]
    for line in lines:
        print(textwrap.fill(line, 112, initial_indent="   ", subsequent_indent="   "))
    header = (
        f"   {'page':<31} {'demo ms':>7} {'large ms':>8} {'ratio':>6} {'x base':>6} {'x base':>6}"
        f" {'campaign ms':>13} {'queries':>7}  {'target':<15} verdict"
    )
    print()
    print(header)
    print(
        f"   {'':<31} {'':>7} {'':>8} {'lg/dm':>6} {'demo':>6} {'large':>6}"
        f" {'demo -> large':>13} {'dm->lg':>7}"
    )
    print("   " + "-" * (len(header) - 3))
    base_d, base_l = demo["baseline"]["median"], large["baseline"]["median"]
    fails, over = [], []
    notes = {
        "org": f"the same page of the same organization: {counts_d['org']:,} actions aimed at it"
        f" or its sites at demo size, {counts_l['org']:,} at the large; both list at most 5"
        " upcoming and count the rest",
        "site": f"{counts_d['site']:,} -> {counts_l['site']:,} actions aimed at this site; the"
        " organization page's targets, for information",
        "product": f"{counts_d['product']:,} -> {counts_l['product']:,} actions aimed at the"
        " program; the page also draws its supply tree (the same at both sizes)",
        "country": f"counts every action aimed at an organization or a site in"
        f" {data['country']} or held there (the {counts_l['org']:,} above among them)",
        "home": f"the campaign's next 6 actions, the countries it is held in, open calls:"
        f" {counts_d['all']:,} -> {counts_l['all']:,} public actions in all",
        "call": f"lists every upcoming action answering the call ({counts_d['call_upcoming']:,}"
        f" -> {counts_l['call_upcoming']:,}) and up to 50 past ({counts_d['call_past']:,} ->"
        f" {counts_l['call_past']:,}): more rows at the large size, so its ratio compares"
        " different work, softer than a like-for-like check; its targets' evidence reads no"
        " action",
    }
    for key, label in RECORD_PAGES:
        d, g = demo[key], large[key]
        ratio = g["median"] / d["median"]
        queries = str(g["queries"])
        if g["queries"] != d["queries"]:
            queries = f"{d['queries']}->{g['queries']}"
        share = ""
        if g["campaign"] is not None:
            share = f"{d['campaign']:.1f} -> {g['campaign']:.1f}"
        goal, verdicts = "", ""
        if key == "org":
            goal = f"< {target_ms:.0f} ms, <= {TARGET_RATIO}x"
            checks = (g["median"] < target_ms, ratio <= TARGET_RATIO)
            verdicts = " ".join(verdict(ok) for ok in checks)
            fails += [what for what, ok in zip(("median", "ratio"), checks, strict=True) if not ok]
        elif key != "baseline":
            goal = "none given"
            missed = []
            if g["median"] >= target_ms:
                also = " (demo size too)" if d["median"] >= target_ms else ""
                missed.append(f"over {target_ms:.0f} ms{also}")
            if ratio > TARGET_RATIO:
                missed.append(f"over {TARGET_RATIO}x")
            verdicts = "info: " + (", ".join(missed) if missed else "within the org page's")
            if missed:
                over.append(key)
        print(
            f"   {label:<31} {d['median']:>7.1f} {g['median']:>8.1f} {ratio:>6.2f}"
            f" {d['median'] / base_d:>6.1f} {g['median'] / base_l:>6.1f} {share:>13}"
            f" {queries:>7}  {goal:<15} {verdicts}"
        )
        note = notes.get(key, "")
        if key == "org" and g["median"] >= target_ms and d["median"] >= target_ms:
            note += (
                f". Its demo-size median is over {target_ms:.0f} ms too in this run: the machine's"
                " load (above) or the page without the campaign, not the actions, misses the"
                " median target here"
            )
        if note:
            print(textwrap.fill(note, 112, initial_indent=" " * 6, subsequent_indent=" " * 6))
    print(
        f"   Targets given: the organization page's only (median < {target_ms:.0f} ms at the"
        f" large size and <= {TARGET_RATIO}x its demo-size median).\n   The other pages"
        " have none; 'info' compares them with the organization page's."
    )
    print(
        "\n   where the time goes at the large size; SQL: one more request's queries timed in"
        " execute (SQLite hands\n   over the rows after the first in fetch, uncounted: a"
        " streamed read such as the home page's countries\n   shows in 'the campaign's"
        " calls' rather than here); its three slowest queries:"
    )
    for key, label in RECORD_PAGES:
        if key != "org" and key not in over:
            continue
        d, g = demo[key], large[key]
        line = (
            f"{label}: median {g['median']:.1f} ms (fastest {g['min']:.1f}; demo size"
            f" {d['median']:.1f}, fastest {d['min']:.1f}); the campaign's calls"
            f" {g['campaign']:.1f} ms (demo size {d['campaign']:.1f}); SQL {g['sql_ms']:.1f} ms"
            f" in {g['queries']} queries (demo size {d['sql_ms']:.1f} ms); {g['kb']:.0f} KB of"
            " HTML"
        )
        print(textwrap.fill(line, 112, initial_indent="   ", subsequent_indent=" " * 6))
        for ms, sql in g["slowest"]:
            print(f"      {ms:5.1f} ms  {sql[:140]}")
    if data.get("profile"):
        print("\n" + data["profile"])
    if fails:
        print(f"\n   organization page: {len(fails)} of 2 checks FAIL: {', '.join(fails)}")
    else:
        print("\n   organization page: both checks PASS")
    if over:
        print(
            f"   beyond the organization page's figures (no target of their own): {', '.join(over)}"
        )
    return not fails


# --- the campaign's pages on the record at 10,000 organizations -----------------------------------

# bench_public's datasets (demo size, and 10,000 organizations / 100,000 sites / 100,000 links),
# measured by bench_public's worker (--part campaign) with the demo campaign loaded, and
# LARGE_WAITING submitted actions for the moderators' queue, in a transaction rolled back at the
# end (the cached dataset is unchanged). Same targets and tables as bench_public's rows.
LARGE_WAITING = 250
LARGE_ROWS = (
    ("baseline", "baseline: methodology page", False),
    ("calls", "/calls/", False),
    ("call", "call page (Follow panel)", False),
    ("embed-call", "/embed/call/<id>/", False),
    ("call-card-cold", "call card.png, first render", False),
    ("call-card", "call card.png, cached", False),
    ("group", "group page (Follow panel)", False),
    ("action", "action page", False),
    ("action-card-cold", "action card.png, first render", False),
    ("action-card", "action card.png, cached", False),
    ("actions", "/actions/ (list)", False),
    ("calendar", "/actions/calendar/ (month)", False),
    ("actions-map", "/actions/map/", False),
    ("embed-actions", "/embed/actions/", False),
    ("opml", "/feeds.opml", False),
    ("submit", "/submit/ (the form)", False),
    ("moderate", f"/moderate/, staff, {LARGE_WAITING} waiting", False),
)
LARGE_NO_RATIO = {"baseline"}
# The pages carrying the Follow panel, and what their tags are given (none is a page's object).
FOLLOW_TEMPLATE = (
    "{% load record_follow campaign_follow follow %}"
    "{% record_feeds org as record %}{% action_feeds thing country=country as campaign %}"
    "{% follow_panel record campaign %}"
)


def measure_large(client, timed, run, rows: dict, args) -> dict:
    """bench_public's worker with --part campaign: the campaign's pages on the dataset at hand.
    Returns bench_public's result (rows, match, checks)."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.urls import reverse
    from django.utils import timezone

    from unmask.campaign.models import Action, ActionStatus, ActionTarget, Call, LocalGroup
    from unmask.demo import campaign as demo
    from unmask.record.models import Organization

    match = json.loads(args.match) if args.match else None
    result: dict = {"rows": rows, "match": {}, "checks": []}
    with transaction.atomic():
        try:
            demo.load(demo.SYSTEM)
            call = Call.objects.get()
            group = LocalGroup.objects.order_by("pk").first()
            action = Action.objects.public().filter(recurrence="").order_by("pk").first()
            orgs = list(Organization.objects.public().order_by("pk")[:50])
            now = timezone.now()
            waiting = []
            for i in range(LARGE_WAITING):
                starts = now + timedelta(days=1 + i % 60, hours=i % 7)
                waiting.append(
                    Action(
                        title=f"Vigil at the gate ({i + 1})",
                        kind="vigil",
                        description="Bench action waiting for a moderator. No names of persons.",
                        timezone="Europe/Berlin",
                        starts_at=starts,
                        ends_at=starts + timedelta(hours=2),
                        last_ends_at=starts + timedelta(hours=2),
                        address="Gate 2",
                        city="Kassel",
                        country="DE",
                        latitude=51.31,
                        longitude=9.48,
                        group=group if i % 3 == 0 else None,
                        call=call if i % 2 == 0 else None,
                        languages="en",
                        status=ActionStatus.SUBMITTED,
                        contact_email=f"organizer{i}@example.org",
                        edit_token_hash=hashlib.sha256(f"waiting-{i}".encode()).hexdigest(),
                    )
                )
            Action.objects.bulk_create(waiting)
            ActionTarget.objects.bulk_create(
                ActionTarget(action=a, position=0, organization=orgs[i % len(orgs)])
                for i, a in enumerate(waiting)
            )
            result["checks"].append(follow_check(call, group, orgs[0], match, result["match"]))
            _large_rows(client, timed, run, call, group, action)
            user = get_user_model().objects.create_user(
                "bench-moderator", "moderator@example.org", None, is_staff=True, is_superuser=True
            )
            client.force_login(user)
            try:
                run(
                    "moderate",
                    lambda: timed(
                        [reverse("campaign:moderate")],
                        note=f"{LARGE_WAITING} actions waiting (one screen shows 200); signed in",
                    ),
                )
                if args.profile:  # signed in, for the moderators' queue
                    import bench_public

                    bench_public.profile_row(client, rows.get(args.profile))
            finally:
                client.logout()
        finally:
            transaction.set_rollback(True)
    return result


def _large_rows(client, timed, run, call, group, action) -> None:
    from django.core.cache import cache
    from django.urls import reverse

    cold = "the cache emptied before each request (the PNG drawn)"
    run("baseline", lambda: timed(["/methodology/"]))
    run("calls", lambda: timed([reverse("campaign:calls")]))
    targets = f"aimed at the program and {call.targets.count() - 1} organizations"
    run("call", lambda: timed([call.get_absolute_url()], note=f"the demo call, {targets}"))
    run("embed-call", lambda: timed([reverse("campaign:embed-call", args=[call.public_id])]))
    call_card = reverse("campaign:call-card", args=[call.public_id, call.slug])
    run("call-card-cold", lambda: timed([call_card], before=cache.clear, note=cold))
    run("call-card", lambda: timed([call_card]))
    run("group", lambda: timed([group.get_absolute_url()], note=group.name))
    run("action", lambda: timed([action.get_absolute_url()], note=action.title))
    action_card = reverse("campaign:action-card", args=[action.public_id, action.slug])
    run("action-card-cold", lambda: timed([action_card], before=cache.clear, note=cold))
    run("action-card", lambda: timed([action_card]))
    run("actions", lambda: timed([reverse("campaign:actions")]))
    run("calendar", lambda: timed([reverse("campaign:calendar")]))
    run("actions-map", lambda: timed([reverse("campaign:actions-map")]))
    run("embed-actions", lambda: timed([reverse("campaign:embed-actions")]))
    run("opml", lambda: timed([reverse("campaign:feeds-opml")]))
    run("submit", lambda: timed([reverse("campaign:submit")]))


def follow_check(call, group, org, match: dict | None, out: dict) -> dict:
    """The Follow panel's tags (record_feeds, action_feeds, follow_panel) rendered for each page
    that carries it: their queries at this size, which must be those of the demo size (none grows
    with the data)."""
    from django.db import connection
    from django.template import Context, Template
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from unmask.record.models import Product

    program = Product.objects.public().filter(kind="program").order_by("pk").first()
    pages = {
        "home": {},
        "organization": {"org": org, "thing": org},
        "country": {"country": str(org.country)},
        "product": {"thing": program},
        "call": {"thing": call},
        "group": {"thing": group},
    }
    template = Template(FOLLOW_TEMPLATE)
    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1")
    counts = {}
    for page, given in pages.items():
        context = {"request": request, "org": None, "thing": None, "country": "", **given}
        with CaptureQueriesContext(connection) as captured:
            html = template.render(Context(context))
        assert "webcal://" in html, page
        counts[page] = len(captured)
    out["follow"] = counts
    value = ", ".join(f"{page} {n}" for page, n in counts.items())
    same = match is None or match.get("follow") == counts
    return {
        "name": "Follow panel's queries (same at both sizes)",
        "value": value,
        "ok": same,
    }


# --- the proof of work in a browser ---------------------------------------------------------------


# Listen to the widget before anything starts it; resolves with the milliseconds from its
# "verifying" state to its hidden input holding the solution.
WATCH_POW = """async () => {
  await customElements.whenDefined("altcha-widget");
  const widget = document.querySelector("altcha-widget");
  window.__powDone = new Promise((resolve) => {
    let started = null;
    widget.addEventListener("statechange", (event) => {
      const state = event.detail && event.detail.state;
      if (state === "verifying" && started === null) started = performance.now();
      if (state === "error") resolve({ error: String(event.detail.error || "error") });
      if (state !== "verified") return;
      const check = () => {
        const input = document.querySelector('input[name="altcha"]');
        if (input && input.value) resolve({ ms: performance.now() - started, payload: input.value });
        else setTimeout(check, 0);
      };
      check();
    });
  });
  return { workers: navigator.hardwareConcurrency, memory: navigator.deviceMemory || null };
}"""


def solution_time(payload: str) -> float | None:
    """The milliseconds the solver reports in the payload, if it does."""
    try:
        solution = json.loads(base64.b64decode(payload))["solution"]
        return float(solution.get("time", solution.get("took")))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def pow_figures(directory: Path, runs: int, cost=None, counter=None) -> dict:
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM_ARGS  # the same switches as the browser tests

    server = bench_public.Server(
        directory, {"UNMASK_POW_COST": cost, "UNMASK_POW_COUNTER": counter}
    )
    solves: list[float] = []
    work: list[float] = []  # the solver's own time, without the widget's minimum duration
    errors: list[str] = []
    info = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            info["browser"] = browser.version
            for _run in range(runs):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                page.goto(server.url + "/submit/", wait_until="load")
                info.update(page.evaluate(WATCH_POW))
                page.focus("#id_title")  # auto="onfocus": the widget starts here
                result = page.evaluate("() => window.__powDone")
                if "ms" in result:
                    solves.append(result["ms"])
                    took = solution_time(result["payload"])
                    if took is not None:
                        work.append(took)
                else:
                    errors.append(result.get("error", "?"))
                context.close()
            browser.close()
    finally:
        server.stop()
    return {
        "cost": cost,
        "counter": counter,
        "solves": solves,
        "median": statistics.median(solves) if solves else None,
        "work": statistics.median(work) if work else None,
        "errors": errors,
        **info,
    }


def collectstatic(directory: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "django", "collectstatic", "--noinput", "-v", "0"],
        env=bench_public.child_env(directory),
        check=True,
    )


# --- the parent -----------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def print_server(data: dict, args, demo: dict | None = None) -> None:
    made = data["made"]
    print(
        f"\n== campaign feeds: {args.actions:,} published actions (seed {args.seed}),"
        f" {made['zones']} time zones"
    )
    print(
        f"   {made['recurring']:,} weekly, {made['cancelled']:,} cancelled, {made['online']:,}"
        f" online, {made['call']:,} answering a call, {made['group']:,} with a group;"
        f" {made['upcoming']:,} upcoming, {made['in_feeds']:,} in the feeds (ended under 30 days"
        f" ago or later), {made['first_day']} to {made['last_day']}"
    )
    print(
        f"   dataset: migrate {data['migrate_s']:.1f} s, bulk_create {data['build_s']:.1f} s;"
        f" medians of {args.cold} cold and {args.repeat} cached / 304 requests (test client,"
        " gzip accepted)"
    )
    base = data["baseline"]["median"]
    header = f"   {'request':<42} {'median ms':>9} {'x base':>7}  {'target':<10} verdict"
    print(header)
    print("   " + "-" * (len(header) - 3))
    checks, fails = 0, []

    def row(name: str, value: float, target: float | None = None) -> None:
        nonlocal checks
        check, goal = "", ""
        if target is not None:
            checks += 1
            ok = value < target
            check, goal = verdict(ok), f"< {target:,.0f} ms"
            if not ok:
                fails.append(name)
        print(f"   {name:<42} {value:>9.1f} {value / base:>7.1f}  {goal:<10} {check}")

    row("baseline: /methodology/", base)
    for key, label in (("ics", "/calendar/actions.ics"), ("atom", "/feeds/actions.atom")):
        feed = data[key]
        target = TARGET_ICS_COLD_MS if key == "ics" else TARGET_COLD_MS
        row(f"{label} cold (built, gzipped)", feed["cold"], target)
        row(f"{label} cached", feed["cached"], TARGET_CACHED_MS)
        row(f"{label} cached, p95", feed["cached_p95"])
        row(f"{label} 304 (If-None-Match)", feed["conditional"], TARGET_CACHED_MS)
    for path, figures in data["pages"].items():
        row(f"{path} ({figures['runs']} runs, rendered)", figures["median"], TARGET_PAGE_MS)
    if demo:
        print(
            f"\n   the same pages at {DEMO_ACTIONS} actions (the same 20 calls and 200 groups,"
            f" {DEMO_TODAY} of them today), in a process and database of their own, the two"
            " sizes' requests alternated; a list's 20th page is its 2nd there (20 rows each)"
        )
        print(f"   {'page':<42} {'demo ms':>9} {'10k ms':>7} {'ratio':>6}  target")
        for path, figures in data["pages"].items():
            small = demo["pages"][path]["median"]
            ratio = figures["median"] / small
            checks += 1
            ok = ratio <= TARGET_DEMO_RATIO
            if not ok:
                fails.append(f"{path} ratio")
            print(
                f"   {path:<42} {small:>9.1f} {figures['median']:>7.1f} {ratio:>6.2f}"
                f"  <= {TARGET_DEMO_RATIO}: {verdict(ok)}"
            )
    print(f"\n   {'payload':<30} {'items':>7} {'raw KB':>9} {'gzip KB':>9} {'ratio':>6}")
    for key, label, what in (
        ("ics", "/calendar/actions.ics", "VEVENTs"),
        ("atom", "/feeds/actions.atom", "entries"),
    ):
        feed = data[key]
        print(
            f"   {label:<30} {feed['items']:>7,} {feed['raw_bytes'] / 1024:>9.1f}"
            f" {feed['gzip_bytes'] / 1024:>9.1f} {feed['raw_bytes'] / feed['gzip_bytes']:>5.1f}x"
            f"  ({what})"
        )
    cold_max = max(data["ics"]["cold_max"], data["atom"]["cold_max"])
    print(f"   slowest single cold request: {cold_max:.0f} ms")
    if fails:
        print(f"\n   {len(fails)} of {checks} checks FAIL: {', '.join(fails)}")
    else:
        print(f"\n   all {checks} checks PASS")


def describe_pow(result: dict, default: bool) -> str:
    cost = result["cost"] if result["cost"] is not None else "default"
    counter = result["counter"] if result["counter"] is not None else "default"
    label = "settings' defaults" if default else f"POW_COST={cost} POW_COUNTER={counter}"
    if result["median"] is None:
        return f"   {label}: no solve ({'; '.join(result['errors'])})"
    solves = ", ".join(f"{s / 1000:.2f}" for s in sorted(result["solves"]))
    seconds = result["median"] / 1000
    ok = POW_FAR[0] <= seconds <= POW_FAR[1]
    return (
        f"   {label:<38} median {seconds:.2f} s  ({len(result['solves'])} runs: {solves} s)"
        f"  target about {TARGET_POW_S:.0f} s: {verdict(ok)}"
        + (f"; solver alone {result['work'] / 1000:.2f} s" if result["work"] is not None else "")
        + (f"  [{len(result['errors'])} errors]" if result["errors"] else "")
    )


def main() -> int:
    args = parse_args()
    if args.worker == "server":
        return main_server(args)
    if args.worker == "record":
        return main_record(args)
    bench_public.BENCH_DIR.mkdir(parents=True, exist_ok=True)
    directory = Path(tempfile.mkdtemp(prefix=".campaign-", dir=bench_public.BENCH_DIR))
    broken = 0  # parts that could not be measured: the exit code says so
    try:
        data = None
        if not args.no_feeds:
            print(f"  campaign: {args.actions:,} actions into a fresh database ...", flush=True)
            large = PageServer(directory, args, args.actions)
            demo = None
            small = Path(tempfile.mkdtemp(prefix=".campaign-demo-", dir=bench_public.BENCH_DIR))
            try:
                if large.figures:
                    # The same pages at a demo's size: what issue 17's ratio is taken against.
                    print(f"  campaign: {DEMO_ACTIONS} actions into another ...", flush=True)
                    demo = PageServer(small, args, DEMO_ACTIONS)
                    serve_pages(large, demo if demo.figures else None, args.page_repeat)
                    data = large.figures
            finally:
                for server in (large, demo):
                    if server is not None:
                        server.close()
                shutil.rmtree(small, ignore_errors=True)
            broken += data is None
            if data is not None:
                print_server(data, args, demo.figures if demo and demo.figures else None)
        if not args.no_record:
            print(
                f"\n  record pages: the demo record, then {args.aimed:,} actions aimed at one"
                " organization ...",
                flush=True,
            )
            record = record_figures(args)
            broken += record is None
            if record is not None:
                print_record(record, args)
            sys.stdout.flush()
        if not args.no_large:
            print(
                "\n  campaign pages on bench_public's datasets (demo size and 10,000"
                " organizations), the demo campaign and"
                f" {LARGE_WAITING} waiting actions loaded in a transaction rolled back ...",
                flush=True,
            )
            large_args = bench_public.parse_args()  # its options: --quick, --repeat, --profile
            large_args.part = "campaign"
            bench_public.main_parent(large_args)
            sys.stdout.flush()
        if args.no_browser or data is None:
            return 1 if broken else 0
        if not Path(CHROMIUM).exists():
            print(f"\n   {CHROMIUM} is missing (apt-get install chromium): proof of work skipped")
            return 1 if broken else 0
        sys.path.insert(0, str(ROOT))  # tests.browser.conftest, for the browser switches
        defaults = json.loads(
            subprocess.run(
                [
                    sys.executable,
                    "-c",
                    "import django, json; django.setup(); from django.conf import settings as s;"
                    " print(json.dumps([s.POW_COST, s.POW_COUNTER]))",
                ],
                env={
                    k: v
                    for k, v in bench_public.child_env(directory).items()
                    if k not in ("UNMASK_POW_COST", "UNMASK_POW_COUNTER")
                },
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
        cost, counter = defaults
        collectstatic(directory)
        print(
            f"\n== proof of work in headless Chromium: /submit/, {args.pow_runs} runs per"
            f" setting, a fresh context each (defaults: POW_COST={cost}, POW_COUNTER={counter};"
            f" the secret counter is drawn between COUNTER/2 and COUNTER)",
            flush=True,
        )
        result = pow_figures(directory, args.pow_runs)
        print(
            f"   machine: {os.cpu_count()} CPUs; Chromium {result.get('browser', '?')},"
            f" navigator.hardwareConcurrency {result.get('workers', '?')} (the widget's workers)"
        )
        print(describe_pow(result, default=True), flush=True)
        tries = []
        for text in args.pow_try:
            try_cost, _, try_counter = text.partition(":")
            tries.append((int(try_cost), int(try_counter)))
        print(
            "   (the widget waits at least its minDuration, 500 ms, before it fills in the"
            " solution: under that, the wait is the floor, and the solver's time tells the cost)"
        )
        if result["median"] is not None:
            # The solver's own time when the payload gives it: the wait has the 500 ms floor.
            seconds = (result["work"] or result["median"]) / 1000
            if not POW_FAR[0] <= seconds <= POW_FAR[1]:
                scaled = max(2, round(counter * TARGET_POW_S / seconds))
                print(
                    f"   the solver's {seconds:.2f} s is far from {TARGET_POW_S:.0f} s: trying"
                    f" POW_COUNTER={scaled} (the work is about proportional to COST x COUNTER)"
                )
                tries.insert(0, (cost, scaled))
        for try_cost, try_counter in tries:
            print(describe_pow(pow_figures(directory, args.pow_runs, try_cost, try_counter), False))
            sys.stdout.flush()
        if tries:
            print(
                "   settings.py is not changed by the benchmark: set UNMASK_POW_COST /"
                " UNMASK_POW_COUNTER, or change the defaults there."
            )
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return 1 if broken else 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
