"""Make sure PyICU can be built: `followthemoney` (the open-data export) needs PyICU, which PyPI
ships as source only, so installing it compiles against the system's ICU.

Needs pkg-config, ICU's headers (libicu-dev) and a C++ compiler. If one is missing and we run as
root on Debian/Ubuntu, install them with apt-get; otherwise say exactly what to install and exit
1, before pip fails with a long compiler log. Once built, pip keeps the wheel in its cache.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

PACKAGES = ["pkg-config", "libicu-dev", "g++"]


def _ready() -> bool:
    pkg_config = shutil.which("pkg-config")
    if pkg_config is None or not (shutil.which("c++") or shutil.which("g++")):
        return False
    found = subprocess.run([pkg_config, "--exists", "icu-uc", "icu-i18n"], check=False)  # noqa: S603
    return found.returncode == 0


def _already_installed() -> bool:
    venv_python = Path(".venv/bin/python")
    if not venv_python.exists():
        return False
    check = subprocess.run(  # noqa: S603 - fixed argument list
        [str(venv_python), "-c", "import icu"], capture_output=True, check=False
    )
    return check.returncode == 0


def main() -> int:
    if _already_installed() or _ready():
        return 0
    apt = shutil.which("apt-get")
    if apt and Path("/etc/debian_version").exists() and os.geteuid() == 0:
        print("ensure_icu: installing " + " ".join(PACKAGES) + " (PyICU is built from source).")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        try:
            subprocess.run([apt, "update", "-qq"], check=True, env=env)  # noqa: S603
            subprocess.run([apt, "install", "-y", "-qq", *PACKAGES], check=True, env=env)  # noqa: S603
        except (subprocess.CalledProcessError, OSError) as exc:
            print(f"ensure_icu: apt-get failed ({exc}).")
        if _ready():
            return 0
    print(
        "ensure_icu: PyICU (needed by followthemoney) is built from source and needs pkg-config,\n"
        "ICU's development files and a C++ compiler. Install them, then run make again:\n"
        "    Debian/Ubuntu: sudo apt-get install pkg-config libicu-dev g++\n"
        "    Fedora:        sudo dnf install pkgconf-pkg-config libicu-devel gcc-c++\n"
        "    macOS:         brew install pkg-config icu4c (and export PKG_CONFIG_PATH as brew says)",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
