"""Where the bundled knowledge base lives, whatever the working directory."""

from __future__ import annotations

from pathlib import Path

# bot/content/paths.py -> repository root -> content/
BUNDLED_CONTENT = Path(__file__).resolve().parents[2] / "content"


def default_content_dir() -> Path:
    return BUNDLED_CONTENT
