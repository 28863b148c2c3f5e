"""Validated data: every file under ``data/`` read against its schema (indicators, exclusions, context series,
carbon-market statements, source notes, term dictionary, bibliography, map layers), each problem named with
file, line and column. Reads the report through ``analysis.report``; knows nothing of chapters or charts."""
