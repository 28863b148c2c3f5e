"""Command line: ``python -m analysis build|check|list``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.errors import BookError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis", description="Build and check the Wuchang book.")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="the whole book (what `make book` runs)")
    b.add_argument("--html", action="store_true", help="render the HTML site (with --pdf: only these)")
    b.add_argument("--pdf", action="store_true", help="render the PDF (default: both HTML and PDF)")
    b.add_argument("--quiet", action="store_true")
    b.add_argument("--jobs", type=int, default=None, help="chapters executed at once (default: cores)")
    r = sub.add_parser("run", help="one chapter with new parameters into its own folder")
    r.add_argument("chapter", help="chapter slug or number, e.g. 01 or 01_regional_strength")
    r.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                   help="a parameter; repeat for several (see `list`)")
    r.add_argument("--out", type=Path, default=None, help="output folder (default: _build/runs/<chapter>)")
    r.add_argument("--quiet", action="store_true")
    sub.add_parser("check", help="validate all data and exit")
    sub.add_parser("list", help="chapters and their parameters")
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            from analysis.datasets.checks import check_all

            check_all()
            print("data OK")
        elif args.command == "list":
            from analysis.chapters import CHAPTERS

            for c in CHAPTERS:
                print(f"{c.slug}  {c.title}")
                for p in c.params:
                    print(f"    {p.describe()}")
        elif args.command == "run":
            from analysis.build.execute import run_one
            from analysis.chapters import get
            from analysis.errors import ParameterError
            from analysis.paths import RUNS

            given = {}
            for item in args.param:
                name, sep, value = item.partition("=")
                if not sep:
                    raise ParameterError(f"-p {item!r}: expected NAME=VALUE")
                given[name.strip()] = value
            chapter = get(args.chapter)
            run_one(chapter.slug, given, args.out or RUNS / chapter.slug, quiet=args.quiet)
        elif args.command == "build":
            from analysis.build.book import build

            both = not (args.html or args.pdf)
            build(html=both or args.html, pdf=both or args.pdf, quiet=args.quiet, jobs=args.jobs)
    except BookError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
