"""Settings of the servers that tests start as processes: production's, with fast hashing.

A wrong password costs a full PBKDF2 run by design (and so does an unknown username);
the limits under test do not depend on it.
"""

from factcheck.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
