"""`antenne teams-package`: the zip a Teams admin uploads. Needs the app id, never the password."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from antenne.bot.errors import UsageError
from antenne.cli.common import AddParser, say

DEVELOPER_URL_ENV = "ANTENNE_TEAMS_WEBSITE_URL"
PRIVACY_URL_ENV = "ANTENNE_TEAMS_PRIVACY_URL"
TERMS_URL_ENV = "ANTENNE_TEAMS_TERMS_URL"


def cmd_teams_package(args: argparse.Namespace) -> int:
    from antenne.adapters.teams.package import Developer, PackageError, build_package, check_app_id

    # Read on purpose without load_settings(): building a zip must not require the app password.
    app_id = (args.app_id or os.environ.get("MICROSOFT_APP_ID", "")).strip()
    if not app_id:
        raise UsageError("Geef de Microsoft App ID met --app-id of MICROSOFT_APP_ID (uit de Azure Bot-registratie).")
    try:
        check_app_id(app_id)
        developer = Developer.from_urls(
            name=args.developer_name,
            website=args.website_url or os.environ.get(DEVELOPER_URL_ENV, ""),
            privacy=args.privacy_url or os.environ.get(PRIVACY_URL_ENV, ""),
            terms=args.terms_url or os.environ.get(TERMS_URL_ENV, ""),
        )
        written = build_package(app_id, Path(args.output), developer=developer)
    except PackageError as exc:
        raise UsageError(str(exc)) from exc
    say(f"Teams-app geschreven naar {written}. Upload in Teams: Apps > Apps beheren > Een app uploaden.")
    return 0


def add_commands(add_parser: AddParser) -> None:
    package = add_parser("teams-package", help="maak het Teams-app-pakket (zip) om te uploaden")
    package.add_argument("--app-id", help="Microsoft App ID (standaard: MICROSOFT_APP_ID)")
    package.add_argument("--output", default="antenne-teams.zip", help="waar de zip komt (standaard: %(default)s)")
    package.add_argument("--developer-name", default="", help="uitgever in Teams (standaard: Antenne)")
    package.add_argument("--website-url", help=f"https-adres van de website (of {DEVELOPER_URL_ENV})")
    package.add_argument("--privacy-url", help=f"https-adres van de privacyverklaring (of {PRIVACY_URL_ENV})")
    package.add_argument("--terms-url", help=f"https-adres van de gebruiksvoorwaarden (of {TERMS_URL_ENV})")
    package.set_defaults(func=cmd_teams_package)
