"""Make sure WeasyPrint can lay out the fact sheets (PDF): it needs the system's Pango (with
pangoft2), HarfBuzz's subsetter and fontconfig, which no wheel ships, and fonts on the machine
(the sheets load none from the network): DejaVu for Latin, Greek, Cyrillic, Hebrew and Arabic,
Droid Sans Fallback for Chinese, Japanese and Korean names.

If a library is missing and we run as root on Debian/Ubuntu, install the packages with apt-get;
otherwise say exactly what to install and exit 1. Missing fonts alone are a warning: the sheets
still render, with boxes for the characters no font has.
"""

from __future__ import annotations

import ctypes.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

LIBRARIES = ["pango-1.0", "pangoft2-1.0", "harfbuzz", "harfbuzz-subset", "fontconfig"]
PACKAGES = [
    "libpango-1.0-0",
    "libpangoft2-1.0-0",
    "libharfbuzz-subset0",
    "fontconfig",
    "fonts-dejavu-core",
    "fonts-droid-fallback",
]


def _missing_libraries() -> list[str]:
    return [name for name in LIBRARIES if ctypes.util.find_library(name) is None]


def _missing_fonts() -> list[str]:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return ["DejaVu Sans", "a CJK font"]
    missing = []
    for label, pattern in (("DejaVu Sans", "DejaVu Sans"), ("a CJK font", ":lang=zh")):
        found = subprocess.run(  # noqa: S603 - fixed argument list
            [fc_list, pattern, "family"], capture_output=True, text=True, check=False
        )
        if not found.stdout.strip():
            missing.append(label)
    return missing


def main() -> int:
    libraries, fonts = _missing_libraries(), _missing_fonts()
    if not libraries and not fonts:
        return 0
    apt = shutil.which("apt-get")
    if apt and Path("/etc/debian_version").exists() and os.geteuid() == 0:
        print("ensure_pango: installing " + " ".join(PACKAGES) + " (the PDF fact sheets).")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        try:
            subprocess.run([apt, "update", "-qq"], check=True, env=env)  # noqa: S603
            subprocess.run(  # noqa: S603
                [apt, "install", "-y", "-qq", "--no-install-recommends", *PACKAGES],
                check=True,
                env=env,
            )
        except (subprocess.CalledProcessError, OSError) as exc:
            print(f"ensure_pango: apt-get failed ({exc}).")
        libraries, fonts = _missing_libraries(), _missing_fonts()
    if fonts and not libraries:
        print(
            f"ensure_pango: no {' and no '.join(fonts)} installed: the PDF fact sheets show\n"
            "boxes for the characters no font has (Debian: apt-get install fonts-dejavu-core\n"
            "fonts-droid-fallback).",
            file=sys.stderr,
        )
        return 0
    if not libraries:
        return 0
    print(
        "ensure_pango: WeasyPrint (the PDF fact sheets) needs these system libraries, missing:\n"
        f"    {', '.join(libraries)}\n"
        "Install them, then run make again:\n"
        "    Debian/Ubuntu: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
        "libharfbuzz-subset0 fonts-dejavu-core fonts-droid-fallback\n"
        "    Fedora:        sudo dnf install pango harfbuzz dejavu-sans-fonts "
        "google-droid-sans-fonts\n"
        "    macOS:         brew install pango",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
