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
    from unmask.exchange.screen_form import MAX_LIST_BYTES

    limits = re.findall(r"client_max_body_size (\d+)m;", OPERATIONS)
    assert limits, "the nginx example sets no client_max_body_size"
    assert int(limits[0]) * 1024 * 1024 > MAX_UPLOAD, limits  # the server's: the admin's import
    # The screening page's location takes its largest list, and keeps it in memory: nginx
    # writes a body larger than its buffer to a temporary file.
    screen = OPERATIONS.split("/screen/$ {", 1)[1].split("}", 1)[0]
    taken = re.search(r"client_max_body_size (\d+)m;", screen)
    kept = re.search(r"client_body_buffer_size (\d+)m;", screen)
    assert taken and kept, screen
    assert int(taken[1]) * 1024 * 1024 > MAX_LIST_BYTES
    assert int(kept[1]) >= int(taken[1])
