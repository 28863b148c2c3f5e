"""Ways of reading the report shared by several chapters: derived figures with the bounds their qualifiers
allow, the outlook's commitments and how checkable each is, the review's statements by domain, named places
and projects, the figures the outlook takes up again, and word emphasis. No charts: those are presentation."""
