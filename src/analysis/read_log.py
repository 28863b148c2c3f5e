"""Record which data files a chapter actually read, so the build can re-execute it when one changes.

The build sets ``paths.READS_LOG_ENV`` for a chapter's kernel; every loader of the package calls
``record_read``. Outside a build the variable is unset and nothing is written.
"""

from __future__ import annotations

import os
from pathlib import Path

from analysis.paths import READS_LOG_ENV


def record_read(path: Path | str) -> None:
    log = os.environ.get(READS_LOG_ENV)
    if not log:
        return
    with open(log, "a", encoding="utf-8") as fh:
        fh.write(str(Path(path).resolve()) + "\n")


def read_log(log: Path) -> list[Path]:
    if not log.exists():
        return []
    return sorted({Path(line) for line in log.read_text(encoding="utf-8").splitlines() if line})
