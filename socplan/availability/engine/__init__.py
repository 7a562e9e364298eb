"""Framework-free spatial accessibility engine: distances, 2SFCA/E2SFCA/BFCA, coverage, location.

No Django imports here: numpy / scipy / pandas in, arrays and dataclasses out.
"""

from .coverage import capacity_gap, coverage_per_1000, coverage_table, estimate_need, required_capacity
from .distance import (
    EARTH_RADIUS_KM,
    CostStructure,
    build_distance_costs,
    costs_from_pairs,
    haversine_km,
    load_travel_time_csv,
    unit_vectors,
)
from .fca import (
    NO_DECAY,
    AccessibilityModel,
    Balanced,
    Facilities,
    FcaResult,
    GaussianDecay,
    NoDecay,
    StepDecay,
    WhatIfResult,
    reach_matrix,
)
from .location import LocationResult, coverage_matrix, existing_coverage, maximal_covering
from .output import DemandPoints, to_json_dict

__all__ = [
    "EARTH_RADIUS_KM",
    "NO_DECAY",
    "AccessibilityModel",
    "Balanced",
    "CostStructure",
    "DemandPoints",
    "Facilities",
    "FcaResult",
    "GaussianDecay",
    "LocationResult",
    "NoDecay",
    "StepDecay",
    "WhatIfResult",
    "build_distance_costs",
    "capacity_gap",
    "costs_from_pairs",
    "coverage_matrix",
    "coverage_per_1000",
    "coverage_table",
    "estimate_need",
    "existing_coverage",
    "haversine_km",
    "load_travel_time_csv",
    "maximal_covering",
    "reach_matrix",
    "required_capacity",
    "to_json_dict",
    "unit_vectors",
]
