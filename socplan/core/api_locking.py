"""No lost update through the API: ETag / If-Match on every write to a versioned record.

A versioned record (`VersionedModel`: its `version` moves with every save) is answered with ``ETag: "<version>"``
(a detail GET, and every successful write to one record). A client that writes to one record sends the ETag it
read back in ``If-Match``:

- PUT, PATCH, DELETE and a POST action on one record (submit, approve, decide, return, …) without ``If-Match``
  are answered **428 Precondition Required**; with an ETag that is no longer the record's version, **412
  Precondition Failed** (with the current ETag) and nothing is written. ``If-Match: *`` (any current version) is
  a deliberate overwrite, as in HTTP. An approval or a decision is thus taken on the version the client read:
  a record changed in between (a budget edited, a request returned and completed) is not approved unseen.

The check runs twice: early, when the view loads the record (a clear 412 before any work), and again inside the
writing service's transaction, just before the record is saved (`pre_save`, after locking the row with SELECT …
FOR UPDATE on PostgreSQL), so two clients holding the same ETag cannot both win. Records without a ``version`` get
no ETag and no precondition. `VersionPreconditionMixin` is part of the scoped viewsets
(`socplan.accounts.permissions.ScopedViewSetMixin`), so every writable API endpoint has it.
"""

from __future__ import annotations

import contextvars
import re

from django.db import transaction
from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException

from .services import has_version

UNSAFE = ("PUT", "PATCH", "DELETE", "POST")  # POST: an action on one record (a create has no record to load)

# (model, pk) → the version the client's If-Match names, for the current request
_expected: contextvars.ContextVar[dict | None] = contextvars.ContextVar("socplan_if_match", default=None)


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("Záznam mezitím změnil jiný uživatel (verze v hlavičce If-Match už neplatí). "
                       "Načtěte jej znovu a změnu opakujte.")
    default_code = "precondition_failed"


class PreconditionRequired(APIException):
    status_code = 428
    default_detail = _("Zápis do záznamu musí poslat hlavičku If-Match s hodnotou ETag, kterou jste při čtení "
                       "záznamu dostali.")
    default_code = "precondition_required"


def etag(version) -> str:
    return f'"{int(version)}"'


def parse_if_match(header: str | None) -> set[str] | None:
    """The versions an If-Match header names ({"*"} for any); None when the header is absent."""
    if header is None:
        return None
    out = set()
    for part in header.split(","):
        part = part.strip()
        if part.startswith("W/"):
            part = part[2:]
        part = part.strip('"').strip()
        if part:
            out.add(part)
    return out


def _stored_version(obj, *, lock: bool = False):
    qs = type(obj)._default_manager.filter(pk=obj.pk)
    if lock:
        qs = qs.select_for_update()
    return qs.values_list("version", flat=True).first()


def _matches(wanted: set[str], version) -> bool:
    return "*" in wanted or str(version) in wanted


class VersionPreconditionMixin:
    """Mix into a DRF viewset: ETag on one versioned record, If-Match checked on writes to it."""

    def get_object(self):
        obj = super().get_object()
        self._etag_object = obj
        method = self.request.method
        if method in UNSAFE and has_version(type(obj)):
            wanted = parse_if_match(self.request.headers.get("If-Match"))
            if wanted is None:
                raise PreconditionRequired()
            else:
                if not _matches(wanted, obj.version):
                    self._etag_version = obj.version
                    raise PreconditionFailed()
                if "*" not in wanted:
                    expected = dict(_expected.get() or {})
                    expected[(type(obj)._meta.label, obj.pk)] = obj.version
                    _expected.set(expected)
        return obj

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        _expected.set(None)
        obj = getattr(self, "_etag_object", None)
        if obj is not None and has_version(type(obj)) and not response.has_header("ETag"):
            version = getattr(self, "_etag_version", None)
            if version is None and (response.status_code < 300 or response.status_code == 412):
                version = _stored_version(obj)
            if version is not None:
                response["ETag"] = etag(version)
        return response


def _check_on_save(sender, instance, raw=False, **kwargs):
    """The same If-Match, checked against the locked row inside the writing transaction (no race)."""
    expected = _expected.get()
    if raw or not expected or instance.pk is None:
        return
    key = (sender._meta.label, instance.pk)
    if key not in expected:
        return
    wanted = expected.pop(key)  # the first save of the request is checked; its own later saves are not
    _expected.set(expected)
    in_transaction = transaction.get_connection().in_atomic_block
    if _stored_version(instance, lock=in_transaction) != wanted:
        raise PreconditionFailed()


pre_save.connect(_check_on_save, dispatch_uid="socplan_api_if_match")


def _versioned_view(callback) -> bool:
    cls = getattr(callback, "cls", None)
    model = getattr(getattr(cls, "queryset", None), "model", None)
    return bool(cls and issubclass(cls, VersionPreconditionMixin) and model is not None and has_version(model))


def _shape(path: str) -> str:
    """A path with its parameters unnamed (the endpoint says {pk}, the schema {id})."""
    return re.sub(r"\{[^}]*\}", "{}", path)


_ERROR_BODY = {"content": {"application/json": {"schema": {
    "type": "object", "properties": {"detail": {"type": "string"}}}}}}


def _common_refusals(path: str, operation: dict) -> None:
    """The refusals any operation can answer: a bad parameter (400), no permission or no login (403), throttled
    (429), a record or a page of a list that does not exist or is not visible to the caller (404)."""
    responses = operation.setdefault("responses", {})
    for code, text in [("400", "Neplatný požadavek."), ("403", "Nepřihlášený uživatel nebo chybějící oprávnění."),
                       ("404", "Záznam nebo strana seznamu neexistuje (nebo není vidět)."),
                       ("429", "Příliš mnoho požadavků.")]:
        responses.setdefault(code, {"description": text, **_ERROR_BODY})


def schema_preconditions(result, generator, request, public):
    """drf-spectacular post-processing hook: the If-Match header, 412 and 428 in the OpenAPI schema of every write
    to a versioned record, and the ETag header of its answers."""
    versioned = {(_shape(path), method.lower()) for path, _regex, method, callback in (generator.endpoints or [])
                 if _versioned_view(callback)}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method in ("get", "put", "patch", "delete", "post"):
                _common_refusals(path, operation)
            if (_shape(path), method) not in versioned or "{" not in path:
                continue
            responses = operation.setdefault("responses", {})
            etag_header = {"ETag": {"schema": {"type": "string"},
                                    "description": "Verze záznamu; pošlete ji v If-Match při zápisu."}}
            for code, response in responses.items():
                if code.startswith("2"):
                    response.setdefault("headers", {}).update(etag_header)
            if method == "get":
                continue
            operation.setdefault("parameters", []).append({
                "in": "header", "name": "If-Match", "required": True, "schema": {"type": "string"},
                "description": "ETag záznamu, který klient četl (např. \"3\"); zastaralý → 412, chybí → 428."})
            error = _ERROR_BODY
            responses.setdefault("412", {"description": "Záznam mezitím změnil jiný uživatel.", **error})
            responses.setdefault("428", {"description": "Chybí hlavička If-Match.", **error})
    return result
