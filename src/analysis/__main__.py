"""Command line: ``python -m analysis build|check|list``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.errors import BookError, ParameterError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis", description="Build and check the Wuchang book.")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="the whole book (what `make book` runs)")
    b.add_argument("--html", action="store_true", help="render the HTML site (with --pdf: only these)")
    b.add_argument("--pdf", action="store_true", help="render the PDF (default: both HTML and PDF)")
    b.add_argument("--quiet", action="store_true")
    b.add_argument("--jobs", type=int, default=None, help="chapters executed at once (default: cores)")
    b.add_argument("--languages", default="en,zh", help="the editions to build, e.g. en (default: en,zh)")
    b.add_argument("--untranslated-ok", action="store_true",
                   help="a translator's draft: publish the Chinese edition even where translations are missing")
    r = sub.add_parser("run", help="one chapter with new parameters into its own folder")
    r.add_argument("chapter", help="chapter slug or number, e.g. 01 or 01_regional_strength")
    r.add_argument("-p", "--param", action="append", default=[], nargs="+", metavar="NAME[=VALUE] [VALUE]",
                   help="a parameter, as NAME=VALUE or, as papermill writes it, NAME VALUE; repeat for several "
                        "(see `list`)")
    r.add_argument("-r", "--raw", action="append", default=[], nargs=2, metavar=("NAME", "VALUE"),
                   help="a parameter given as text, as papermill's -r (it is converted by its declared type)")
    r.add_argument("-f", "--parameters-file", type=Path, action="append", default=[], metavar="PARAMS.yaml",
                   help="parameters from a YAML file, as papermill's -f (-p and -r given after it win)")
    r.add_argument("--out", type=Path, default=None, help="output folder (default: _build/runs/<chapter>)")
    r.add_argument("--quiet", action="store_true")
    t = sub.add_parser("translations", help="bring the Chinese edition's catalogs (locale/) in step with the text")
    t.add_argument("--no-pages", action="store_true", help="leave book.po (the hand-written pages) as it is")
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
            from analysis.paths import RUNS

            given = {}
            for path in args.parameters_file:
                given.update(_yaml_parameters(path))
            for item in args.param:
                given.update(_cli_parameter(item))
            given.update({name: value for name, value in args.raw})
            chapter = get(args.chapter)
            run_one(chapter.slug, given, args.out or RUNS / chapter.slug, quiet=args.quiet)
        elif args.command == "translations":
            from analysis.build.catalogs import update

            for line in update(pages=not args.no_pages):
                print(line)
        elif args.command == "build":
            from analysis.build.book import build

            both = not (args.html or args.pdf)
            build(html=both or args.html, pdf=both or args.pdf, quiet=args.quiet, jobs=args.jobs,
                  untranslated_ok=args.untranslated_ok, languages=tuple(args.languages.split(",")))
    except BookError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


def _cli_parameter(item: list[str]) -> dict[str, str]:
    """``-p NAME=VALUE`` or papermill's ``-p NAME VALUE``; the value stays text until its declaration converts it."""
    if len(item) == 2:
        return {item[0].strip(): item[1]}
    name, sep, value = item[0].partition("=")
    if len(item) != 1 or not sep:
        raise ParameterError(f"-p {' '.join(item)!r}: expected NAME=VALUE or NAME VALUE")
    return {name.strip(): value}


def _yaml_parameters(path: Path) -> dict[str, object]:
    import yaml

    try:
        values = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise ParameterError(f"-f {path}: cannot read it as YAML ({err})") from None
    if not isinstance(values, dict) or not all(isinstance(k, str) for k in values):
        raise ParameterError(f"-f {path}: expected a mapping of parameter names to values")
    return values


if __name__ == "__main__":
    sys.exit(main())
