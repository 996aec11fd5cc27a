"""Docs and code keep each other honest: a setting or command nobody documented fails here."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OPERATIONS = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")


def test_every_environment_variable_is_documented():
    code = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "src" / "unmask").glob("*.py"))
    names = set(re.findall(r'env\.(?:string|boolean|integer|strings)\(\s*"([A-Z0-9_]+)"', code))
    assert {"UNMASK_SECRET_KEY", "DATABASE_URL", "UNMASK_HTTPS"} <= names
    missing = sorted(name for name in names if f"`{name}`" not in OPERATIONS)
    assert not missing, f"document these in docs/operations.md: {missing}"


def test_every_management_command_is_documented():
    commands = {
        p.stem
        for p in (ROOT / "src" / "unmask").glob("*/management/commands/*.py")
        if p.stem != "__init__"
    }
    assert "ensure_staff" in commands
    missing = sorted(c for c in commands if c not in OPERATIONS)
    assert not missing, f"document these commands in docs/operations.md: {missing}"


def test_the_nginx_example_takes_the_largest_upload_the_admin_accepts():
    from unmask.exchange.admin import MAX_UPLOAD

    limits = re.findall(r"client_max_body_size (\d+)m;", OPERATIONS)
    assert limits, "the nginx example sets no client_max_body_size"
    assert all(int(m) * 1024 * 1024 > MAX_UPLOAD for m in limits), limits
