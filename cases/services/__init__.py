"""Every write to cases, one module per process: `answers` (the assistant inspector's draft and submission),
`workflow` (fieldwork, assignment, quality assurance and its queries), `moderation` (double marking)."""
