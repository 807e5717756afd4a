"""Save latency at realistic load (issue 19, item 4): N assistant inspectors each saving a judgement through the
API about every 15 seconds, on gunicorn and PostgreSQL.

- prepare.py: the data (users, API tokens, inspections in fieldwork with their cases), through the services;
- locustfile.py: the scenario, written against the public REST API only (no Django import);
- __main__.py: the runner (`make save-latency`): prepares, serves with gunicorn, runs locust for each N and a ramp,
  samples CPU and prints the table recorded in docs/performance.md.
"""
