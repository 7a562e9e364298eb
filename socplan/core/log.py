"""Logging pieces referenced from ``settings.LOGGING``.

`ClientErrorsOneLine` sits on the ``django.request`` logger and on Django's ``django.security.*`` loggers: a
refused request (4xx: 403 permission denied, 400 bad request, a disallowed Host header, …) is the client's doing,
not a fault of the server, so it is logged as one line — the status, the path or message and the reason —
instead of a full traceback. Server errors (5xx) keep their traceback.
"""

from __future__ import annotations

import logging


class ClientErrorsOneLine(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500 and record.exc_info:
            exc = record.exc_info[1]
            message = record.getMessage()
            reason = " ".join(str(exc).split()) if exc is not None else ""
            message = " ".join(message.split())
            # the security loggers' message is the exception's text already: say it once
            record.msg = f"{status} {message}" + (f" ({reason})" if reason and reason not in message else "")
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True
