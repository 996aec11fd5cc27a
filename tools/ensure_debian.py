"""Make sure the Debian packages the tests drive are installed:

    chromium     /usr/bin/chromium   the browser tests (Playwright drives Debian's Chromium)
    nginx-light  /usr/sbin/nginx     the two app servers behind one proxy (tests/web/test_two_servers.py)

    python tools/ensure_debian.py [PACKAGE...]      (all of them by default)

A package that is missing is installed with apt-get when we run as root on Debian/Ubuntu.
Otherwise this says which tests will be skipped and exits 0 — except in CI (CI=true), where a
missing package fails the run (exit 1): CI must never pass by silently skipping tests.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

PACKAGES = {
    "chromium": (Path("/usr/bin/chromium"), "The browser tests"),
    "nginx-light": (Path("/usr/sbin/nginx"), "The test of two app servers behind a proxy"),
}


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def _give_up(package: str, why: str) -> int:
    program, tests = PACKAGES[package]
    if _in_ci():
        print(f"ensure_debian: {why} CI=true, so this is an error: {tests.lower()} must run in CI.")
        return 1
    print(f"ensure_debian: {why} {tests} will be skipped.")
    print(f"ensure_debian: to run them, install Debian's {package} so that {program} exists:")
    print(f"    sudo apt-get install {package}")
    return 0


def _run(cmd: list[str]) -> None:
    print("ensure_debian: $ " + " ".join(cmd), flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(cmd, check=True, env=env)  # noqa: S603 - fixed argument lists


def ensure(package: str, updated: list[bool]) -> int:
    program, _tests = PACKAGES[package]
    if program.exists():
        return 0
    apt = shutil.which("apt-get")
    if apt is None or not Path("/etc/debian_version").exists():
        return _give_up(
            package, f"{program} is missing and this is not a Debian/Ubuntu system with apt-get."
        )
    if os.geteuid() != 0:
        return _give_up(package, f"{program} is missing and installing it needs root.")
    print(f"ensure_debian: {program} is missing; installing Debian's {package} package.")
    try:
        if not updated:
            _run([apt, "update", "-qq"])
            updated.append(True)
        _run([apt, "install", "-y", "-qq", package])
    except (subprocess.CalledProcessError, OSError) as exc:
        return _give_up(package, f"installing {package} failed ({exc}).")
    if not program.exists():
        return _give_up(package, f"the {package} package is installed but {program} is missing.")
    print(f"ensure_debian: installed {program}.")
    return 0


def main(packages: list[str]) -> int:
    unknown = set(packages) - set(PACKAGES)
    if unknown:
        print(
            f"ensure_debian: unknown package(s) {', '.join(sorted(unknown))}; known: "
            f"{', '.join(PACKAGES)}"
        )
        return 2
    updated: list[bool] = []
    return max([ensure(package, updated) for package in packages or PACKAGES], default=0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
