"""The cases' forms: `case_page` (the assistant inspector's case form and query answers) and `inspection_work`
(the lead's and quality assurers' sample, assignment, quality assurance and moderation)."""
