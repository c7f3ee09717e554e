"""Where the bundled knowledge base lives, whatever the working directory.

The YAML ships inside the installed package (`antenne.content`), so a wheel
works from any folder; an editable install points at the repository's content/.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def default_content_dir() -> Path:
    # Installed as plain files (never zipped), so the traversable is a real folder.
    return Path(str(resources.files("antenne.content")))
