"""Decision documents of a subsidy programme: the decision or public-law contract of a provider and its Pověření
(entrustment act, SGEI), as Word files from the templates the region edits (``documents.word_templates``) and as
PDF through the document pipeline (``finance.decision`` / ``finance.entrustment`` builders).

Both read one typed source, ``socplan.finance.programme_selectors.decision_data``: the services and amounts
are the approved allocation run's rows, so every amount printed equals the approved run to the crown. A
programme marked illustrative prints so on every page it reaches.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from socplan.core.money import format_czk, format_number
from socplan.core.render.blocks import CZK, Column, Document, Heading, KeyValues, Paragraph, Table
from socplan.finance.models import GrantDecision, Instrument

from .builders import BuiltDocument, document_builder
from .word_templates import WordTemplate, register, render_word

if TYPE_CHECKING:
    from socplan.finance.programme_selectors import DecisionData


def _programme_selectors():
    # imported at the first use: this module registers document builders at start-up, and the programme
    # selectors bring the finance engine (numpy, pandas), which start-up must not pay for
    from socplan.finance import programme_selectors

    return programme_selectors

WORD_DIR = Path(__file__).parent / "word"
SYNTHETIC_NOTE = ("Ilustrativní data: program, částky a poskytovatelé jsou smyšlené (ukázka) – "
                  "nejde o skutečné rozhodnutí.")
TITLE = {Instrument.DECISION: "Rozhodnutí o poskytnutí dotace", Instrument.CONTRACT: "Veřejnoprávní smlouva o "
         "poskytnutí dotace"}
DECISION_CONTEXT = frozenset({"synthetic_note", "region", "programme", "programme_round", "decision", "provider",
                              "services", "instalments", "entrustment"})
ENTRUSTMENT_CONTEXT = frozenset({"synthetic_note", "region", "programme", "provider", "services", "entrustment",
                                 "compensation"})

DECISION_TEMPLATE = register(WordTemplate("finance.decision", "Rozhodnutí o dotaci / veřejnoprávní smlouva",
                                          WORD_DIR / "rozhodnuti.docx", DECISION_CONTEXT))
ENTRUSTMENT_TEMPLATE = register(WordTemplate("finance.entrustment", "Pověření (služba obecného hospodářského zájmu)",
                                             WORD_DIR / "povereni.docx", ENTRUSTMENT_CONTEXT))


def _date(value) -> str:
    return f"{value.day}. {value.month}. {value.year}" if value else "–"


def _pct(value) -> str:
    return format_number(value * 100, 2).rstrip("0").rstrip(",") + " %"


def decision_context(data: DecisionData) -> dict:
    """The names the decision template may use (``DECISION_CONTEXT``); amounts formatted in whole Kč."""
    d, p, r = data.decision, data.programme, data.programme_round
    return {
        "synthetic_note": SYNTHETIC_NOTE if p.illustrative else "",
        "region": data.region_name,
        "programme": {"name": p.name, "code": p.code, "year": str(p.year), "legal_basis": p.get_legal_basis_display(),
                      "conditions": p.conditions or "Podmínky programu zveřejněné krajem."},
        "programme_round": {"number": str(r.number), "reports_by": _date(r.reports_by),
                            "refund_due": _date(r.refund_due) if r.refund_due else "30 dní od vyúčtování"},
        "decision": {"title": TITLE[Instrument(d.instrument)], "number": d.number, "issued_on": _date(d.issued_on),
                     "amount": format_czk(d.amount)},
        "provider": {"name": d.provider.name, "ico": d.provider.ico},
        "services": [{"name": s.name, "identifier": s.identifier, "kind": s.kind_code, "territory": s.territory,
                      "amount": format_czk(s.amount)} for s in data.services],
        "instalments": [{"order": str(i.order), "due_on": _date(i.due_on), "amount": format_czk(i.amount)}
                        for i in data.instalments],
        "entrustment": _entrustment(data),
    }


def _entrustment(data: DecisionData) -> dict:
    p = data.programme
    return {"number": data.decision.entrustment_number, "period": f"{p.entrustment_from}–{p.entrustment_to}"}


def entrustment_context(data: DecisionData) -> dict:
    p = data.programme
    return {
        "synthetic_note": SYNTHETIC_NOTE if p.illustrative else "",
        "region": data.region_name,
        "programme": {"name": p.name, "year": str(p.year)},
        "provider": {"name": data.decision.provider.name, "ico": data.decision.provider.ico},
        "services": [{"name": s.name, "identifier": s.identifier, "kind": s.kind_code, "territory": s.territory}
                     for s in data.services],
        "entrustment": _entrustment(data),
        "compensation": {
            "method": "Vyrovnávací platba nepřekročí čisté náklady služby (uznatelné náklady snížené o vlastní "
                      "výnosy) zvýšené o přiměřený zisk; počítá se z optimalizovaných nákladů sítě kraje.",
            "profit_rate": _pct(p.profit_rate),
            "check": "ročně při vyúčtování, souhrnně nejméně každé tři roky a na konci pověření.",
            "carry_over": f"do {_pct(p.carry_over_limit)} průměrné roční vyrovnávací platby se převádí do "
                          "dalšího období, jinak se vrací.",
        },
    }


def decision_docx(decision: GrantDecision) -> bytes:
    return render_word(DECISION_TEMPLATE.name, decision_context(_programme_selectors().decision_data(decision)))


def entrustment_docx(decision: GrantDecision) -> bytes:
    return render_word(ENTRUSTMENT_TEMPLATE.name, entrustment_context(_programme_selectors().decision_data(decision)))


# --- PDF through the document pipeline ----------------------------------------------------------------------

def decision_document(data: DecisionData) -> Document:
    ctx = decision_context(data)
    blocks = []
    if ctx["synthetic_note"]:
        blocks.append(Paragraph(ctx["synthetic_note"], style="note"))
    blocks += [
        KeyValues([("Číslo jednací", ctx["decision"]["number"]), ("Datum", ctx["decision"]["issued_on"]),
                   ("Program", f"{ctx['programme']['name']} ({ctx['programme']['legal_basis']})"),
                   ("Kolo", ctx["programme_round"]["number"]),
                   ("Příjemce", f"{ctx['provider']['name']}, IČO {ctx['provider']['ico']}"),
                   ("Pověření", ctx["entrustment"]["number"])]),
        Heading("Výrok", 2),
        Paragraph(f"{ctx['region']} poskytuje příjemci dotaci ve výši {ctx['decision']['amount']} na poskytování "
                  "sociálních služeb uvedených níže."),
        Table([Column("Služba", width=3), Column("Identifikátor"), Column("Druh"), Column("Území", width=2),
               Column("Dotace", CZK)],
              [[s.name, s.identifier, f"§ {s.kind_code}", s.territory, s.amount] for s in data.services],
              title="Služby a částky", totals=["Celkem", "", "", "", data.decision.amount]),
        Table([Column("Splátka"), Column("Splatnost"), Column("Částka", CZK)],
              [[f"{i.order}.", _date(i.due_on), i.amount] for i in data.instalments], title="Splátkový kalendář"),
        Heading("Podmínky", 2),
        Paragraph(ctx["programme"]["conditions"]),
        Paragraph(f"Vyúčtování do {ctx['programme_round']['reports_by']}; vratky do "
                  f"{ctx['programme_round']['refund_due']}."),
    ]
    return Document(title=ctx["decision"]["title"], subtitle=f"{ctx['provider']['name']} – {ctx['decision']['number']}",
                    blocks=blocks, footer_note=ctx["synthetic_note"])


def entrustment_document(data: DecisionData) -> Document:
    ctx = entrustment_context(data)
    blocks = [Paragraph(ctx["synthetic_note"], style="note")] if ctx["synthetic_note"] else []
    blocks += [
        Paragraph(f"Podle rozhodnutí Komise 2012/21/EU pověřuje {ctx['region']} poskytovatele "
                  f"{ctx['provider']['name']}, IČO {ctx['provider']['ico']}, poskytováním níže uvedených sociálních "
                  f"služeb jako služeb obecného hospodářského zájmu na období {ctx['entrustment']['period']}."),
        Table([Column("Služba", width=3), Column("Identifikátor"), Column("Druh"), Column("Území", width=2)],
              [[s.name, s.identifier, f"§ {s.kind_code}", s.territory] for s in data.services], title="Služby a území"),
        Heading("Parametry vyrovnávací platby", 2),
        KeyValues([("Výpočet", ctx["compensation"]["method"]), ("Přiměřený zisk", ctx["compensation"]["profit_rate"]),
                   ("Kontrola", ctx["compensation"]["check"]), ("Převod", ctx["compensation"]["carry_over"])]),
    ]
    return Document(title="Pověření k poskytování služeb obecného hospodářského zájmu",
                    subtitle=f"č. {ctx['entrustment']['number']}", blocks=blocks, footer_note=ctx["synthetic_note"])


def _can_view(user, object_id: int) -> bool:
    return _programme_selectors().decisions(user).filter(pk=object_id).exists()


def _stem(decision: GrantDecision, prefix: str) -> str:
    from .services import ascii_slug

    return f"{prefix}-{ascii_slug(decision.number)}"


@document_builder("finance.decision", title="Rozhodnutí o dotaci", can_view=_can_view)
def build_decision(object_id: int) -> BuiltDocument:
    decision = GrantDecision.objects.get(pk=object_id)
    return BuiltDocument(decision_document(_programme_selectors().decision_data(decision)),
                         _stem(decision, "rozhodnuti"))


@document_builder("finance.entrustment", title="Pověření", can_view=_can_view)
def build_entrustment(object_id: int) -> BuiltDocument:
    decision = GrantDecision.objects.get(pk=object_id)
    return BuiltDocument(entrustment_document(_programme_selectors().decision_data(decision)),
                         _stem(decision, "povereni"))
