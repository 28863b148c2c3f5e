"""Analysis package of the Wuchang 2023 review book: source text, indicators, charts, runner."""

__version__ = "0.1.0"
