"""The blocks a briefing section is made of — a paragraph ("p"), a table ("table": caption,
headers, rows, note) or a chart ("chart": name) — and last quarter's figures where there are any.
"""

from typing import Any

Json = dict[str, Any]  # a block, a section, or the JSON-ready figures they are written from


def p(text: str) -> Json:
    return {"kind": "p", "text": text}


def table(caption: str, headers: list[str], rows: list[list[object]], note: str = "") -> Json:
    return {
        "kind": "table",
        "caption": caption,
        "headers": headers,
        "rows": [[str(cell) for cell in row] for row in rows],
        "note": note,
    }


def chart(name: str, caption: str) -> Json:
    return {"kind": "chart", "name": name, "caption": caption}


def before(c: Json, *keys: str) -> Any:
    """A figure of last quarter by its keys (c["prev"][k1][k2]…); None when the system held no
    data last quarter or the figure is missing."""
    value: Any = c["prev"]
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value
