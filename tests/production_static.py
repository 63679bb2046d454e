"""Static files as a ``DEBUG=0`` deployment has them: hashed and rewritten by collectstatic."""

import json
import re
from pathlib import Path

from django.core.management import call_command

PRODUCTION_STORAGE = "factcheck.storage.CompressedManifestStorage"
WORKSPACE = Path(__file__).resolve().parents[1] / "annotations/static/annotations/workspace"
WORKSPACE_PREFIX = "annotations/workspace/"
# The specifier of every static `import ... from "x";` / `export ... from "x";` / `import "x";`.
SPECIFIER = re.compile(
    r"""^(?:(?:import|export)\s[^;]*?\bfrom|import)\s*["']([^"']+)["']\s*;""", re.M
)


def module_names() -> list[str]:
    return sorted(path.name for path in WORKSPACE.glob("*.js"))


def specifiers(source: str) -> list[str]:
    return SPECIFIER.findall(source)


def collect_static(settings, root: Path) -> dict[str, str]:
    """Run collectstatic with the production storage into ``root``; return the manifest."""
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": PRODUCTION_STORAGE}}
    settings.STATIC_ROOT = str(root)
    call_command("collectstatic", "--noinput", verbosity=0)
    return json.loads((root / "staticfiles.json").read_text())["paths"]
