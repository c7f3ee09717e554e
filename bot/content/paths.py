"""Where the bundled knowledge base lives, whatever the working directory.

The YAML ships inside the installed package (`antenne.content`), so a wheel
works from any folder; an editable install points at the repository's content/.
"""

from __future__ import annotations

from pathlib import Path


def default_content_dir() -> Path:
    """The folder of the package `antenne.content`.

    The package is installed as plain files (never zipped), so its folder is the one
    importlib.resources would give; asking the module skips importing that machinery,
    a tenth of a quick command's start.
    """
    import antenne.content

    return Path(antenne.content.__file__).parent
