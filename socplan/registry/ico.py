"""IČO (identifikační číslo osoby): 8 digits, the last one a mod-11 check digit. Framework-free."""

from __future__ import annotations

WEIGHTS = (8, 7, 6, 5, 4, 3, 2)


def ico_check_digit(first7: str) -> int:
    """Check digit for the first seven digits: r = Σ wᵢ·dᵢ mod 11; r=0 → 1, r=1 → 0, else 11 − r."""
    r = sum(w * int(d) for w, d in zip(WEIGHTS, first7, strict=True)) % 11
    return 1 if r == 0 else 0 if r == 1 else 11 - r


def ico_normalise(value) -> str:
    """'3593207' → '03593207' (IČO written without leading zeros, as numbers sometimes are)."""
    text = str(value).strip().replace(" ", "")
    if text.isdigit() and len(text) < 8:
        text = text.zfill(8)
    return text


def ico_is_valid(value) -> bool:
    text = str(value)
    return len(text) == 8 and text.isdigit() and ico_check_digit(text[:7]) == int(text[7])
