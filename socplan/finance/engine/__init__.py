"""Framework-free financing engine: optimal support, allocation, financial chapter, co-financing
split, settlement and overcompensation. No Django imports; see docs/financing.md for the formulas."""

from .allocation import (
    AllocationResult,
    KindBounds,
    TierOutcome,
    allocate_rules,
    compare_allocations,
    to_json_dict,
)
from .chapter import (
    SOURCE_RULES,
    computed_sources,
    cost_table,
    planned_sources,
    share_pct,
    source_split,
    sources_table,
    state_need,
    year_on_year,
)
from .cofinancing import (
    EntryShare,
    MunicipalSplit,
    SplitMethod,
    StatementResult,
    cofinancing_statement,
    municipal_amounts,
    municipal_statement,
    municipality_totals,
    required_share,
    required_shares,
    split_municipal_share,
    statement_text,
)
from .optimise import BOUND_LABEL, GroupLimits, allocate_optimise, binding, damping_floors
from .params import KINDS, FinanceParams, Form, Group, Kind, Rate, Source, Unit, default_params
from .settlement import (
    INELIGIBLE_COSTS,
    EntrustmentCheck,
    SettlementParams,
    YearAccount,
    YearSettlement,
    check_entrustment,
    settle_year,
)
from .support import InputError, SupportResult, compute_support

__all__ = [
    "BOUND_LABEL", "GroupLimits", "INELIGIBLE_COSTS", "SOURCE_RULES", "KINDS", "AllocationResult", "EntryShare", "EntrustmentCheck", "FinanceParams", "Form",
    "Group", "InputError", "Kind", "KindBounds", "MunicipalSplit", "Rate", "SettlementParams", "Source",
    "SplitMethod", "StatementResult", "SupportResult", "TierOutcome", "Unit", "YearAccount", "YearSettlement",
    "allocate_optimise", "allocate_rules", "binding", "check_entrustment", "cofinancing_statement", "compare_allocations", "computed_sources",
    "compute_support", "cost_table", "damping_floors", "default_params", "municipal_amounts", "municipal_statement",
    "municipality_totals", "planned_sources", "required_share", "required_shares", "settle_year", "share_pct",
    "source_split", "sources_table", "split_municipal_share", "state_need", "statement_text", "to_json_dict",
    "year_on_year",
]
