"""The Wuchang 2023 review book's package, in layers that follow the data flow (each imports only those below):

report (the text and its quantities) → datasets (validated data) → methods (shared readings) →
presentation (charts, maps, tables) → chapters (one module per chapter, and the chapter list) → build.
``paths``, ``errors`` and ``read_log`` sit beside them and import nothing of the package.
"""

__version__ = "0.1.0"
# The date this version was released: the build's SOURCE_DATE_EPOCH (PDF date, copyright year) unless the
# environment sets one, so two builds of one commit are identical.
__release_date__ = "2026-11-26"
