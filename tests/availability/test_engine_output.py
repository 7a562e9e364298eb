"""``to_json_dict``: the --json output of ``socplan accessibility``."""

import json

import numpy as np

from socplan.availability.engine import AccessibilityModel, DemandPoints, Facilities, to_json_dict

from .toy import CAP, POP, toy_costs


def test_to_json_dict_shape_and_values():
    model = AccessibilityModel(toy_costs())
    fac = Facilities.build(
        ids=["X", "Y", "Z", "W"],
        kind=["13", "13", "13", "4"],
        capacity=[30, 10, 20.5, 3],
        site=[0, 1, 2, 0],
        obec=["582786", "583201", "584321", "582786"],
        lat=[49.19, 49.2, 49.3, 49.19],
        lon=[16.6, 16.7, 16.8, 16.6],
    )
    res = model.compute(POP, model.supply(fac, kinds=["13"]))
    demand = DemandPoints(
        codes=np.array(["582786", "583201", "584321", "585068"], dtype=object),
        population=POP,
        lat=np.array([49.19, 49.2, 49.3, np.nan]),
        lon=np.array([16.6, 16.7, 16.8, 17.6]),
    )
    out = to_json_dict(
        kind="13", method="2sfca", radius_km=30, demand=demand, values=res.access[:, 0], facilities=fac
    )
    assert json.loads(json.dumps(out)) == out  # plain JSON types only
    assert set(out) == {"kind", "method", "radius_km", "results", "facilities"}
    assert out["kind"] == "13" and out["method"] == "2sfca" and out["radius_km"] == 30.0
    assert [r["obec"] for r in out["results"]] == ["582786", "583201", "584321", "585068"]
    assert out["results"][1]["population"] == 2000 and isinstance(out["results"][1]["population"], int)
    assert out["results"][3]["lat"] is None  # non-finite becomes null
    # only the facilities of the kind, exactly as used
    assert [f["id"] for f in out["facilities"]] == ["X", "Y", "Z"]
    assert out["facilities"][0] == {"id": "X", "obec": "582786", "lat": 49.19, "lon": 16.6, "capacity": 30}
    assert out["facilities"][2]["capacity"] == 20.5
    assert out["results"][3]["value"] == float(res.access[3, 0])
    assert sum(CAP) == 60  # toy capacities unchanged
