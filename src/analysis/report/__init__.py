"""The report itself: its text (paragraphs, sections, sub-headings, sentences) and the quantities it writes.

The lowest layer: it reads only the raw file and imports nothing else of the package but paths and errors.
"""
