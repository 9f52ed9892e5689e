"""The one Settings class: BAOBAO_* environment variables, then baobao.toml, then defaults.

Nothing else in the application reads os.environ.
"""

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

ROOT = Path(__file__).resolve().parent.parent


class Robots(BaseModel):
    """One jurisdiction's group robots (baobao.toml [robots."<code>"])."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    wecom: str | None = None
    """Webhook URL of the jurisdiction office's WeCom (企业微信) group robot."""
    dingtalk: str | None = None
    """Webhook URL of its DingTalk (钉钉) group robot."""
    dingtalk_secret: str | None = None
    """The DingTalk robot's signing secret (SEC…), for its signed mode."""


class Settings(BaseSettings):
    """The installation's settings: BAOBAO_<NAME> environment variables, else the same keys
    (lower case) in baobao.toml in the working directory, else the defaults."""

    model_config = SettingsConfigDict(
        env_prefix="BAOBAO_",
        toml_file="baobao.toml",
        extra="ignore",
        validate_default=True,
        use_attribute_docstrings=True,
    )

    database_url: str = "sqlite:///baobao.db"
    """The database: sqlite:///FILE (one county) or postgresql://USER@HOST/NAME (psycopg 3).
    The --db option overrides it for one command."""
    database_pool: int = Field(default=10, ge=1, le=100)
    """Database connections one process keeps for its work: at most this many requests of the
    web application use the database at once, the others wait their turn (without holding up
    the server); jobs of the embedded scheduler may open up to 10 more. PostgreSQL must allow
    this many per process (max_connections)."""
    today: dt.date | None = None
    """Sets the clock every date rule reads (YYYY-MM-DD); unset: today in the time zone. The
    --today option overrides it for one command."""
    timezone: str = "Asia/Shanghai"
    """Time zone of the office: what "today" is, cron times, times shown on pages and in mail."""
    data_dir: Path = Path("data")
    """Folder of the files the application writes: evidence and photos, briefings, reviews,
    uploads, logs, the generated secret key, Prefect's files. Back it up with the database
    (./baobao backup does both)."""
    backup_dir: Path | None = None
    """Where ./baobao backup and the nightly backup write archives; unset: DATA_DIR/backups.
    Best on another disk; copy the archives off the machine."""
    config_dir: Path = ROOT / "config"
    """Folder holding policy.toml, checklist.toml and schedules.toml (point it at your own
    copies)."""
    base_url: str | None = None
    """The public address people open in their browser (what officers' phones reach, e.g.
    https://baobao.example.gov.cn); every link in mail, robot messages, invitations and QR
    codes starts with it. Unset: the address ./baobao serve was started on (this machine's
    network address when it listens on 0.0.0.0), which phones may not reach. An https://
    address also marks session cookies Secure."""
    secret_key: str | None = Field(default=None, min_length=32)
    """Signing key of sessions, one-tap links, invitations and API tokens (at least 32
    characters); give every machine serving one database the same value. Unset: a random key
    kept in DATA_DIR/secret_key, which serves one machine. Changing it signs everyone out."""
    trusted_proxies: Annotated[list[str], NoDecode] = []
    """Addresses or networks (comma-separated, e.g. 127.0.0.1,10.0.0.0/8) of the reverse
    proxies whose X-Forwarded-For and X-Forwarded-Proto headers are believed: the client's
    address (sign-in throttling counts per address) and https come from them. Empty: no
    forwarded header is believed and the client is the connecting peer."""

    smtp_host: str | None = None
    """Mail server; unset: mail is off and no message is queued for mail."""
    smtp_port: int = 25
    """Mail server port."""
    smtp_user: str | None = None
    """Mail login; unset: no login."""
    smtp_password: str | None = None
    """Mail password (never logged or stored in the database)."""
    smtp_security: Literal["none", "starttls", "ssl"] = "none"
    """Connection security: none, starttls or ssl (implicit TLS, usually port 465)."""
    smtp_sender: str = "baobao@localhost"
    """The From address of every mail."""

    wecom_webhook: str | None = None
    """WeCom group robot of the summary-level office (the county) when [robots] names none."""
    dingtalk_webhook: str | None = None
    """DingTalk group robot of the summary-level office when [robots] names none."""
    dingtalk_secret: str | None = None
    """Signing secret of that DingTalk robot."""
    robots: dict[str, Robots] = {}
    """Group robots by jurisdiction code: each office's digest goes to its own jurisdiction's
    robots. In baobao.toml a [robots."<code>"] table each; as an environment variable JSON, e.g.
    BAOBAO_ROBOTS='{"511000100000": {"wecom": "…"}}'."""

    test_pg_url: str = "postgresql+psycopg://127.0.0.1:5432/test"
    """Tests and benchmarks only: the PostgreSQL database they create their schemas in."""
    require_pg: bool = False
    """Tests only: fail, instead of skip, the PostgreSQL cases when that server is down."""

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _check_proxies(cls, value: list[str]) -> list[str]:
        import ipaddress

        for part in value:
            try:
                ipaddress.ip_network(part, strict=False)
            except ValueError:
                raise ValueError(f"不是地址或网段：{part}") from None
        return value

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


def configure(**overrides: Any) -> Settings:
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
