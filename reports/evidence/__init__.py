"""Evidence beside the cases: the views of people on probation (a survey's results per PDU and period) and the
staffing of each inspected PDU (domain one), with where they are shown."""
