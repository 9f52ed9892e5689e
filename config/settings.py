"""The one Settings class: BAOBAO_* environment variables, then baobao.toml, then defaults.

Nothing else in the application reads os.environ.
"""

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

ROOT = Path(__file__).resolve().parent.parent


class Robots(BaseModel):
    """One jurisdiction's group robots (baobao.toml [robots."<code>"])."""

    model_config = ConfigDict(extra="forbid")

    wecom: str | None = None
    dingtalk: str | None = None
    dingtalk_secret: str | None = None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="BAOBAO_", toml_file="baobao.toml", extra="ignore", validate_default=True
    )

    database_url: str = "sqlite:///baobao.db"
    today: dt.date | None = None  # the clock override (--today)
    timezone: str = "Asia/Shanghai"
    data_dir: Path = Path("data")
    config_dir: Path = ROOT / "config"
    base_url: str = "http://127.0.0.1:8000"
    # Signing key of sessions, links, invitations and API tokens; set the same value on every
    # machine serving one database. None: a random key kept in DATA_DIR/secret_key.
    secret_key: str | None = Field(default=None, min_length=32)

    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_security: Literal["none", "starttls", "ssl"] = "none"
    smtp_sender: str = "baobao@localhost"

    wecom_webhook: str | None = None
    dingtalk_webhook: str | None = None
    dingtalk_secret: str | None = None
    # Per-jurisdiction robots by jurisdiction code; the three above are the fallback for the
    # summary-level office. Env form: BAOBAO_ROBOTS='{"511000100000": {"wecom": "…"}}'.
    robots: dict[str, Robots] = {}
    # Per-jurisdiction robots by jurisdiction code; the three above are the fallback for the
    # summary-level office. Env form: BAOBAO_ROBOTS='{"511000100000": {"wecom": "…"}}'.
    robots: dict[str, Robots] = {}

    # Test-suite settings: the PostgreSQL server used by the database fixture.
    test_pg_url: str = "postgresql+psycopg://127.0.0.1:5432/test"
    require_pg: bool = False

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))


@lru_cache(maxsize=1)
def _loaded() -> Settings:
    return Settings()


_override: Settings | None = None


def get_settings() -> Settings:
    """The settings in force: the configured override, else the environment's."""
    return _override or _loaded()


def configure(**overrides) -> Settings:
    """Override settings for this process (the CLI's --db and --today)."""
    global _override
    base = _loaded().model_dump()
    base.update({k: v for k, v in overrides.items() if v is not None})
    _override = Settings.model_validate(base)
    return _override


def reset() -> None:
    """Forget overrides and re-read the environment (tests)."""
    global _override
    _override = None
    _loaded.cache_clear()
