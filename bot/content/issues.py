"""Content problems, reported the same way by `antenne content check` and start-up."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ContentIssue:
    """One problem, with the file, item and field an editor has to open to fix it."""

    file: str
    item_id: str
    field: str
    message: str

    def __str__(self) -> str:
        parts = [self.file or "content"]
        if self.item_id:
            parts.append(self.item_id)
        if self.field:
            parts.append(self.field)
        return ": ".join(parts) + f": {self.message}"


class ContentError(Exception):
    """Raised when content is invalid; the bot must never serve half-loaded content."""

    def __init__(self, issues: list[ContentIssue]) -> None:
        self.issues = issues
        lines = "\n".join(f"  - {issue}" for issue in issues)
        super().__init__(f"De content bevat {len(issues)} fout(en):\n{lines}")
