"""Automatic sends from JMA bulletins: feed poller, safe parsing, municipality rules, storm
control, operator confirmation and the verification tool (issue 6).

Importing the package registers its tables on ``app.db.models.Base`` (migration 0002).
"""

from app.triggers import models as models  # registers the tables on Base.metadata
