"""The worked-example network of docs/financing.md (illustrative parameters of ``default_params(2025)``).

Each entry carries its municipal co-financing rate (``municipal_rate``, a share; the network's yearly parameter):
A and C entries 20 %, B entries 15 %, the D entry 10 % — all within the band 10–20 %.
"""

from decimal import Decimal

import pandas as pd

from socplan.finance.engine import default_params

PARAMS = default_params(2025)

# docs/financing.md §2.5 (A, B, C, D) and §3.4 (development requests R1–R3)
ROWS = [
    dict(service_id="A1", municipal_rate=Decimal("0.20"), kind="37", form="A", fte=Decimal("2.3333"), tier=0, weight=1, district="Brno-město",
         orp="Brno", target_group="osoby v krizi"),
    dict(service_id="B1", municipal_rate=Decimal("0.15"), kind="41", form="T", fte=Decimal("1.85"), users=120, tier=0, weight=1, district="Blansko",
         orp="Blansko", target_group="senioři"),
    dict(service_id="C1", municipal_rate=Decimal("0.20"), kind="57", form="P", beds=30, tier=0, weight=1, district="Brno-město", orp="Brno",
         target_group="osoby v krizi"),
    dict(service_id="D1", municipal_rate=Decimal("0.10"), kind="50", form="P", beds=48, tier=0, weight=1, district="Znojmo", orp="Znojmo",
         target_group="senioři"),
    dict(service_id="R1", municipal_rate=Decimal("0.20"), kind="65", form="T", fte=Decimal("2"), tier=1, weight=Decimal("1.2"), district="Znojmo",
         orp="Znojmo", target_group="rodiny s dětmi"),
    dict(service_id="R2", municipal_rate=Decimal("0.15"), kind="39", form="T", fte=Decimal("2.5"), tier=1, weight=1, district="Blansko",
         orp="Boskovice", target_group="osoby se zdravotním postižením"),
    dict(service_id="R3", municipal_rate=Decimal("0.20"), kind="69", form="T", fte=Decimal("1"), tier=2, weight=1, district="Blansko",
         orp="Blansko", target_group="osoby v krizi"),
]


def network() -> pd.DataFrame:
    return pd.DataFrame(ROWS)
