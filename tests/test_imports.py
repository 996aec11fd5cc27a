"""A name starting with "_" is its module's own business: no other module of unmask imports it
(`from unmask.x import _y`) or reaches for it (`x._y`, `x` an unmask module). What two modules
share gets a public name. Read from the source with ast, imports inside functions included."""

from __future__ import annotations

import ast
from pathlib import Path

import unmask

SRC = Path(unmask.__file__).parent

# Uses that stay until their files are moved or mended: (file, module, name).
ALLOWED: set[tuple[str, str, str]] = set()


def is_module(name: str) -> bool:
    path = SRC.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def reached(tree: ast.AST, module: str, package: str) -> set[tuple[str, str]]:
    """(module, name) for every private name of another unmask module that `tree` (the source of
    `module`, in `package`) imports or reads as an attribute of an imported unmask module."""
    found, bound = set(), {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("unmask.") and alias.asname:
                    bound[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom):
            source = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                source = ".".join([*base, source] if source else base)
            if source != "unmask" and not source.startswith("unmask."):
                continue
            for alias in node.names:
                if private(alias.name) and source != module:
                    found.add((source, alias.name))
                elif is_module(f"{source}.{alias.name}"):
                    bound[alias.asname or alias.name] = f"{source}.{alias.name}"
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in bound
            and private(node.attr)
            and bound[node.value.id] != module
        ):
            found.add((bound[node.value.id], node.attr))
    return found


def offences() -> set[tuple[str, str, str]]:
    found = set()
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC)
        package = ".".join(["unmask", *relative.parent.parts])
        module = package if path.name == "__init__.py" else f"{package}.{path.stem}"
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for source, name in reached(tree, module, package):
            found.add((relative.as_posix(), source, name))
    return found


def test_no_module_uses_another_modules_private_names():
    assert offences() - ALLOWED == set()


def test_the_allowed_uses_are_still_there():
    assert ALLOWED - offences() == set(), "mended or moved: take it off ALLOWED"


def test_the_check_sees_both_forms():
    tree = ast.parse(
        "from unmask.record.services import _check, save\n"
        "from ..maps import geojson\n"
        "import unmask.campaign.times as times\n"
        "def f():\n"
        "    from . import _own\n"
        "    return geojson._rows, times._names, times.__name__\n"
    )
    assert reached(tree, "unmask.graph.network", "unmask.graph") == {
        ("unmask.record.services", "_check"),
        ("unmask.maps.geojson", "_rows"),
        ("unmask.campaign.times", "_names"),
        ("unmask.graph", "_own"),
    }
    own = ast.parse("from unmask.maps.geojson import _rows\n")
    assert reached(own, "unmask.maps.geojson", "unmask.maps") == set()
