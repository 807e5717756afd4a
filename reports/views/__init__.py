"""The reports' pages: `dashboards` (PDU list, inspection and national dashboards, their exports) and
`inspection` (an inspection's task list, locking and unlocking)."""
