"""Chapter parameters: declared once with type, default, range and meaning; validated before any kernel starts.

papermill only warns on unknown names and casts nothing, so every value is checked and converted here.
Values reach the notebook as Python literals written by papermill (never executed as code).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from analysis.errors import ParameterError
from analysis.paths import ROOT, in_project

TYPES = {"float": float, "int": int, "str": str, "bool": bool, "path": str}


@dataclass(frozen=True)
class Param:
    name: str
    type: str  # float | int | str | bool | path
    default: Any
    help: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[Any, ...] | None = None
    roots: tuple[str, ...] = ("data",)  # for paths: folders (relative to the project) a path may point into

    def describe(self) -> str:
        limits = []
        if self.minimum is not None:
            limits.append(f">= {self.minimum:g}")
        if self.maximum is not None:
            limits.append(f"<= {self.maximum:g}")
        if self.choices:
            limits.append("one of " + ", ".join(map(str, self.choices)))
        if self.type == "path":
            limits.append("under " + " or ".join(f"{r}/" for r in self.roots))
        extra = f" ({'; '.join(limits)})" if limits else ""
        return f"{self.name}: {self.type} = {self.default!r}{extra} — {self.help}"

    def convert(self, raw: Any, chapter: str) -> Any:
        """The value as its declared type, or a ParameterError saying what was expected."""

        def fail(why: str) -> ParameterError:
            return ParameterError(f"chapter {chapter}: parameter {self.name}: {why}; expected {self.describe()}")

        value = raw
        if self.type == "bool":
            if isinstance(raw, str):
                if raw.lower() not in ("true", "false", "1", "0", "yes", "no"):
                    raise fail(f"got {raw!r}, not a boolean")
                value = raw.lower() in ("true", "1", "yes")
            elif not isinstance(raw, bool):
                raise fail(f"got {raw!r} ({type(raw).__name__}), not a boolean")
        elif self.type in ("float", "int"):
            if isinstance(raw, bool):
                raise fail(f"got {raw!r}, a boolean")
            try:
                value = float(raw) if self.type == "float" else _to_int(raw)
            except (TypeError, ValueError):
                raise fail(f"got {raw!r}, not {'a number' if self.type == 'float' else 'an integer'}") from None
            if isinstance(value, float) and not math.isfinite(value):
                raise fail(f"got {raw!r}, not a finite number")
            if self.minimum is not None and value < self.minimum:
                raise fail(f"got {value:g}, below the minimum")
            if self.maximum is not None and value > self.maximum:
                raise fail(f"got {value:g}, above the maximum")
        else:
            if not isinstance(raw, str):
                raise fail(f"got {raw!r} ({type(raw).__name__}), not a string")
            if "\x00" in raw:
                raise fail("the string contains a NUL character")
            if self.type == "path" and raw:
                value = _project_path(raw, self.roots, fail)
        if self.choices and value not in self.choices:
            raise fail(f"got {value!r}")
        return value


def _to_int(raw: Any) -> int:
    if isinstance(raw, float) and not raw.is_integer():
        raise ValueError
    return int(str(raw).strip()) if isinstance(raw, str) else int(raw)


def _project_path(raw: str, roots: tuple[str, ...], fail) -> str:
    path = in_project(raw).resolve()
    allowed = [(ROOT / r).resolve() for r in roots]
    if not any(path == a or a in path.parents for a in allowed):
        raise fail(f"the path {raw!r} resolves to {path}, outside the allowed folders")
    if not path.exists():
        raise fail(f"the path {raw!r} does not exist")
    return path.relative_to(ROOT).as_posix()


def validate(chapter: str, declared: tuple[Param, ...], given: dict[str, Any]) -> dict[str, Any]:
    """All of a chapter's parameters: defaults overridden by ``given``, each checked and converted."""
    by_name = {p.name: p for p in declared}
    unknown = sorted(set(given) - set(by_name))
    if unknown:
        accepted = "\n  ".join(p.describe() for p in declared) or "(none)"
        raise ParameterError(
            f"chapter {chapter}: unknown parameter(s) {', '.join(unknown)}; it accepts:\n  {accepted}")
    return {p.name: p.convert(given.get(p.name, p.default), chapter) for p in declared}
