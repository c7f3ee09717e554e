"""`antenne teams-package`: the zip an admin sideloads or uploads to Teams.

The manifest template (Dutch, nl-nl) and its English localisation ship as
package data; the app id and the developer's addresses come from the operator.
Before writing, the manifest and every localisation file are checked against
Teams' own limits, so an upload never fails on a too-long text or a bad URL.
"""

from __future__ import annotations

import json
import re
import struct
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

# The manifest template and icons ship as package data beside this module.
TEAMS_DIR = Path(str(resources.files("antenne.adapters.teams"))) / "app"
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
ICONS = {"color.png": (192, 192), "outline.png": (32, 32)}
# Limits of the Teams app manifest schema (v1.17) for what Antenne fills in.
TEXT_LIMITS = {"name.short": 30, "name.full": 100, "description.short": 80, "description.full": 4000}
COMMAND_TITLE_LIMIT, COMMAND_DESCRIPTION_LIMIT, COMMANDS_PER_LIST = 32, 128, 10
DEVELOPER_NAME_LIMIT, URL_LIMIT = 32, 2048
ACCENT = re.compile(r"^#[0-9a-fA-F]{6}$")


class PackageError(ValueError):
    pass


@dataclass(frozen=True)
class Developer:
    """Who publishes the app, as Teams shows it: a name and three https addresses."""

    name: str
    website: str
    privacy: str
    terms: str

    @classmethod
    def from_urls(cls, *, name: str = "", website: str = "", privacy: str = "", terms: str = "") -> Developer:
        """Privacy and terms default to the website, which Teams accepts; the website itself is required."""
        website = website.strip()
        if not website:
            raise PackageError(
                "Geef het https-adres van je organisatie of van de bot met --website-url of "
                "ANTENNE_TEAMS_WEBSITE_URL (Teams toont het als uitgever); --privacy-url en --terms-url "
                "zijn standaard hetzelfde adres."
            )
        return cls(name.strip() or "Antenne", website, privacy.strip() or website, terms.strip() or website)


def _localised_texts(manifest: dict[str, Any]) -> dict[str, str]:
    """The manifest's texts under the keys a localisation file uses ('name.short', 'bots[0]…')."""
    texts = {f"{part}.{size}": manifest[part][size] for part in ("name", "description") for size in ("short", "full")}
    for b, bot in enumerate(manifest.get("bots", [])):
        for c, command_list in enumerate(bot.get("commandLists", [])):
            for n, command in enumerate(command_list["commands"]):
                for field in ("title", "description"):
                    texts[f"bots[{b}].commandLists[{c}].commands[{n}].{field}"] = command[field]
    return texts


def _text_problems(texts: dict[str, str], where: str) -> list[str]:
    problems = []
    for key, value in texts.items():
        field = key.rsplit(".", 1)[-1]
        limit = TEXT_LIMITS.get(key) or (COMMAND_TITLE_LIMIT if field == "title" else COMMAND_DESCRIPTION_LIMIT)
        if not value or len(value) > limit:
            problems.append(f"{where}: '{key}' moet 1 tot {limit} tekens zijn (nu {len(value)})")
    return problems


def _png_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", data[16:24])


def check_package(files: dict[str, bytes]) -> list[str]:
    """Every way in which these zip contents break Teams' limits; empty when Teams will take them."""
    manifest = json.loads(files["manifest.json"])
    problems = [f"'{f}' ontbreekt" for f in ("manifest.json", *ICONS) if f not in files]
    problems += _text_problems(_localised_texts(manifest), "manifest.json")
    developer = manifest["developer"]
    if not 0 < len(developer["name"]) <= DEVELOPER_NAME_LIMIT:
        problems.append(f"developer.name moet 1 tot {DEVELOPER_NAME_LIMIT} tekens zijn")
    for field in ("websiteUrl", "privacyUrl", "termsOfUseUrl"):
        url = developer[field]
        if not url.startswith("https://") or len(url) > URL_LIMIT or " " in url:
            problems.append(f"developer.{field} moet een https-adres zijn (nu '{url}')")
    if not ACCENT.match(manifest.get("accentColor", "")):
        problems.append("accentColor moet #RRGGBB zijn")
    for bot in manifest.get("bots", []):
        if any(len(c["commands"]) > COMMANDS_PER_LIST for c in bot.get("commandLists", [])):
            problems.append(f"een commandList heeft meer dan {COMMANDS_PER_LIST} opdrachten")
    for name, size in ICONS.items():
        if name in files and _png_size(files[name]) != size:
            problems.append(f"{name} moet een PNG van {size[0]}x{size[1]} zijn")
    problems += _localisation_problems(manifest, files)
    return problems


def _localisation_problems(manifest: dict[str, Any], files: dict[str, bytes]) -> list[str]:
    info = manifest.get("localizationInfo")
    if not info or not info.get("defaultLanguageTag"):
        return ["localizationInfo.defaultLanguageTag ontbreekt: Teams toont dan overal dezelfde taal"]
    problems = []
    expected = set(_localised_texts(manifest))
    for language in info.get("additionalLanguages", []):
        name = language["file"]
        if name not in files:
            problems.append(f"vertaling {name} ontbreekt in het pakket")
            continue
        texts = {k: v for k, v in json.loads(files[name]).items() if k != "$schema"}
        if set(texts) != expected:
            different = sorted(expected ^ set(texts))
            problems.append(f"{name}: vertaalt niet precies de teksten van het manifest: {different}")
        problems += _text_problems(texts, name)
    return problems


def check_app_id(app_id: str) -> None:
    if not GUID.match(app_id or ""):
        raise PackageError(
            f"'{app_id}' is geen geldige app-id: gebruik de Microsoft App ID (een GUID) uit de Azure Bot-registratie"
        )


def package_files(app_id: str, developer: Developer, source: Path = TEAMS_DIR) -> dict[str, bytes]:
    """The zip's contents: manifest.json with `app_id` as app and bot id, the localisations, both icons."""
    check_app_id(app_id)
    manifest = json.loads((source / "manifest.json").read_text(encoding="utf-8"))
    manifest["id"] = app_id
    for bot in manifest["bots"]:
        bot["botId"] = app_id
    manifest["developer"] = {
        "name": developer.name,
        "websiteUrl": developer.website,
        "privacyUrl": developer.privacy,
        "termsOfUseUrl": developer.terms,
    }
    files = {"manifest.json": json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")}
    languages = [lang["file"] for lang in manifest.get("localizationInfo", {}).get("additionalLanguages", [])]
    for name in (*languages, *ICONS):
        if not (source / name).is_file():
            raise PackageError(f"{name} ontbreekt in {source}")
        files[name] = (source / name).read_bytes()
    return files


def build_package(app_id: str, output: Path, *, developer: Developer, source: Path = TEAMS_DIR) -> Path:
    """Write the checked package to `output`; nothing is written when Teams would refuse it."""
    files = package_files(app_id, developer, source)
    problems = check_package(files)
    if problems:
        raise PackageError("Het Teams-pakket klopt niet:\n" + "\n".join(f"  - {p}" for p in problems))
    output.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return output
