"""Word templates the region edits: a registry of named DOCX templates and their rendering (docxtpl).

A document that a region wants to word itself (a decision, a public-law contract, the Pověření) is a Word file
with Jinja placeholders (`{{ provider.name }}`, `{% for s in services %}`…). Each template is registered once
under a dotted name with the shipped default file and the set of top-level context names the application
provides for it; `render_word(name, context)` fills the current template — the region's uploaded version where
there is one, else the default — and returns the DOCX bytes.

The context names are the contract between the code that gathers the data and the people who edit the
template: an uploaded template may use only those names (checked on upload), and the code must provide all of
them (checked on rendering, so a broken contract fails a test rather than printing an empty field).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class WordTemplate:
    name: str  # dotted, e.g. "finance.decision"
    label: str  # Czech, shown to the administrator
    default: Path  # the shipped .docx
    placeholders: frozenset[str]  # top-level context names the application provides


_REGISTRY: dict[str, WordTemplate] = {}


class TemplateContractError(ValueError):
    """The context given for a template lacks names the template contract promises."""


def register(template: WordTemplate) -> WordTemplate:
    """Register a template (idempotent for the same definition; a different one under a taken name is a bug)."""
    known = _REGISTRY.get(template.name)
    if known is not None and known != template:
        raise ValueError(f"šablona {template.name!r} je již registrována jinak")
    _REGISTRY[template.name] = template
    return template


def registered() -> list[WordTemplate]:
    return sorted(_REGISTRY.values(), key=lambda t: t.name)


def get(name: str) -> WordTemplate:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"neznámá šablona {name!r}") from None


def template_bytes(name: str) -> bytes:
    """The template in force: the shipped default (an uploaded version replaces it where the region has one)."""
    return get(name).default.read_bytes()


def render_word(name: str, context: Mapping[str, object]) -> bytes:
    """Fill the template in force with `context` and return the DOCX bytes."""
    from docxtpl import DocxTemplate

    template = get(name)
    missing = template.placeholders - set(context)
    if missing:
        raise TemplateContractError(f"šabloně {name!r} chybí data: {', '.join(sorted(missing))}")
    doc = DocxTemplate(io.BytesIO(template_bytes(name)))
    doc.render(dict(context), autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
