"""How an entity is keyed in the roster's SQL: by any identifier, and a codeless entity by its
name (blanks ignored) within its jurisdiction."""

CODE_FIELDS = ("credit_code", "licence_no", "registration_no")


def codeless(row: str) -> str:
    """SQL: the row (table alias) has no identifier at all."""
    return " AND ".join(f"{row}.{c} IS NULL" for c in CODE_FIELDS)


def name_key(row: str, name: str = "name") -> str:
    """SQL: a codeless row's key within its jurisdiction, its name without blanks (else NULL)."""
    return f"CASE WHEN {codeless(row)} THEN REPLACE({row}.{name}, ' ', '') END"
