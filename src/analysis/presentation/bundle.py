"""The site-wide chart script (vega, vega-lite, vega-embed from vl-convert), written once per vl-convert version.

Apart from ``display`` so that a build with nothing to do need not import altair to check that the script is
there.
"""

from __future__ import annotations

import contextlib
from importlib.metadata import version
from pathlib import Path


def bundle_js() -> str:
    """The site-wide script: vega, vega-lite and vega-embed, wrapped so their globals do not leak."""
    import vl_convert as vlc

    return "(function () {\n" + vlc.javascript_bundle() + "\n})();\n"


def write_bundle(target: Path) -> Path:
    """The offline chart bundle at ``target``, generated only when missing or made by another vl-convert:
    generating it takes seconds, and every build and every `run` needs it."""
    stamp = f"/* vega, vega-lite, vega-embed from vl-convert-python {version('vl-convert-python')} */\n"
    with contextlib.suppress(OSError), target.open(encoding="utf-8") as fh:
        if fh.readline() == stamp:
            return target
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(stamp + bundle_js(), encoding="utf-8")
    return target
