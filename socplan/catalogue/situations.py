"""Shipped catalogue data: life situations (`data/life_situations.json`) and plain-language descriptions of the
kinds of service (`data/kinds_plain.json`). Both are read once per process."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext, gettext_noop

DATA_DIR = Path(__file__).resolve().parent / "data"

# Forms in plain language (citizens do not know "terénní / ambulantní / pobytová").
# Czech here (documents, API, search index); pages translate them with gettext().
FORM_PLAIN = {
    "ter": gettext_noop("přijde za vámi domů"),
    "amb": gettext_noop("docházíte nebo dojíždíte do zařízení"),
    "pob": gettext_noop("pobyt s ubytováním"),
}
FORM_SHORT = {"ter": gettext_noop("u vás doma"), "amb": gettext_noop("návštěva zařízení"), "pob": gettext_noop("pobyt")}
FORM_NAMES = {"ter": "terénní", "amb": "ambulantní", "pob": "pobytová"}  # the registry's names (§ 33)
FORM_ORDER = ["ter", "amb", "pob"]


@dataclass(frozen=True)
class Situation:
    slug: str
    label: str
    description: str
    kinds: tuple[str, ...]
    target_groups: tuple[str, ...]

    def matches(self, kind_code: str, target_group_names: set[str]) -> bool:
        """A service helps in this situation when its kind is listed and it serves one of the listed groups
        (or the situation lists no groups, or the service has no target groups recorded)."""
        if kind_code not in self.kinds:
            return False
        if not self.target_groups or not target_group_names:
            return True
        return bool(target_group_names.intersection(self.target_groups))


@lru_cache(maxsize=1)
def situations() -> tuple[Situation, ...]:
    with open(DATA_DIR / "life_situations.json", encoding="utf-8") as fh:
        data = json.load(fh)
    return tuple(Situation(slug=s["slug"], label=s["label"], description=s["description"],
                           kinds=tuple(s["kinds"]), target_groups=tuple(s["target_groups"]))
                 for s in data["situations"])


def situation_by_slug(slug: str) -> Situation | None:
    return next((s for s in situations() if s.slug == slug), None)


def translated(s: Situation) -> Situation:
    """The situation with its label and description in the active language (for pages; the printed brochure
    and the API stay Czech). The texts are in the translation catalogue through ``SITUATION_MESSAGES``."""
    return replace(s, label=gettext(s.label), description=gettext(s.description))


# The labels and descriptions of data/life_situations.json, for makemessages (keep in step with the file; a text
# missing here is shown in Czech).
SITUATION_MESSAGES = (
    gettext_noop("Pečuji o blízkého člověka doma"),
    gettext_noop("Staráte se doma o rodiče, partnera nebo jiného blízkého, který už sám nezvládá "
                 "všechno? Tyto služby mohou s péčí pomoci, dát vám čas na odpočinek nebo poradit."),
    gettext_noop("Stárnu a potřebuji pomoc nebo nový domov"),
    gettext_noop("Domácnost, nákupy nebo péče o sebe jsou čím dál těžší? Pomoc může docházet k vám "
                 "domů, nebo můžete bydlet tam, kde je péče zajištěna po celý den."),
    gettext_noop("Přišel jsem o bydlení nebo mi to hrozí"),
    gettext_noop("Nemáte kde spát, hrozí vám vystěhování nebo bydlíte v nejistých podmínkách? Tyto "
                 "služby nabízejí nocleh, přechodné ubytování, jídlo, hygienu a pomoc s hledáním "
                 "bydlení."),
    gettext_noop("Zažívám násilí doma"),
    gettext_noop("Ubližuje vám někdo blízký, bojíte se doma? Nejste v tom sami: tyto služby pomohou "
                 "hned, bezpečně a důvěrně. V ohrožení života volejte 158 nebo 112."),
    gettext_noop("Jsem v krizi a potřebuji si promluvit"),
    gettext_noop("Stalo se něco, co nezvládáte? Zavolejte nebo přijďte – krizová pomoc a linky důvěry "
                 "vás vyslechnou a pomohou najít další krok."),
    gettext_noop("Mám zdravotní postižení a chci žít co nejsamostatněji"),
    gettext_noop("Pomoc v běžném dni, bydlení s podporou, nácvik dovedností pro práci a samostatný "
                 "život nebo tlumočení."),
    gettext_noop("Naše dítě se vyvíjí jinak nebo má postižení"),
    gettext_noop("Raná péče přijede za vámi domů a poradí s rozvojem dítěte; další služby vám dají čas "
                 "na odpočinek."),
    gettext_noop("Naše rodina prochází těžkým obdobím"),
    gettext_noop("Dluhy, problémy ve škole, hádky, hrozí odebrání dětí? Pracovník přijde do rodiny a "
                 "pomůže zvládnout, co je teď nejtěžší."),
    gettext_noop("Mám problém s alkoholem, drogami nebo hazardem"),
    gettext_noop("Anonymní pomoc, bezpečnější užívání, léčba a podpora po ní. Pomoc mohou hledat i "
                 "blízcí."),
    gettext_noop("Mám duševní onemocnění"),
    gettext_noop("Podpora v běžném životě, v práci a v bydlení; pomoc po pobytu v nemocnici."),
    gettext_noop("Jsem mladý člověk a potřebuji podporu"),
    gettext_noop("Místo, kam můžete přijít, někdo, kdo vyslechne, a pomoc po odchodu z dětského domova."),
    gettext_noop("Špatně slyším nebo vidím"),
    gettext_noop("Tlumočení, doprovod, předčítání a nácvik dovedností pro samostatný život."),
    gettext_noop("Potřebuji poradit (dluhy, dávky, práva, péče)"),
    gettext_noop("Odborné sociální poradenství je bezplatné. Poradí s dluhy, dávkami, bydlením, péčí o "
                 "blízkého i s právy pacientů."),
)


@lru_cache(maxsize=1)
def kinds_plain() -> dict[str, dict[str, str]]:
    with open(DATA_DIR / "kinds_plain.json", encoding="utf-8") as fh:
        data = json.load(fh)
    return {k: v for k, v in data.items() if not k.startswith("_")}


def kind_plain(code: str) -> dict[str, str]:
    return kinds_plain().get(code, {"what": "", "who": ""})
