"""The fixed wording of a document, from its editable template (config/documents/<name>.toml):
values filled in with Jinja2, a value the template names but the document lacks an error
naming the file and key."""

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, StrictUndefined, Template, UndefinedError

from config.files import ConfigError, load_wording
from config.settings import get_settings
from config.wording_model import Wording


@lru_cache(maxsize=256)
def _template(text: str) -> Template:
    return Environment(undefined=StrictUndefined, keep_trailing_newline=False).from_string(text)


class Words:
    """One document's wording: text(key, **values) fills a template; key may be dotted
    ("sentences.tasks") for the tables of a file."""

    def __init__(self, name: str, model: type[Wording]):
        self.name, self.wording = name, load_wording(name, model)

    def template(self, key: str) -> str:
        """The raw template of a key."""
        head, _, tail = key.partition(".")
        value = getattr(self.wording, head)
        return str(value[tail] if tail else value)

    def text(self, key: str, **values: object) -> str:
        """The key's template filled with values; the "|" break marks removed."""
        return "".join(self.phrases(key, **values))

    def phrases(self, key: str, **values: object) -> list[str]:
        """The key's template filled with values, split at its "|" break marks."""
        try:
            return [_template(part).render(**values) for part in self.template(key).split("|")]
        except UndefinedError as exc:
            path = Path(get_settings().config_dir) / "documents" / f"{self.name}.toml"
            raise ConfigError(path, key, f"模板用到了本文件不提供的值：{exc.message}") from None
