"""Framework-free engine of the regional network: entry conditions and the diff of two network
versions. No Django imports; dataclasses in, dataclasses out. See docs/network.md."""

from .conditions import (
    APPLIES_ALL,
    APPLIES_DEVELOPMENT,
    APPLIES_EXISTING,
    CONDITION_CODES,
    DEFAULT_RULES,
    ConditionParams,
    ConditionResult,
    ConditionRule,
    EntryCheck,
    EntryFacts,
    TerritoryUnit,
    check_entries,
    check_entry,
    checks_to_json,
)
from .diff import Change, DiffRow, NetworkDiff, Totals, diff_versions

__all__ = [
    "APPLIES_ALL", "APPLIES_DEVELOPMENT", "APPLIES_EXISTING", "CONDITION_CODES", "DEFAULT_RULES", "Change",
    "ConditionParams", "ConditionResult", "ConditionRule", "DiffRow", "EntryCheck", "EntryFacts", "NetworkDiff",
    "TerritoryUnit", "Totals", "check_entries", "check_entry", "checks_to_json", "diff_versions",
]
