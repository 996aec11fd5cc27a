"""Make sure Debian's Chromium is at /usr/bin/chromium for the browser tests.

If it is missing and we run as root on Debian/Ubuntu, install it with apt-get. Otherwise say that
the browser tests will be skipped and exit 0 — except in CI (CI=true), where a missing browser
fails the run (exit 1): CI must never pass by silently skipping them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def _give_up(why: str) -> int:
    if _in_ci():
        print(f"ensure_browser: {why} CI=true, so this is an error: browser tests must run in CI.")
        return 1
    print(f"ensure_browser: {why} The browser tests will be skipped.")
    print(f"ensure_browser: to run them, install Debian's Chromium so that {CHROMIUM} exists:")
    print("    sudo apt-get install chromium")
    return 0


def _run(cmd: list[str]) -> None:
    print("ensure_browser: $ " + " ".join(cmd), flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(cmd, check=True, env=env)  # noqa: S603 - fixed argument lists


def main() -> int:
    if CHROMIUM.exists():
        return 0
    apt = shutil.which("apt-get")
    if apt is None or not Path("/etc/debian_version").exists():
        return _give_up(
            f"{CHROMIUM} is missing and this is not a Debian/Ubuntu system with apt-get."
        )
    if os.geteuid() != 0:
        return _give_up(f"{CHROMIUM} is missing and installing it needs root.")
    print(f"ensure_browser: {CHROMIUM} is missing; installing Debian's chromium package.")
    try:
        _run([apt, "update", "-qq"])
        _run([apt, "install", "-y", "-qq", "chromium"])
    except (subprocess.CalledProcessError, OSError) as exc:
        return _give_up(f"installing chromium failed ({exc}).")
    if not CHROMIUM.exists():
        return _give_up(f"the chromium package is installed but {CHROMIUM} is still missing.")
    print(f"ensure_browser: installed {CHROMIUM}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
