"""`web` is the shell every domain app builds on: it must know none of them. Domain apps plug
into it (the staff bar's queues, the Follow panel's entries, the map's signals, the record's
version, the demo's banner), never the reverse. Imports are read from the source with ast, those
inside functions included."""

from __future__ import annotations

import ast
from pathlib import Path

import unmask.web

WEB = Path(unmask.web.__file__).parent
DOMAIN = ("record", "campaign", "exchange", "graph", "maps", "pages", "demo")


def imported(tree: ast.AST, package: str = "unmask.web") -> set[str]:
    """Every module name `tree` imports, relative imports resolved against `package`."""
    names = set()
    for node in ast.walk(tree):  # every node: imports inside functions too
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join([*base, module] if module else base)
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def domain_of(name: str) -> str | None:
    for app in DOMAIN:
        prefix = f"unmask.{app}"
        if name == prefix or name.startswith(prefix + "."):
            return prefix
    return None


def offences() -> set[tuple[str, str]]:
    found = set()
    for path in sorted(WEB.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        package = ".".join(["unmask.web", *path.relative_to(WEB).parent.parts])
        for name in imported(tree, package):
            app = domain_of(name)
            if app:
                found.add((path.relative_to(WEB).as_posix(), app))
    return found


def test_web_imports_no_domain_app():
    assert offences() == set()


def test_the_check_sees_imports_inside_functions():
    tree = ast.parse("def f():\n    from unmask.campaign.moderation import waiting_count\n")
    assert {domain_of(name) for name in imported(tree)} - {None} == {"unmask.campaign"}
    tree = ast.parse("from unmask import record\nimport unmask.exchange.drafts as d\n")
    assert {domain_of(name) for name in imported(tree)} - {None} == {
        "unmask.record",
        "unmask.exchange",
    }
    tree = ast.parse("from ...maps import signals\n")
    assert {domain_of(name) for name in imported(tree, "unmask.web.templatetags")} - {None} == {
        "unmask.maps"
    }
