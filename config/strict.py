"""The base of every configuration model: unknown keys refused, values frozen, and each
field's docstring kept as its description (docs/configuration.md is generated from them)."""

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)
