"""The project's paths, in one place."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
RAW_REPORT = DATA / "raw" / "wuchang-2023-review.txt"
INDICATORS = DATA / "indicators.csv"
EXCLUSIONS = DATA / "exclusions.csv"
CONTEXT = DATA / "context"
GEO = DATA / "geo"
NOTEBOOKS = ROOT / "notebooks"
BOOK = ROOT / "book"
BOOK_CHAPTERS = BOOK / "chapters"
BOOK_STATIC = BOOK / "_static"
BUILD = ROOT / "_build"
CACHE = BUILD / "cache"


def relative(path: Path) -> str:
    """A path as the user should read it in a message: relative to the project when inside it."""
    path = Path(path).resolve()
    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)
