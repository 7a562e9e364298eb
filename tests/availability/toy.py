"""The 4×3 toy case of docs/availability.md §4 (4 obce A–D, 3 facilities X–Z, costs in km)."""

import numpy as np

from socplan.availability.engine import costs_from_pairs

OBCE = ["A", "B", "C", "D"]
POP = np.array([1000.0, 2000.0, 500.0, 1500.0])
SITES = ["X", "Y", "Z"]
CAP = np.array([30.0, 10.0, 20.0])
CUTOFF = 30.0

# full cost table (km); pairs above the 30 km cut-off are dropped when the structure is built
COST = {
    ("A", "X"): 5, ("A", "Y"): 25, ("A", "Z"): 40,
    ("B", "X"): 15, ("B", "Y"): 5, ("B", "Z"): 30,
    ("C", "X"): 40, ("C", "Y"): 15, ("C", "Z"): 10,
    ("D", "X"): 50, ("D", "Y"): 35, ("D", "Z"): 20,
}  # fmt: skip

# obec-to-obec costs (km, symmetric) for the what-if "add capacity in obec D"
OBEC_COST = {
    ("A", "A"): 0, ("A", "B"): 10, ("A", "C"): 35, ("A", "D"): 50,
    ("B", "B"): 0, ("B", "C"): 20, ("B", "D"): 30,
    ("C", "C"): 0, ("C", "D"): 15,
    ("D", "D"): 0,
}  # fmt: skip


def toy_costs(with_obec_sites: bool = False):
    sites = (OBCE if with_obec_sites else []) + SITES
    oi, si, c = [], [], []
    for (o, s), v in COST.items():
        oi.append(OBCE.index(o))
        si.append(sites.index(s))
        c.append(v)
    if with_obec_sites:
        for (a, b), v in OBEC_COST.items():
            for o, s in {(a, b), (b, a)}:
                oi.append(OBCE.index(o))
                si.append(sites.index(s))
                c.append(v)
    obec_site = np.arange(4) if with_obec_sites else None
    return costs_from_pairs(OBCE, sites, np.array(oi), np.array(si), np.array(c, float),
                            cutoff=CUTOFF, obec_site=obec_site)  # fmt: skip
