"""Word templates the region edits: a registry of named DOCX templates and their rendering (docxtpl).

A document that a region wants to word itself (a decision, a public-law contract, the Pověření) is a Word file
with Jinja placeholders (`{{ provider.name }}`, `{% for s in services %}`…). Each template is registered once
under a dotted name with the shipped default file and the set of top-level context names the application
provides for it; `render_word(name, context)` fills the current template — the version an administrator uploaded
(`models.WordTemplateVersion`, page `/dokumenty/sablony/`) where there is one, else the default — and returns the
DOCX bytes. `template_names_used` validates an upload (docxtpl parses it, it uses only the contract's names).

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
    required_any: frozenset[str] = frozenset()  # the template must use at least one of these (e.g. the content)


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
    """The template in force: the newest active version uploaded by an administrator
    (`models.WordTemplateVersion`), else the shipped default."""
    template = get(name)
    current = uploaded_version(name)
    return bytes(current.content) if current is not None else template.default.read_bytes()


def uploaded_version(name: str):
    """The uploaded version in force (`WordTemplateVersion`), or None while the shipped default is."""
    from .models import WordTemplateVersion

    return WordTemplateVersion.objects.filter(name=name, active=True).order_by("-uploaded_at", "-pk").first()


MAX_TEMPLATE_BYTES = 10 * 1024 * 1024


class TemplateInvalid(ValueError):
    """An uploaded template that cannot be used; `message` says why, in Czech."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def template_names_used(name: str, content: bytes) -> set[str]:
    """The top-level context names an uploaded DOCX uses, checked against the template's contract.

    Raises `TemplateInvalid` (a Czech message) when the file is no DOCX, docxtpl cannot parse its Jinja tags,
    or it uses a name the application does not provide for this template."""
    import zipfile

    from docxtpl import DocxTemplate
    from jinja2 import TemplateSyntaxError
    from lxml.etree import XMLSyntaxError

    template = get(name)
    if len(content) > MAX_TEMPLATE_BYTES:
        raise TemplateInvalid(f"Soubor je větší než {MAX_TEMPLATE_BYTES // 2**20} MB.")
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise TemplateInvalid("Soubor není dokument Word (DOCX).")
    try:
        used = set(DocxTemplate(io.BytesIO(content)).get_undeclared_template_variables())
    except TemplateSyntaxError as exc:
        raise TemplateInvalid(f"Šablonu nelze načíst: chyba v zápisu polí na řádku {exc.lineno}: {exc.message}."
                              ) from None
    except (zipfile.BadZipFile, KeyError, XMLSyntaxError, ValueError) as exc:
        raise TemplateInvalid(f"Soubor není platný dokument Word (DOCX): {exc}.") from None
    unknown = used - template.placeholders
    if unknown:
        raise TemplateInvalid(
            "Šablona používá údaje, které aplikace pro ni neposkytuje: " + ", ".join(sorted(unknown))
            + ". Povolené údaje: " + ", ".join(sorted(template.placeholders)) + ".")
    if template.required_any and not used & template.required_any:
        raise TemplateInvalid(
            "Šablona neobsahuje místo pro obsah dokumentu: použijte údaj "
            + " nebo ".join("{{ " + n + " }}" for n in sorted(template.required_any)) + ".")
    return used


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
