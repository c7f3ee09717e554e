"""`antenne teams-package`: the zip an admin sideloads or uploads to Teams."""

from __future__ import annotations

import json
import re
import zipfile
from importlib import resources
from pathlib import Path

# The manifest template and icons ship as package data beside this module.
TEAMS_DIR = Path(str(resources.files("antenne.adapters.teams"))) / "app"
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
ICONS = ("color.png", "outline.png")


class PackageError(ValueError):
    pass


def build_package(app_id: str, output: Path, source: Path = TEAMS_DIR) -> Path:
    """Write manifest.json (with `app_id` as app and bot id) and both icons into `output`."""
    if not GUID.match(app_id or ""):
        raise PackageError(
            f"'{app_id}' is geen geldige app-id: gebruik de Microsoft App ID (een GUID) uit de Azure Bot-registratie"
        )
    manifest = json.loads((source / "manifest.json").read_text(encoding="utf-8"))
    manifest["id"] = app_id
    for bot in manifest["bots"]:
        bot["botId"] = app_id
    missing = [name for name in ICONS if not (source / name).is_file()]
    if missing:
        raise PackageError(f"pictogram ontbreekt in {source}: {', '.join(missing)}")
    output.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        for name in ICONS:
            archive.write(source / name, name)
    return output
