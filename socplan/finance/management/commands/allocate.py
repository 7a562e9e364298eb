"""``socplan allocate --region CZ064 --year 2026 --budget 1063937222 [--mode rules|optimise] [--programme CODE
[--round N]] [--json] [--save]``

Allocates a limited budget to the kraj's network of the year with its stored financing parameters (the same
selectors and engine as the pages): ``rules`` shares the reduced tier by one coefficient k of optimal support,
``optimise`` protects the existing network's floors and shares the tier at one level λ of weight × optimal support
(docs/financing.md §3.5); the text output gives k or λ per tier. Without ``--save`` nothing is written; with it
the run is stored through ``services.allocation_run`` (actor: ``--user`` or the system).

``--json`` prints ``{"region", "year", "mode", "budget", "total_optimal", "total_allocated", "services":
[{"service_id", "optimal_support", "allocated"}, …]}`` – amounts as whole-CZK decimal strings, ``service_id`` the
registry service's primary key (with ``"part"`` when the network splits a service into parts).

``--programme CODE`` allocates within a subsidy programme of the kraj and year (round ``--round``, default 1):
kinds the programme does not fund get nothing, ``--budget`` defaults to the round's budget and may not exceed
it, ``--save`` stores the run as a proposal of the round, and the JSON gains ``"programme"`` and ``"round"``.
"""

from __future__ import annotations

import json
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from socplan.core.money import format_czk, format_number
from socplan.territory.models import Region

from ... import engine, selectors, services
from ...adapter import frame_cache
from ...api import service_ref
from ...engine.optimise import level
from ...forms import parse_amount
from ...models import AllocationMode, ProgrammeRound
from ...templatetags.finance_tags import TIER_STATUS


def allocation_json(comp, result, *, region: str, year: int) -> dict:
    doc = engine.to_json_dict(result, region=region, year=year)
    pks = dict(zip(comp.support.frame["service_id"], comp.support.frame["service_pk"], strict=True))
    doc["services"] = [{**service_ref(s["service_id"], pks[s["service_id"]]),
                        "optimal_support": s["optimal_support"], "allocated": s["allocated"]}
                       for s in doc["services"]]
    return doc


class Command(BaseCommand):
    help = "Rozdělí omezený rozpočet na síť kraje v roce (režim podle pravidel nebo vážený spravedlivý podíl s chráněnou sítí)."

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="kód kraje, např. CZ064")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--budget", help="rozpočet v celých Kč (mezery a podtržítka povoleny); s --programme "
                                             "nejvýše rozpočet kola (výchozí)")
        parser.add_argument("--programme", help="kód dotačního programu kraje a roku, např. 101a")
        parser.add_argument("--round", type=int, default=1, help="číslo kola programu (výchozí 1)")
        parser.add_argument("--mode", choices=AllocationMode.values, default=AllocationMode.RULES)
        parser.add_argument("--json", action="store_true", help="strojově čitelný výstup (JSON)")
        parser.add_argument("--save", action="store_true", help="uložit rozdělení do databáze")
        parser.add_argument("--user", help="uživatel, jehož jménem se rozdělení uloží (ověří se jeho oprávnění)")

    def handle(self, *args, **opts):
        region = Region.objects.filter(code=opts["region"]).defer("boundary").first()
        if region is None:
            raise CommandError(f"Neznámý kraj {opts['region']!r}.")
        year, mode = opts["year"], opts["mode"]
        rnd = _round(region, year, opts["programme"], opts["round"]) if opts["programme"] else None
        if opts["budget"] is None and rnd is None:
            raise CommandError("Zadejte --budget (nebo --programme, jehož kolo má rozpočet).")
        try:
            budget = parse_amount(opts["budget"], whole=True) if opts["budget"] is not None else rnd.budget
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        if budget < 0:
            raise CommandError("Rozpočet nesmí být záporný.")
        if rnd is not None and budget > rnd.budget:
            raise CommandError(f"Rozpočet {format_czk(budget)} převyšuje rozpočet kola {format_czk(rnd.budget)}.")
        with frame_cache():
            comp = selectors.computation(region, year)
            if comp is None:
                raise CommandError(f"Kraj {region.code} nemá parametry financování na rok {year}.")
            bounds = floors = limits = None
            if rnd is not None:  # the round's rules, as the stored run takes them
                bounds, floors, _previous, limits = services.round_inputs(rnd, comp, mode)
            result = selectors.allocate(comp, budget, mode, bounds=bounds, floors=floors, limits=limits)
            run = None
            if opts["save"]:
                actor = None
                if opts["user"]:
                    actor = get_user_model().objects.filter(username=opts["user"]).first()
                    if actor is None:
                        raise CommandError(f"Neznámý uživatel {opts['user']!r}.")
                try:
                    run = services.allocation_run(actor=actor, region=region, year=year, budget=budget, mode=mode,
                                                  comp=comp, note="socplan allocate", programme_round=rnd)
                except ValidationError as exc:
                    raise CommandError(" ".join(exc.messages)) from None
        if opts["json"]:
            doc = allocation_json(comp, result, region=region.code, year=year)
            if rnd is not None:
                doc["programme"], doc["round"] = rnd.programme.code, rnd.number
            self.stdout.write(json.dumps(doc, ensure_ascii=False))
            return
        self.stdout.write(f"{region.name} {year}, režim {AllocationMode(mode).label}")
        if comp.network.source == "registry":
            self.stdout.write(comp.network.note)
        self.stdout.write(f"Rozpočet:           {format_czk(result.budget)}")
        self.stdout.write(f"Optimální podpora:  {format_czk(result.total_optimal)} ({len(comp.support)} položek)")
        self.stdout.write(f"Přiděleno:          {format_czk(result.total_allocated)}")
        for t in result.tiers:
            coef = ""
            if t.coefficient is not None and result.mode == AllocationMode.OPTIMISE:
                lam = level(result, t.tier)  # the common level: x = λ × weight × OP within the bounds
                coef = f", λ = {format_number(Decimal(lam.numerator) / Decimal(lam.denominator), 10)}"
            elif t.coefficient is not None:
                coef = f", k = {format_number(t.coefficient_decimal, 10)}"
            self.stdout.write(f"  vrstva {t.tier}: potřeba {format_czk(t.need)}, přiděleno {format_czk(t.allocated)} "
                              f"({TIER_STATUS.get(t.status, t.status)}{coef})")
        if run is not None:
            self.stdout.write(f"Uloženo jako rozdělení č. {run.pk}.")


def _round(region, year: int, code: str, number: int) -> ProgrammeRound:
    rnd = ProgrammeRound.objects.select_related("programme").filter(
        programme__region=region, programme__year=year, programme__code=code, number=number).first()
    if rnd is None:
        raise CommandError(f"Kraj {region.code} nemá v roce {year} program {code!r} s {number}. kolem.")
    return rnd
