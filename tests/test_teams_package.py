"""`antenne teams-package` as an admin runs it: no password needed, own addresses, within Teams' limits."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

import pytest
from antenne.adapters.teams.package import TEXT_LIMITS, check_package

APP_ID = "3f2504e0-4f89-11d3-9a0c-0305e82c3301"


def package(tmp_path, *args: str, **env: str) -> tuple[subprocess.CompletedProcess[str], dict[str, bytes]]:
    output = tmp_path / "antenne.zip"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MICROSOFT_", "ANTENNE_TEAMS"))}
    result = subprocess.run(
        [sys.executable, "-m", "antenne", "teams-package", "--output", str(output), *args],
        capture_output=True,
        text=True,
        check=False,
        env={**clean, **env},
    )
    files = {}
    if output.exists():
        with zipfile.ZipFile(output) as archive:
            files = {name: archive.read(name) for name in archive.namelist()}
    return result, files


def test_package_needs_the_app_id_but_not_the_password(tmp_path):
    # MICROSOFT_APP_ID alone would stop `serve` (production needs the password): packaging must not care.
    result, files = package(tmp_path, MICROSOFT_APP_ID=APP_ID, ANTENNE_TEAMS_WEBSITE_URL="https://www.gemeente.nl")
    assert result.returncode == 0, result.stderr
    manifest = json.loads(files["manifest.json"])
    assert manifest["id"] == APP_ID and manifest["bots"][0]["botId"] == APP_ID


def test_developer_addresses_come_from_flags_or_environment(tmp_path):
    result, files = package(
        tmp_path,
        "--app-id", APP_ID,
        "--developer-name", "Gemeente Voorbeeld",
        "--website-url", "https://www.voorbeeld.nl/antenne",
        "--privacy-url", "https://www.voorbeeld.nl/privacy",
        ANTENNE_TEAMS_TERMS_URL="https://www.voorbeeld.nl/voorwaarden",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    developer = json.loads(files["manifest.json"])["developer"]
    assert developer == {
        "name": "Gemeente Voorbeeld",
        "websiteUrl": "https://www.voorbeeld.nl/antenne",
        "privacyUrl": "https://www.voorbeeld.nl/privacy",
        "termsOfUseUrl": "https://www.voorbeeld.nl/voorwaarden",
    }
    assert b"example.nl" not in files["manifest.json"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--app-id", APP_ID), "--website-url"),
        (("--app-id", APP_ID, "--website-url", "http://onveilig.nl"), "https-adres"),
        (("--website-url", "https://www.gemeente.nl"), "MICROSOFT_APP_ID"),
        (("--app-id", "geen-guid", "--website-url", "https://www.gemeente.nl"), "geen geldige app-id"),
    ],
)
def test_missing_or_wrong_input_is_a_usage_error_and_writes_nothing(tmp_path, args, message):
    result, files = package(tmp_path, *args)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
    assert files == {}


def test_the_zip_is_within_teams_limits_and_localised_for_english(tmp_path):
    result, files = package(tmp_path, "--app-id", APP_ID, "--website-url", "https://www.gemeente.nl")
    assert result.returncode == 0, result.stderr
    assert check_package(files) == []
    manifest = json.loads(files["manifest.json"])
    info = manifest["localizationInfo"]
    assert info["defaultLanguageTag"] == "nl-nl"
    [english] = info["additionalLanguages"]
    assert english["languageTag"] == "en-us" and english["file"] in files
    strings = json.loads(files[english["file"]])
    assert "MicrosoftTeams.Localization.schema.json" in strings["$schema"]
    assert f"v{manifest['manifestVersion']}/" in strings["$schema"]  # Teams wants the same version in both
    assert strings["description.short"] != manifest["description"]["short"]  # not the Dutch text again
    assert "Antenne" in strings["name.short"] and len(strings["name.short"]) <= TEXT_LIMITS["name.short"]


def test_the_check_catches_what_teams_would_refuse(tmp_path):
    _, files = package(tmp_path, "--app-id", APP_ID, "--website-url", "https://www.gemeente.nl")
    manifest = json.loads(files["manifest.json"])
    manifest["description"]["short"] = "x" * 81
    manifest["bots"][0]["commandLists"][0]["commands"][0]["title"] = "t" * 33
    english = json.loads(files["en-us.json"])
    del english["name.full"]
    broken = {
        **files,
        "manifest.json": json.dumps(manifest).encode(),
        "en-us.json": json.dumps(english).encode(),
        "outline.png": files["color.png"],
    }
    problems = "\n".join(check_package(broken))
    assert "description.short" in problems and "commands[0].title" in problems
    assert "en-us.json" in problems and "outline.png moet een PNG van 32x32" in problems
