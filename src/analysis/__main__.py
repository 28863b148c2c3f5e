"""Command line: ``python -m analysis build|check|list``."""

from __future__ import annotations

import argparse
import sys

from analysis.errors import BookError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis", description="Build and check the Wuchang book.")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="the whole book (what `make book` runs)")
    b.add_argument("--html", action="store_true", help="render the HTML site (the default)")
    b.add_argument("--quiet", action="store_true")
    b.add_argument("--jobs", type=int, default=None, help="chapters executed at once (default: cores)")
    sub.add_parser("check", help="validate all data and exit")
    sub.add_parser("list", help="chapters and their parameters")
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            from analysis.indicators import check_all

            check_all()
            print("data OK")
        elif args.command == "list":
            from analysis.chapters import CHAPTERS

            for c in CHAPTERS:
                print(f"{c.slug}  {c.title}")
                for p in c.params:
                    print(f"    {p.describe()}")
        elif args.command == "build":
            from analysis.runner import build

            build(html=True, quiet=args.quiet, jobs=args.jobs)
    except BookError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
