"""The cases' pages: `case_pages` (the assistant inspector's), and the lead's and quality assurers' pages about an
inspection's cases: `fieldwork`, `sample`, `quality_assurance`, `moderation`."""
