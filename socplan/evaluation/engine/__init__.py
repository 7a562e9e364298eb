"""Framework-free evaluation engine: methodology as data, indicators, scoring, explanation,
benchmarking. No Django imports; numpy/pandas in, dataclasses/frames out. See docs/evaluation.md."""

from .defaults import default_jmk_2014
from .explain import Explanation, ExplanationRow, explain, explain_all, to_json_dict
from .indicators import COMPUTED_INDICATORS, INPUT_LABELS, compute_indicators, missing_inputs
from .methodology import (
    Criterion,
    Indicator,
    Methodology,
    MethodologyError,
    Scale,
    methodology_from_dict,
    methodology_to_dict,
    validate_methodology,
)
from .scoring import EvaluationResult, evaluate

__all__ = [
    "COMPUTED_INDICATORS",
    "INPUT_LABELS",
    "Criterion",
    "EvaluationResult",
    "Explanation",
    "ExplanationRow",
    "Indicator",
    "Methodology",
    "MethodologyError",
    "Scale",
    "compute_indicators",
    "default_jmk_2014",
    "evaluate",
    "explain",
    "explain_all",
    "methodology_from_dict",
    "methodology_to_dict",
    "missing_inputs",
    "to_json_dict",
    "validate_methodology",
]
