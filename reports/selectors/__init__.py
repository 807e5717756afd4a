"""Reads for the reports, SQL aggregates turned into ratings by reports.rating, each module answering one kind of
question: `results` (an inspection's ratings), `rates` (rates pooled over cases, with breakdowns), `dashboards`
(the PDU list, the inspection and national dashboards), `overview` (an inspection's task list)."""
