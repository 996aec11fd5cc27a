"""Make sure GNU gettext's tools are here for the tests and for `make messages`: xgettext finds
every string the code marks (the catalogues must hold them all), msgfmt --check checks each
catalogue. Building and running the site needs neither (Babel compiles the catalogues).

If they are missing and we run as root on Debian/Ubuntu, install `gettext` with apt-get;
otherwise say what to install. Never fails the build: the tests that need the tools skip
without them, except in CI (CI=true), where they fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path


def main() -> int:
    if shutil.which("xgettext") and shutil.which("msgfmt"):
        return 0
    apt = shutil.which("apt-get")
    if apt and Path("/etc/debian_version").exists() and os.geteuid() == 0:
        print("ensure_gettext: installing gettext (the catalogues' checks).")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        try:
            subprocess.run([apt, "update", "-qq"], check=True, env=env)  # noqa: S603
            subprocess.run(  # noqa: S603
                [apt, "install", "-y", "-qq", "--no-install-recommends", "gettext"],
                check=True,
                env=env,
            )
        except (subprocess.CalledProcessError, OSError) as exc:
            print(f"ensure_gettext: apt-get failed ({exc}).")
    if not (shutil.which("xgettext") and shutil.which("msgfmt")):
        print(
            "ensure_gettext: GNU gettext is missing; the catalogue tests will be skipped.\n"
            "    Debian/Ubuntu: sudo apt-get install gettext   macOS: brew install gettext"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
