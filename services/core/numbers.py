"""How numbers are shown: the one display of a rate (below reports and notifications, so that
every page, document, chart and message prints rates alike)."""


def rate_text(rate: float | None, *, sign: bool = False) -> str:
    """A rate as shown everywhere: "85.3%" ("+2.0%" with sign), or "—" when there was nothing
    to measure (services.figures.rates returns None then)."""
    if rate is None:
        return "—"
    return f"{rate * 100:{'+' if sign else ''}.1f}%"
