"""docs/architecture.md describes the house as it is: every module under src/unmask/ is in its
layout, and no import goes against its stated direction between apps (the numbered list under
"Import direction"). Imports are read from the source with ast, those inside functions too."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import unmask

from .web.test_layering import imported

SRC = Path(unmask.__file__).parent
DOC = (SRC.parents[1] / "docs" / "architecture.md").read_text(encoding="utf-8")

# Older imports against the direction, each with its reason, until they are mended; nothing
# else may join.
EXEMPT = {
    # the API's shell mounts the apps' routers (api/__init__.py) ...
    ("api/__init__.py", "campaign"),
    ("api/__init__.py", "record"),
    # ... and its typed ids share the record's patterns (api/common.py)
    ("api/common.py", "record"),
    # the organizations' admin filter "Imported drafts with sources"
    ("record/admin.py", "exchange"),
}


def layers() -> dict[str, int]:
    """Each app's (and base and project module's) place in the documented order."""
    text = DOC[DOC.index("## Import direction") :]
    text = text[: text.index("\n## ", 1)]
    order: dict[str, int] = {}
    for number, rest in re.findall(r"^(\d+)\. (.+(?:\n   .+)*)", text, re.M):
        name, _, members = rest.partition(":")
        if members:  # "base: the modules ... (env, ...)", "project: settings.py, ..."
            for member in re.findall(r"[a-z_]+(?=\.py|,|\)| and|`|/)", members):
                order[member] = int(number)
            order[name.strip()] = int(number)
        else:
            order[name.strip()] = int(number)
    return order


def owner(path: Path) -> str:
    rel = path.relative_to(SRC)
    if len(rel.parts) > 1:
        return rel.parts[0]
    return rel.stem


def target(name: str, order: dict[str, int]) -> str | None:
    parts = name.split(".")
    if parts[0] != "unmask" or len(parts) < 2:
        return None
    return parts[1] if parts[1] in order else None


def sources() -> list[Path]:
    return [p for p in sorted(SRC.rglob("*.py")) if "migrations" not in p.parts]


def test_no_import_goes_against_the_stated_direction():
    order = layers()
    assert {"web", "record", "campaign", "exchange", "demo", "cleantext", "urls"} <= set(order)
    found = set()
    for path in sources():
        mine = owner(path)
        assert mine in order, f"{path.relative_to(SRC)}: its app is not in the list"
        package = ".".join(["unmask", *path.relative_to(SRC).parent.parts])
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for name in imported(tree, package):
            other = target(name, order)
            if other and other != mine and order[other] > order[mine]:
                found.add((str(path.relative_to(SRC)), other))
    assert found - EXEMPT == set(), "imports against the direction in docs/architecture.md"
    assert EXEMPT - found == set(), "mended: take it off EXEMPT"


def _code(path: Path) -> bool:
    """Does the module hold more than a docstring?"""
    body = ast.parse(path.read_text(encoding="utf-8")).body
    return any(not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)) for s in body)


def test_every_module_is_in_the_layout():
    layout = DOC[DOC.index("```\nsrc/unmask/") :]
    layout = layout[: layout.index("\n```", 4)]
    sections: dict[str, list[str]] = {"": []}
    current = ""
    for line in layout.splitlines()[1:]:
        heading = re.match(r"^  ([a-z_]+)/ ", line)
        if heading:
            current = heading.group(1)
        elif re.match(r"^  \S", line):
            current = ""
        sections.setdefault(current, []).append(line)
    texts = {name: "\n".join(lines) for name, lines in sections.items()}
    missing = []
    for path in sources():
        rel = path.relative_to(SRC)
        if path.name == "__init__.py" and not _code(path):
            continue
        app = rel.parts[0] if len(rel.parts) > 1 and rel.parts[0] in texts else ""
        inner = "/".join(rel.parts[1:]) if app else str(rel)
        text = texts[app]
        names = {inner, path.name}
        if path.name == "apps.py":
            names.add("*/apps.py")
            text += texts[""]
        if "management/commands" in inner:
            names.add("management/commands/")
        if path.name == "__init__.py" and len(rel.parts) > 2:
            names.add("/".join(rel.parts[1:-1]) + "/")
        if not any(re.search(rf"(?<![\w/.]){re.escape(n)}(?!\w)", text) for n in names):
            missing.append(str(rel))
    assert missing == [], "not in docs/architecture.md's layout"
