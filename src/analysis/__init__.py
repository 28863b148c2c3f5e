"""Analysis package of the Wuchang 2023 review book: source text, indicators, charts, runner."""

__version__ = "0.1.0"
# The date this version was released: the build's SOURCE_DATE_EPOCH (PDF date, copyright year) unless the
# environment sets one, so two builds of one commit are identical.
__release_date__ = "2026-11-26"
