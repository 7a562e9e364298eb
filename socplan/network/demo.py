"""Demo network of Jihomoravský kraj (CZ064), built from the demo registry services. Idempotent and fast (bulk).

* settings for 2025 and 2026 with the default tiers (základní síť, dočasná síť, zásobník) and conditions;
* **2025**: the base network (approved, published), amendment 1 (approved, published: 6 services added,
  5 capacities raised) and amendment 2 (approved: 3 services removed, 3 moved from the temporary to the basic
  tier, 4 FTE changes);
* **2026**: a draft under negotiation, taken over from 2025 amendment 2 with the 2026 staffing, plus what the
  admitted development requests bring (a new service and an expansion);
* development requests of 2026 in every state (submitted … admitted, refused, returned) with their steps;
* co-financing rates in the band (illustrative): the category defaults (prevention 20 %, counselling and care
  10 %) and per-kind rows – § 49 residential 12 %, § 50 15 %, § 41 and § 55 0 % (the demo kraj does not require
  co-financing of these supra-regional services), § 65 in the temporary tier 10 %; the municipalities'
  declarations are made by the finance demo, which computes the required shares (they need its optimised costs);
* district team comments and proposals for okres Blansko.

Everything is deterministic (fixed seed); tiers are picked per service by a hash, most in the basic tier.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from socplan.core.money import czk
from socplan.planning.models import ActionPlan, Measure
from socplan.registry.models import (
    Capacity,
    DeliveryForm,
    Service,
    ServiceArea,
    ServiceForm,
    ServiceKind,
    Staffing,
)
from socplan.registry.selectors import service_capacities
from socplan.registry.services import service_year_capacities_replace
from socplan.territory.models import District, Orp, Region

from .adapters import stated_capacities
from .engine.conditions import check_entry
from .models import (
    DevelopmentRequest,
    DistrictComment,
    DistrictProposal,
    EntryStatus,
    EventKind,
    KindParameter,
    NetworkEntry,
    NetworkParameters,
    NetworkPublication,
    NetworkVersion,
    Phase,
    ProposalState,
    RequestEvent,
    RequestKind,
    RequestState,
    RequestType,
    Tier,
)

DEMO_REGION = "CZ064"
BASE_YEAR = 2025
DRAFT_YEAR = 2026
SEED = 20250601
REASON = "demo síť"
# Illustrative co-financing rates (per cent; 0 or within the band 10–20 %): (kind, form, tier, rate). The category
# defaults of the settings apply to every other kind: prevention 20 %, counselling 10 %, care 10 %.
DEMO_RATE_ROWS = (
    ("49", "pob", None, Decimal(12)),  # domovy pro seniory
    ("50", None, None, Decimal(15)),  # domovy se zvláštním režimem
    ("41", None, None, Decimal(0)),  # tísňová péče: the demo kraj does not require co-financing
    ("55", None, None, Decimal(0)),  # telefonická krizová pomoc: likewise
    ("65", None, "docasna", Decimal(10)),  # SAS pro rodiny s dětmi in the temporary tier
)
DEMO_KIND_RATES = {code: rate for code, _form, _tier, rate in DEMO_RATE_ROWS}
DEMO_PARAMETERS_NOTE = ("Demo: sazby spolufinancování obcí, limity rozpočtu záměrů a jejich výjimky podle druhů jsou "
                        "ilustrativní, nejde o schválená pravidla kraje.")
N_NEW_2026 = 4  # services registered recently: not in 2025, enter 2026 through requests
N_ADDED_AM1 = 6
ORP_BLANSKO, ORP_ZNOJMO, ORP_BRNO = "6201", "6220", "6203"


def _user(username):
    return get_user_model().objects.filter(username=username).first()


def _aware(y, m, d, h=10):
    return timezone.make_aware(datetime(y, m, d, h, 0))


def demo_load() -> dict:
    region = Region.objects.filter(code=DEMO_REGION).defer("boundary").first()
    if region is None or not Service.objects.filter(region=region).exists():
        return {}
    if NetworkVersion.objects.filter(region=region, year=BASE_YEAR).exists():
        return {}
    return _Builder(region).build()


class _Builder:
    def __init__(self, region):
        self.region = region
        self.rng = random.Random(SEED)
        self.officer = _user("kraj-schvalovatel")
        self.kw = {"batch_size": 500, "default_change_reason": REASON, "default_user": self.officer}
        self.services = list(Service.objects.filter(region=region).select_related("kind", "provider").order_by("pk"))
        ids = [s.pk for s in self.services]
        self.caps = defaultdict(list)
        for sid, ctype_id, ctype, count in Capacity.objects.filter(service_form__service_id__in=ids).values_list(
                "service_form__service_id", "capacity_type_id", "capacity_type__code", "count").order_by("pk"):
            self.caps[sid].append((ctype_id, ctype, count))
        self.fte = {sid: fte for sid, fte in Staffing.objects.filter(service_id__in=ids, year=DRAFT_YEAR)
                    .values_list("service_id", "fte_direct")}
        self.areas = defaultdict(list)
        for sid, orp_id in ServiceArea.objects.filter(service_id__in=ids, orp__isnull=False).values_list(
                "service_id", "orp_id").order_by("pk"):
            self.areas[sid].append(orp_id)
        self.forms = defaultdict(list)
        for sid, code in ServiceForm.objects.filter(service_id__in=ids).values_list("service_id", "form__code"):
            self.forms[sid].append(code)
        # entries are pre-filled with the registry's capacity of the service's main form (registry selectors)
        self.registered = service_capacities(ids, BASE_YEAR, registry_only=True)
        self.orps = {o.code: o for o in Orp.objects.filter(region=region).select_related("district").defer(
            "boundary", "district__boundary")}
        self.orp_by_pk = {o.pk: o for o in self.orps.values()}

    # --- helpers --------------------------------------------------------------------------------------------
    def _capacity(self, sid):
        """The capacity of a service's main form in its unit (registry rule): (capacity type id, count)."""
        c = self.registered[sid]
        ctype_id = next((i for i, code, _n in self.caps[sid] if code == c.capacity_type), None)
        return ctype_id, c.capacity

    def _tier_code(self, s) -> str:
        h = random.Random(f"{SEED}|tier|{s.pk}").random()
        return "zakladni" if h < 0.90 else ("docasna" if h < 0.96 else "zasobnik")

    def _entry(self, network, s, tiers, *, fte_factor=Decimal(1), status=EntryStatus.EXISTING, tier=None,
               request=None):
        ctype_id, capacity = self._capacity(s.pk)
        fte = (self.fte.get(s.pk, Decimal(1)) * fte_factor).quantize(Decimal("0.01"))
        start = max(date(network.year, 1, 1), s.valid_from) if s.valid_from else date(network.year, 1, 1)
        return NetworkEntry(network=network, service=s, tier=tiers[tier or self._tier_code(s)], status=status,
                            capacity=capacity, capacity_type_id=ctype_id, fte=fte, entrusted_from=start,
                            entrusted_to=date(2030, 12, 31), request=request)

    def _bulk_entries(self, entries, orps_of=None):
        created = bulk_create_with_history(entries, NetworkEntry, **self.kw)
        if created and created[0].pk is None:
            network_ids = {e.network_id for e in entries}
            created = list(NetworkEntry.objects.filter(network_id__in=network_ids).order_by("pk"))[-len(entries):]
        links = []
        for e in created:
            orp_ids = orps_of(e) if orps_of else self.areas[e.service_id]
            links += [NetworkEntry.orps.through(networkentry_id=e.pk, orp_id=o) for o in orp_ids]
        NetworkEntry.orps.through.objects.bulk_create(links, batch_size=1000)
        return created

    def _version(self, year, amendment, *, approved_on=None, published=False, phase=Phase.DRAFT, reason="",
                 supersedes=None, decision_ref=""):
        v = NetworkVersion(region=self.region, year=year, amendment=amendment, phase=phase, reason=reason,
                           supersedes=supersedes, decision_ref=decision_ref,
                           title=f"Síť sociálních služeb {self.region.name} na rok {year}")
        if approved_on is not None:
            v.approved_at = approved_on
            v.approved_by = self.officer
        v._history_user = self.officer
        v._change_reason = REASON
        v.save()
        if published:
            NetworkPublication.objects.create(network=v, published_by=self.officer, note="demo")
        return v

    def _copy(self, source, target, tiers, *, changes=None, drop=(), status_reset=False):
        """Copy `source`'s entries into `target` with per-service field `changes` and services `drop`ped."""
        changes = changes or {}
        old = list(source.entries.select_related("tier").prefetch_related(
            Prefetch("orps", queryset=Orp.objects.only("pk"))).order_by("pk"))
        new, orp_map = [], {}
        for e in old:
            if e.service_id in drop:
                continue
            values = {"tier": tiers[e.tier.code], "status": EntryStatus.EXISTING if status_reset else e.status,
                      "capacity": e.capacity, "capacity_type_id": e.capacity_type_id, "fte": e.fte,
                      "request_id": None if status_reset else e.request_id}
            values.update(changes.get(e.service_id, {}))
            if "tier_code" in values:
                values["tier"] = tiers[values.pop("tier_code")]
            new.append(NetworkEntry(network=target, service_id=e.service_id, form_id=e.form_id, orp_id=e.orp_id,
                                    entrusted_from=e.entrusted_from, entrusted_to=e.entrusted_to, note=e.note,
                                    **values))
            orp_map[e.service_id] = [o.pk for o in e.orps.all()]
        return self._bulk_entries(new, orps_of=lambda e: orp_map.get(e.service_id, self.areas[e.service_id]))

    # --- the build ------------------------------------------------------------------------------------------
    def build(self) -> dict:
        from .services import build_parameters

        p25 = NetworkParameters.objects.filter(region=self.region, year=BASE_YEAR).first()
        if p25 is None:
            p25 = build_parameters(region=self.region, year=BASE_YEAR, actor=self.officer, reason=REASON)
            bulk_create_with_history(self._kind_parameters(p25), KindParameter, **self.kw)
        p26 = NetworkParameters.objects.filter(region=self.region, year=DRAFT_YEAR).first() or build_parameters(
            region=self.region, year=DRAFT_YEAR, copy_from=p25, actor=self.officer, reason=REASON)
        NetworkParameters.objects.filter(pk__in=[p25.pk, p26.pk], note="").update(note=DEMO_PARAMETERS_NOTE)
        t25 = {t.code: t for t in p25.tiers.all()}
        t26 = {t.code: t for t in p26.tiers.all()}

        pool = list(self.services)
        order = pool[:]
        self.rng.shuffle(order)
        new_2026 = order[:N_NEW_2026]
        added_am1 = order[N_NEW_2026:N_NEW_2026 + N_ADDED_AM1]
        skip = {s.pk for s in new_2026 + added_am1}
        base_services = [s for s in pool if s.pk not in skip]

        # 2025 base: approved 20 June 2024 with the action plan, published
        v0 = self._version(BASE_YEAR, 0, approved_on=_aware(2024, 6, 20), published=True,
                           decision_ref="usnesení Zastupitelstva JMK č. 1234/24/Z15 (demo)")
        self._bulk_entries([self._entry(v0, s, t25, fte_factor=Decimal("0.97")) for s in base_services])

        # amendment 1: six services added, five capacities raised
        v1 = self._version(BASE_YEAR, 1, approved_on=_aware(2025, 3, 12), published=True, supersedes=v0,
                           reason="Zařazení nově registrovaných služeb a navýšení kapacit podle akčního plánu.",
                           decision_ref="usnesení Rady JMK č. 201/25/R05 (demo)")
        raised = [s for s in base_services if self._capacity(s.pk)[1] >= 10][:5]
        self._copy(v0, v1, t25, changes={s.pk: {"capacity": self._capacity(s.pk)[1] + 5} for s in raised})
        self._bulk_entries([self._entry(v1, s, t25, fte_factor=Decimal("0.97"), status=EntryStatus.NEW)
                            for s in added_am1])

        # amendment 2: three removed, three moved to the basic tier, four FTE changes
        v2 = self._version(BASE_YEAR, 2, approved_on=_aware(2025, 9, 18), supersedes=v1,
                           reason="Ukončení tří služeb, přesun služeb z dočasné do základní sítě, úprava úvazků.",
                           decision_ref="usnesení Rady JMK č. 877/25/R21 (demo)")
        in_v1 = list(v1.entries.select_related("tier").order_by("pk"))
        removed = [e.service_id for e in in_v1 if e.tier.code == "zakladni"][-3:]
        moved = [e.service_id for e in in_v1 if e.tier.code == "docasna"][:3]
        fte_changed = [e.service_id for e in in_v1 if e.service_id not in removed + moved][10:14]
        changes = {sid: {"tier_code": "zakladni"} for sid in moved}
        for i, sid in enumerate(fte_changed):
            e = next(x for x in in_v1 if x.service_id == sid)
            changes[sid] = {"fte": (e.fte + Decimal("0.5") * (1 if i % 2 == 0 else -1)).max(Decimal("0.5"))}
        self._copy(v1, v2, t25, changes=changes, drop=set(removed))
        # the approved network states the year's capacities every module reads
        service_year_capacities_replace(actor=self.officer, year=BASE_YEAR, region=self.region,
                                        rows=stated_capacities(v2), ref=f"{v2.label} (schválená)")

        # 2026 draft under negotiation: the 2025 network with the 2026 staffing
        d26 = self._version(DRAFT_YEAR, 0, phase=Phase.NEGOTIATION,
                            reason="Návrh sítě na rok 2026 k projednání v okresech.")
        # the 2026 draft starts from the registry's capacities of 2026 (the 2025 raises were the 2025 network's)
        changes26 = {s.pk: dict(zip(("capacity_type_id", "capacity"), self._capacity(s.pk), strict=True))
                     for s in self.services}
        for sid, fte in self.fte.items():
            changes26[sid]["fte"] = fte
        self._copy(v2, d26, t26, changes=changes26, status_reset=True)

        requests = self._requests(p26, t26, new_2026, d26)
        self._district()
        return {"versions": 4, "requests": len(requests)}

    # --- development requests -------------------------------------------------------------------------------
    def _measure(self, orp):
        return (Measure.objects.filter(plan__kind="community", plan__orp=orp).order_by("plan__year_from", "code")
                .first())

    def _action_plan(self, year):
        return ActionPlan.objects.filter(plan__region=self.region, year=year).order_by("pk").first()

    def _requests(self, params, tiers, new_services, draft):
        from .adapters import condition_params, request_facts, service_scores

        orp_b, orp_z = self.orps[ORP_BLANSKO], self.orps[ORP_ZNOJMO]
        orp_brno = self.orps.get(ORP_BRNO, orp_b)
        users = {u: _user(u) for u in ("orp-blansko", "orp-znojmo", "okres-blansko", "kraj-referent",
                                       "kraj-schvalovatel", "poskytovatel")}
        in_draft = {e.service_id: e for e in draft.entries.select_related("capacity_type").order_by("pk")}
        existing = [s for s in self.services if s.pk in in_draft and self.fte.get(s.pk)]
        by_orp = defaultdict(list)
        for s in existing:
            if self.areas[s.pk]:
                by_orp[self.areas[s.pk][0]].append(s)
        ap = self._action_plan(DRAFT_YEAR)

        def group(s):
            return s.kind.group_for_form(self.registered[s.pk].form or "pob")

        def pick(orp, i, groups=("A", "B")):
            cands = [s for s in by_orp.get(orp.pk, []) if group(s) in groups] or \
                [s for s in existing if group(s) in groups]
            return cands[i % len(cands)]

        plans = [  # (state, orp, kind, type, service, fte, capacity, cost, title)
            (RequestState.SUBMITTED, orp_b, RequestKind.FTE, RequestType.B, pick(orp_b, 0), "1.00", 0, 900_000,
             "Navýšení terénní péče na Blanensku"),
            (RequestState.SUBMITTED, orp_z, RequestKind.CAPACITY, RequestType.A, pick(orp_z, 0, ("C", "D")), "0.50", 4,
             560_000,
             "Rozšíření kapacity na Znojemsku"),
            (RequestState.ORP_OPINION, orp_b, RequestKind.FTE, RequestType.A, pick(orp_b, 1), "0.50", 0, 450_000,
             "Posílení služby v ORP Blansko"),
            (RequestState.DISTRICT_REVIEW, orp_b, RequestKind.CAPACITY, RequestType.B, pick(orp_b, 2, ("C", "D")),
             "1.00", 6, 950_000, "Více míst pro klienty v Blansku"),
            (RequestState.EVALUATED, orp_z, RequestKind.FTE, RequestType.A, pick(orp_z, 1), "1.50", 0, 1_400_000,
             "Rozvoj služby na Znojemsku"),
            (RequestState.ADMITTED, orp_b, RequestKind.NEW, RequestType.B, new_services[0], None, None, None,
             "Nová služba pro Blanensko"),
            (RequestState.ADMITTED, orp_brno, RequestKind.FTE, RequestType.A, pick(orp_brno, 0), "1.00", 0, 950_000,
             "Navýšení úvazků podle akčního plánu"),
            (RequestState.REFUSED, orp_z, RequestKind.NEW, RequestType.B, None, "2.00", 10, 3_900_000,
             "Nová služba bez deklarace obcí"),
            (RequestState.RETURNED, orp_b, RequestKind.CAPACITY, RequestType.C, pick(orp_b, 3), "0.00", 3, 300_000,
             "Opětovný vstup služby"),
        ]
        created = []
        for i, (state, orp, rkind, rtype, service, fte, cap, cost, title) in enumerate(plans):
            created.append(self._request(i, state, orp, rkind, rtype, service, fte, cap, cost, title, params,
                                         tiers, users, ap, in_draft, draft))
        # evaluation results (as the conditions saw them at the evaluation step)
        cparams = condition_params(self.region, DRAFT_YEAR, params)
        scores = service_scores(self.region.code, DRAFT_YEAR)
        for req in created:
            if req.state in (RequestState.EVALUATED, RequestState.ADMITTED, RequestState.REFUSED):
                result = check_entry(request_facts(req, scores=scores), cparams)
                DevelopmentRequest.objects.filter(pk=req.pk).update(
                    evaluation=[{"name": r.code, "label": r.name, "passed": r.passed, "reason": r.reason}
                                for r in result.results], eligible=result.eligible)
        return created

    def _request(self, i, state, orp, rkind, rtype, service, fte, cap, cost, title, params, tiers, users, ap,
                 in_draft, draft):
        if service is not None:
            kind = service.kind
            form_code = self.registered[service.pk].form or "ter"
            ctype_id, capacity = self._capacity(service.pk)
        else:
            kind = ServiceKind.objects.get(code="65")
            form_code, ctype_id, capacity = "ter", None, 0
        if rkind == RequestKind.NEW and service is not None:
            fte_d = self.fte.get(service.pk, Decimal(1))
            cap_v = capacity
            group = kind.group_for_form(form_code)
            per_unit = {"A": params.optimal_cost_a, "B": params.optimal_cost_b, "C": params.optimal_cost_c,
                        "D": params.optimal_cost_d}[group]
            units = Decimal(cap_v) if group in ("C", "D") else fte_d
            cost_v = czk(per_unit * units * Decimal("0.95"))
        else:
            fte_d, cap_v, cost_v = Decimal(fte), cap, Decimal(cost)
        submitter = users["orp-znojmo"] if orp.code == ORP_ZNOJMO else users["orp-blansko"]
        submitted = _aware(2025, 3, 1 + i)
        req = DevelopmentRequest(
            region=self.region, year=DRAFT_YEAR, orp=orp, request_kind=rkind, request_type=rtype, title=title,
            provider=service.provider if service else None, service=service, kind=kind,
            form=DeliveryForm.objects.get(code=form_code), capacity=cap_v, capacity_type_id=ctype_id, fte=fte_d,
            justification=f"{title}: v území chybí kapacita pro cílovou skupinu; potřebnost doložena komunitním "
                          f"plánem ORP {orp.name} a šetřením potřeb (demo).",
            measure=self._measure(orp), expected_cost=cost_v, state=state, submitted_by=submitter,
            submitted_at=submitted)
        events = [(EventKind.SUBMITTED, "", RequestState.SUBMITTED, submitter, req.justification[:200])]
        if state not in (RequestState.SUBMITTED, RequestState.RETURNED):
            req.need_declared = True
            req.opinion = "Záměr je v souladu s komunitním plánem ORP; potřebnost deklarujeme."
            events.append((EventKind.OPINION, RequestState.SUBMITTED, RequestState.ORP_OPINION, submitter,
                           req.opinion))
        if state in (RequestState.DISTRICT_REVIEW, RequestState.EVALUATED, RequestState.ADMITTED,
                     RequestState.REFUSED):
            req.district_recommends = state != RequestState.REFUSED
            req.district_tier = tiers["zakladni"] if req.district_recommends else None
            req.district_note = ("Okresní tým záměr doporučuje do základní sítě." if req.district_recommends
                                 else "Okresní tým záměr nedoporučuje: obce nedeklarovaly spolufinancování.")
            events.append((EventKind.REVIEW, RequestState.ORP_OPINION, RequestState.DISTRICT_REVIEW,
                           users["okres-blansko"], req.district_note))
        if state in (RequestState.EVALUATED, RequestState.ADMITTED, RequestState.REFUSED):
            req.action_plan = ap if state != RequestState.REFUSED else None
            req.evaluation_note = "Ověřeny podmínky vstupu do sítě."
            events.append((EventKind.EVALUATION, RequestState.DISTRICT_REVIEW, RequestState.EVALUATED,
                           users["kraj-referent"], req.evaluation_note))
        if state in (RequestState.ADMITTED, RequestState.REFUSED):
            req.decided_by = users["kraj-schvalovatel"]
            req.decided_at = _aware(2025, 6, 18)
            if state == RequestState.ADMITTED:
                req.decision_tier = tiers["zakladni"]
                req.decision_reason = "Záměr je v souladu s akčním plánem na rok 2026."
            else:
                req.decision_reason = "Obce nedeklarovaly spolufinancování ve stanovené výši; záměr není v akčním plánu."
            events.append((EventKind.DECISION, RequestState.EVALUATED, state, req.decided_by, req.decision_reason))
        if state == RequestState.RETURNED:
            req.return_reason = "Doplňte rozpočet služby a odkaz na opatření komunitního plánu."
            events.append((EventKind.RETURNED, RequestState.SUBMITTED, RequestState.RETURNED, submitter,
                           req.return_reason))
        if state == RequestState.SUBMITTED:
            events.append((EventKind.COMMENT, state, state, users["kraj-referent"],
                           "Prosíme o doplnění údajů o cílové skupině."))
        req._history_user = submitter
        req._change_reason = REASON
        req.save()
        RequestEvent.objects.bulk_create([
            RequestEvent(request=req, kind=k, state_before=b, state_after=a, text=t, author=u)
            for k, b, a, u, t in events])
        RequestEvent.objects.filter(request=req).update(created_at=submitted)
        if state == RequestState.ADMITTED and service is not None:
            self._admit(req, service, draft, in_draft)
        return req

    def _admit(self, req, service, draft, in_draft):
        tiers = {t.code: t for t in Tier.objects.filter(parameters__region=self.region,
                                                        parameters__year=DRAFT_YEAR)}
        entry = in_draft.get(service.pk)
        if entry is None:
            e = self._entry(draft, service, tiers, status=EntryStatus.NEW, tier="zakladni", request=req)
            self._bulk_entries([e])
        else:
            entry.capacity += req.capacity
            entry.fte += req.fte
            entry.status = EntryStatus.EXPANDED
            entry.request = req
            entry._history_user = self.officer
            entry._change_reason = f"navýšení podle záměru „{req.title}“"
            entry.save()

    # --- co-financing ---------------------------------------------------------------------------------------
    def _kind_parameters(self, params) -> list[KindParameter]:
        """Illustrative per-kind exceptions: co-financing rates in the band (0 or 10–20 %), one budget limit."""
        kinds = {k.code: k for k in ServiceKind.objects.filter(code__in=DEMO_KIND_RATES.keys() | {"44"})}
        forms = {f.code: f for f in DeliveryForm.objects.all()}
        tiers = {t.code: t for t in params.tiers.all()}
        rows = []
        for code, form, tier, rate in DEMO_RATE_ROWS:
            if code in kinds and (form is None or form in forms) and (tier is None or tier in tiers):
                rows.append(KindParameter(parameters=params, kind=kinds[code], form=forms.get(form),
                                          tier=tiers.get(tier), cofinancing_rate=rate))
        if "44" in kinds:  # § 44 respite care: a lower budget limit for development requests
            rows.append(KindParameter(parameters=params, kind=kinds["44"], optimal_cost=Decimal(600_000)))
        return rows

    # --- district negotiation -------------------------------------------------------------------------------
    def _district(self):
        district = District.objects.filter(code="CZ0641").defer("boundary").first()
        if district is None:
            return
        author = _user("okres-blansko")
        DistrictComment.objects.bulk_create([
            DistrictComment(region=self.region, year=DRAFT_YEAR, district=district, author=author,
                            text="Na Boskovicku chybí kapacita pečovatelské služby ve večerních hodinách."),
            DistrictComment(region=self.region, year=DRAFT_YEAR, district=district, author=author,
                            text="Obce ORP Blansko potvrdily spolufinancování sociálně aktivizačních služeb."),
        ])
        proposals = [
            DistrictProposal(region=self.region, year=DRAFT_YEAR, district=district, author=author,
                             title="Návrh okresní sítě Blansko 2026",
                             text="Okresní tým navrhuje ponechat stávající služby v základní síti a zařadit záměr "
                                  "„Více míst pro klienty v Blansku“."),
            DistrictProposal(region=self.region, year=BASE_YEAR, district=district, author=author,
                             title="Návrh okresní sítě Blansko 2025", text="Ponechat síť beze změny.",
                             state=ProposalState.ACCEPTED, decided_by=self.officer, decided_at=_aware(2024, 6, 1),
                             decision_note="Návrh byl zapracován do sítě na rok 2025."),
        ]
        bulk_create_with_history(proposals, DistrictProposal, **self.kw)
