"""`pipeline.web.app`: the portal's entry points, kept for `python -m pipeline serve` and tests.

The portal lives in three modules: web.routes (pages), web.portal (the service: uploads,
results, board data) and web.jobs (the background ingest and the build child process).
"""

from pipeline.web.jobs import Builder, Ingester
from pipeline.web.portal import BATCH_DIR, CLIENT_TRIES, LOGIN_TRIES, PORTAL_DIR, Portal, User
from pipeline.web.routes import ERROR_TEXT, MAX_FORM, MAX_REQUEST, attachment, create_app, serve

__all__ = ["BATCH_DIR", "CLIENT_TRIES", "ERROR_TEXT", "LOGIN_TRIES", "MAX_FORM", "MAX_REQUEST", "PORTAL_DIR",
           "Builder", "Ingester", "Portal", "User", "attachment", "create_app", "serve"]
