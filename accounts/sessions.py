"""Django's database sessions, refusing malformed session keys before they reach the database.

A session cookie holding a NUL byte otherwise makes PostgreSQL raise (text cannot contain NUL) and the request
answer 500; Django's own keys are 32 lowercase letters and digits, so anything else is simply no session.
"""

import re

from django.contrib.sessions.backends import db

SESSION_KEY_PATTERN = re.compile(r"[a-z0-9]{8,40}")


class SessionStore(db.SessionStore):
    def _validate_session_key(self, key):
        return bool(key) and SESSION_KEY_PATTERN.fullmatch(key) is not None
