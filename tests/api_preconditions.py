"""What an API client sends with an action on one record (approve, decide, submit, …): the ETag it read from the
record, in If-Match (`socplan.core.api_locking`). Tests of the workflows call the actions through this."""

from __future__ import annotations

import re

ACTION = re.compile(r"^(?P<record>.*/\d+/)[a-z_-]+/$")


def if_match(client, url: str) -> dict:
    """``{"HTTP_IF_MATCH": <ETag>}`` for a POST action on one record, read as ``client`` reads the record; empty for
    a create, a record without a version, or a record the client cannot read (the action is refused anyway)."""
    match = ACTION.match(url.split("?", 1)[0])
    if match is None:
        return {}
    answer = client.get(match["record"])
    return {"HTTP_IF_MATCH": answer["ETag"]} if answer.status_code == 200 and answer.has_header("ETag") else {}
