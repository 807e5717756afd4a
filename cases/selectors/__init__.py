"""Reads about cases, each in a fixed number of queries: `case_pages` (the assistant inspector's screens) and
`inspection_work` (the lead's and quality assurers': the sample, assignment, quality assurance, moderation)."""
