"""What readers see: the Altair theme and shared chart types, how a chart is shown (offline HTML, PNG, CSV),
maps, tables (HTML and the PDF's list-tables), Markdown escaping and glued values for prose. Generic: it knows
the report's sections but no particular chapter."""
