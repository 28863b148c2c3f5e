"""Chapter parameters: every value is checked and converted before a kernel starts, with a message that says
what was expected."""

from __future__ import annotations

import pytest

from analysis.chapters import CHAPTERS
from analysis.chapters.params import Param, validate
from analysis.errors import ParameterError

GROWTH = Param("growth", "float", 6.5, "growth assumed, percent", minimum=-20, maximum=30)
YEARS = Param("years", "int", 3, "years projected", minimum=1, maximum=10)
SHOW = Param("show_bounds", "bool", True, "draw qualifier bounds")
LABEL = Param("label", "str", "武昌", "a label")
LAYER = Param("layer", "path", "data/indicators.csv", "a data file")
MODE = Param("mode", "str", "level", "what to draw", choices=("level", "growth"))
DECLARED = (GROWTH, YEARS, SHOW, LABEL, LAYER, MODE)


def refused(param: Param, raw) -> str:
    with pytest.raises(ParameterError) as err:
        param.convert(raw, "99_test")
    return str(err.value)


def test_defaults_pass_and_keep_their_types():
    assert validate("99_test", DECLARED, {}) == {
        "growth": 6.5, "years": 3, "show_bounds": True, "label": "武昌", "layer": "data/indicators.csv",
        "mode": "level",
    }


def test_unknown_name_lists_the_accepted_parameters():
    with pytest.raises(ParameterError) as err:
        validate("99_test", DECLARED, {"grwoth": 7, "colour": "red"})
    message = str(err.value)
    assert message.startswith("chapter 99_test: unknown parameter(s) colour, grwoth; it accepts:\n")
    for p in DECLARED:
        assert f"\n  {p.describe()}" in message
    assert "growth: float = 6.5 (>= -20; <= 30) — growth assumed, percent" in message


def test_no_parameters_declared_accepts_none():
    with pytest.raises(ParameterError, match=r"unknown parameter\(s\) x; it accepts:\n  \(none\)"):
        validate("99_test", (), {"x": 1})


@pytest.mark.parametrize(("raw", "value"), [("7.5", 7.5), (7, 7.0), (" -3 ", -3.0), ("1e1", 10.0)])
def test_float_conversion(raw, value):
    converted = GROWTH.convert(raw, "99_test")
    assert converted == value and type(converted) is float


@pytest.mark.parametrize(("raw", "value"), [("4", 4), (4.0, 4), (" 2 ", 2)])
def test_int_conversion(raw, value):
    converted = YEARS.convert(raw, "99_test")
    assert converted == value and type(converted) is int


@pytest.mark.parametrize(
    ("param", "raw", "why"),
    [
        (GROWTH, "fast", "got 'fast', not a number"),
        (GROWTH, None, "got None, not a number"),
        (GROWTH, True, "got True, a boolean"),
        (GROWTH, "nan", "got 'nan', not a finite number"),
        (GROWTH, "inf", "got 'inf', not a finite number"),
        (YEARS, 2.5, "got 2.5, not an integer"),
        (YEARS, "3.0", "got '3.0', not an integer"),
        (LABEL, 5, "got 5 (int), not a string"),
        (LAYER, ["data"], "got ['data'] (list), not a string"),
        (SHOW, 1, "got 1 (int), not a boolean"),
    ],
)
def test_wrong_type(param, raw, why):
    assert refused(param, raw) == f"chapter 99_test: parameter {param.name}: {why}; expected {param.describe()}"


@pytest.mark.parametrize(
    ("param", "raw", "why"),
    [
        (GROWTH, 31, "got 31, above the maximum"),
        (GROWTH, "-20.5", "got -20.5, below the minimum"),
        (YEARS, 0, "got 0, below the minimum"),
        (YEARS, 11, "got 11, above the maximum"),
    ],
)
def test_out_of_range(param, raw, why):
    message = refused(param, raw)
    assert message == f"chapter 99_test: parameter {param.name}: {why}; expected {param.describe()}"


def test_range_limits_are_inclusive():
    assert GROWTH.convert(30, "99_test") == 30.0
    assert GROWTH.convert(-20, "99_test") == -20.0


def test_choices():
    assert MODE.convert("growth", "99_test") == "growth"
    assert refused(MODE, "share") == (
        "chapter 99_test: parameter mode: got 'share'; "
        "expected mode: str = 'level' (one of level, growth) — what to draw"
    )


@pytest.mark.parametrize(
    ("raw", "value"),
    [(True, True), (False, False), ("true", True), ("False", False), ("1", True), ("0", False), ("yes", True),
     ("NO", False)],
)
def test_bool_parsing(raw, value):
    assert SHOW.convert(raw, "99_test") is value


@pytest.mark.parametrize("raw", ["", "maybe", "2", "on"])
def test_bool_refuses_other_words(raw):
    assert refused(SHOW, raw).startswith(f"chapter 99_test: parameter show_bounds: got {raw!r}, not a boolean")


@pytest.mark.parametrize("raw", ["../../etc/passwd", "/etc/passwd", "data/../../../etc/passwd",
                                 "src/analysis/params.py", "data/../src/analysis/params.py"])
def test_path_escaping_the_allowed_folders(raw):
    message = refused(LAYER, raw)
    assert f"the path {raw!r} resolves to " in message
    assert "outside the allowed folders; expected layer: path = 'data/indicators.csv' (under data/)" in message


def test_path_that_does_not_exist():
    assert refused(LAYER, "data/nope.csv").startswith(
        "chapter 99_test: parameter layer: the path 'data/nope.csv' does not exist; expected layer: path")


@pytest.mark.parametrize("raw", ["data/indicators.csv", "data/../data/indicators.csv", "./data/indicators.csv"])
def test_path_inside_is_normalised_relative_to_the_project(raw):
    assert LAYER.convert(raw, "99_test") == "data/indicators.csv"


def test_absolute_path_inside_the_project_is_accepted(tmp_path):
    from analysis.paths import INDICATORS

    assert LAYER.convert(str(INDICATORS), "99_test") == "data/indicators.csv"


@pytest.mark.parametrize(
    "raw",
    [
        "it's \"quoted\"",
        "two\nlines\r\n",
        "'); import os; os.system('rm -rf /'); ('",
        "__import__('os').system('id')",
        "{{ template }} ${HOME} $(whoami) `id`",
        "</script><script>alert(1)</script>",
        "  武昌 区  ",
        "",
    ],
)
def test_strings_arrive_unchanged(raw):
    value = LABEL.convert(raw, "99_test")
    assert value == raw and type(value) is str
    assert validate("99_test", DECLARED, {"label": raw})["label"] == raw


def test_nul_in_a_string_is_refused():
    assert "the string contains a NUL character" in refused(LABEL, "a\x00b")


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.slug for c in CHAPTERS])
def test_every_declared_chapter_default_validates(chapter):
    values = validate(chapter.slug, chapter.params, {})
    assert list(values) == [p.name for p in chapter.params]
