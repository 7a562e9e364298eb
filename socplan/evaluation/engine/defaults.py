"""The default methodology: JMK 2014 criteria and weights with illustrative indicators and scales.

What is published and what is assumed
-------------------------------------
* **Published (JMK Metodika hodnocení, 2nd edition, May 2014; kr-jihomoravsky.cz ID=225197):** the six
  criteria and their weights – specifikum služby 24 %, jiné zdroje 12 %, nákladovost 20 %, výkonnost 24 %,
  provázanost a spolupráce 5 %, kvalita 15 % – and the fact that services are ranked and must reach a
  minimum number of points to stay in the network.
* **Published elsewhere:** the 60 : 40 reference for direct-care to other staff (Prague methodology),
  the JMK Pravidla 2023 kind groups A/B/C/D and their units (úvazek for A/B, lůžkoden for C/D).
* **Illustrative assumptions (NOT the real JMK tables, which were not available):** which indicators make up
  each criterion and their shares, every points scale, every reference/normative value, minimum occupancies,
  the output measure per kind (clients / contacts / interventions) and the 50-point network threshold.
  The region replaces them with its own data; nothing in the engine depends on these numbers.
"""

from __future__ import annotations

from .methodology import Criterion, Indicator, Methodology, Scale

#: JMK Pravidla 2023 groups: A = prevention + counselling amb/ter, B = care amb/ter, C = prevention
#: residential, D = care residential. "k:pob" keys override the group of mixed-form kinds.
JMK_KIND_GROUPS: dict[str, str] = {
    "37": "A",
    **{k: "B" for k in ("39", "40", "41", "42", "43", "44", "45", "46")},
    **{k: "D" for k in ("44:pob", "47", "48", "49", "50", "51", "52")},
    **{k: "A" for k in ("54", "55", "56", "59", "60", "60a", "61", "62", "63", "64", "65", "66", "67", "69", "70")},
    **{k: "C" for k in ("57", "58", "68", "60:pob", "60a:pob", "64:pob", "70:pob")},
}

#: Output measure of non-residential kinds (illustrative, after the usual registry capacity unit).
CLIENT_KINDS = ("39", "40", "41", "42", "43", "44", "45", "46", "54", "63", "65", "66", "67", "70")
CONTACT_KINDS = ("55", "59", "61", "62", "69")
INTERVENTION_KINDS = ("37", "56", "60", "60a", "64")
RESIDENTIAL_GROUPS = ("C", "D")

# --- illustrative scales (max 10 points) ---------------------------------------------------------------
#: cost relative to the normative, lower is better: ≤ 90 % → 10, ≤ 100 % → 8, ≤ 110 % → 5, ≤ 125 % → 2, more → 0
COST_SCALE = Scale((0.90, 1.00, 1.10, 1.25), (10, 8, 5, 2, 0))
#: output / staffing / other sources relative to the reference, higher is better
RELATIVE_HIGHER_SCALE = Scale((0.70, 0.80, 0.90, 1.00), (0, 2, 4, 7, 10))
#: occupancy relative to the kind's minimum occupancy (stricter)
OCCUPANCY_SCALE = Scale((0.85, 0.90, 0.95, 1.00), (0, 2, 4, 7, 10))
#: share of direct-care FTE in all FTE (absolute), reference 60 %
DIRECT_SHARE_SCALE = Scale((0.40, 0.50, 0.55, 0.60), (0, 2, 4, 7, 10))
#: entered grade 0–3 (0 = nevyhovuje, 1 = s výhradami, 2 = dobře, 3 = výborně)
GRADE_SCALE = Scale((1, 2, 3), (0, 4, 7, 10))

GRADE_DESCRIPTION = "Stupeň 0–3 zadaný krajem: 0 nevyhovuje, 1 s výhradami, 2 dobře, 3 výborně."


def _only(keys, scale) -> dict:
    """Scale for the given keys, not applicable elsewhere."""
    return {"*": None, **{k: scale for k in keys}}


def default_jmk_2014(year: int = 2026) -> Methodology:
    """Build the default methodology for ``year`` (see the module docstring for published vs. assumed)."""
    criteria = (
        Criterion("SPEC", "Specifikum služby", 24.0),
        Criterion("ZDROJE", "Jiné zdroje", 12.0),
        Criterion("NAKL", "Nákladovost", 20.0),
        Criterion("VYK", "Výkonnost", 24.0),
        Criterion("PROV", "Provázanost a spolupráce", 5.0),
        Criterion("KVAL", "Kvalita", 15.0),
    )
    non_residential_clients = {k: RELATIVE_HIGHER_SCALE for k in CLIENT_KINDS}
    non_residential_clients.update({f"{k}:pob": None for k in ("44", "70")})
    indicators = (
        Indicator(
            code="assess_specifics",
            name="Specifikum cílové skupiny a služby",
            criterion="SPEC",
            direction="assessment",
            scales={"*": GRADE_SCALE},
            unit="stupeň",
            value_range=(0, 3),
            description=GRADE_DESCRIPTION + " Posuzuje specifika cílové skupiny a nezastupitelnost služby.",
        ),
        Indicator(
            code="other_sources_share",
            name="Podíl jiných zdrojů na rozpočtu",
            criterion="ZDROJE",
            direction="higher",
            relative=True,
            scales={"*": RELATIVE_HIGHER_SCALE},
            references={"A": 0.15, "B": 0.45, "C": 0.30, "D": 0.60},
            unit="podíl",
            description="(úhrady uživatelů + zdravotní pojišťovny + obce + zřizovatel + ostatní) / náklady; "
            "bez dotace MPSV a kraje.",
        ),
        Indicator(
            code="cost_per_fte",
            name="Náklady na úvazek v přímé péči",
            criterion="NAKL",
            direction="lower",
            share=3.0,
            relative=True,
            scales={"*": COST_SCALE, "C": None, "D": None},
            references={"A": 850_000, "B": 800_000, "37": 900_000, "39": 750_000, "40": 780_000, "41": 1_100_000},
            unit="Kč/úvazek/rok",
            description="Celkové roční náklady / úvazky v přímé péči (skupiny A a B).",
        ),
        Indicator(
            code="cost_per_bed_day",
            name="Náklady na lůžkoden",
            criterion="NAKL",
            direction="lower",
            share=3.0,
            relative=True,
            scales=_only(RESIDENTIAL_GROUPS, COST_SCALE),
            references={
                "C": 700, "57": 600, "58": 750, "68": 1_300, "60:pob": 1_500, "60a:pob": 1_500,
                "D": 2_000, "47": 1_900, "48": 2_300, "49": 1_900, "50": 2_100, "51": 1_800, "52": 1_100,
            },
            unit="Kč/lůžkoden",
            description="Celkové roční náklady / realizované lůžkodny (skupiny C a D).",
        ),
        Indicator(
            code="direct_care_share",
            name="Podíl úvazků v přímé péči",
            criterion="NAKL",
            direction="higher",
            share=1.0,
            scales={"*": DIRECT_SHARE_SCALE},
            references={"*": 0.60},
            unit="podíl",
            value_range=(0, 1),
            description="Úvazky v přímé péči / všechny úvazky; referenční poměr 60 : 40.",
        ),
        Indicator(
            code="occupancy",
            name="Obložnost",
            criterion="VYK",
            direction="higher",
            relative=True,
            scales=_only(RESIDENTIAL_GROUPS, OCCUPANCY_SCALE),
            references={"C": 0.80, "68": 0.85, "D": 0.95, "44:pob": 0.80, "47": 0.85, "51": 0.90, "52": 0.85},
            unit="podíl",
            description="Realizované lůžkodny / (kapacita lůžek × dny v roce); reference = minimální obložnost.",
        ),
        Indicator(
            code="clients_per_fte",
            name="Počet klientů na úvazek v přímé péči",
            criterion="VYK",
            direction="higher",
            relative=True,
            scales={"*": None, **non_residential_clients},
            references={
                "*": 10, "39": 4, "40": 15, "41": 40, "42": 15, "43": 6, "44": 8, "45": 10, "46": 5,
                "54": 12, "63": 60, "65": 12, "66": 20, "67": 6, "70": 10,
            },
            unit="klientů/úvazek",
            description="Počet klientů za rok / úvazky v přímé péči.",
        ),
        Indicator(
            code="contacts_per_fte",
            name="Počet kontaktů na úvazek v přímé péči",
            criterion="VYK",
            direction="higher",
            relative=True,
            scales=_only(CONTACT_KINDS, RELATIVE_HIGHER_SCALE),
            references={"*": 2_500, "55": 3_000},
            unit="kontaktů/úvazek",
            description="Počet kontaktů (10 min) za rok / úvazky v přímé péči.",
        ),
        Indicator(
            code="interventions_per_fte",
            name="Počet intervencí na úvazek v přímé péči",
            criterion="VYK",
            direction="higher",
            relative=True,
            scales={**_only(INTERVENTION_KINDS, RELATIVE_HIGHER_SCALE), "60:pob": None, "60a:pob": None,
                    "64:pob": None},
            references={"*": 1_200},
            unit="intervencí/úvazek",
            description="Počet intervencí (30 min) za rok / úvazky v přímé péči.",
        ),
        Indicator(
            code="assess_cooperation",
            name="Spolupráce s dalšími službami",
            criterion="PROV",
            direction="assessment",
            scales={"*": GRADE_SCALE},
            unit="stupeň",
            value_range=(0, 3),
            description=GRADE_DESCRIPTION,
        ),
        Indicator(
            code="assess_community_planning",
            name="Zapojení do komunitního plánování",
            criterion="PROV",
            direction="assessment",
            scales={"*": GRADE_SCALE},
            unit="stupeň",
            value_range=(0, 3),
            description=GRADE_DESCRIPTION,
        ),
        Indicator(
            code="assess_inspection",
            name="Výsledek inspekce kvality",
            criterion="KVAL",
            direction="assessment",
            scales={"*": GRADE_SCALE},
            unit="stupeň",
            value_range=(0, 3),
            description=GRADE_DESCRIPTION + " 3 = bez zjištění, 0 = závažná neodstraněná zjištění.",
        ),
        Indicator(
            code="assess_complaints",
            name="Stížnosti",
            criterion="KVAL",
            direction="assessment",
            scales={"*": GRADE_SCALE},
            unit="stupeň",
            value_range=(0, 3),
            description=GRADE_DESCRIPTION + " 3 = žádné oprávněné stížnosti.",
        ),
        Indicator(
            code="fte_per_capacity",
            name="Úvazky v přímé péči na lůžko",
            criterion="KVAL",
            direction="higher",
            relative=True,
            scales=_only(RESIDENTIAL_GROUPS, RELATIVE_HIGHER_SCALE),
            references={"C": 0.15, "57": 0.08, "68": 0.45, "D": 0.50, "48": 0.60, "49": 0.45, "50": 0.55,
                        "51": 0.40, "52": 0.30},
            unit="úvazků/lůžko",
            description="Úvazky v přímé péči / kapacita lůžek (personální zajištění, skupiny C a D).",
        ),
    )
    return Methodology(
        code="JMK-2014",
        name="Metodika hodnocení registrovaných sociálních služeb JMK (2014), výchozí nastavení",
        year=int(year),
        version=1,
        criteria=criteria,
        indicators=indicators,
        kind_groups=dict(JMK_KIND_GROUPS),
        thresholds={"*": 50.0},
        max_points=10.0,
        notes="Váhy kritérií podle Metodiky JMK 2014; ukazatele, stupnice, reference a práh jsou ilustrativní.",
    )
