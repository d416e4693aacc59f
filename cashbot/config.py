"""Configuration: cashbot.toml, then CASHBOT_* environment variables, then secret files.

Precedence (highest first): environment, secret files, the TOML file, defaults. A secret file
is named like its environment variable (`CASHBOT_TELEGRAM__TOKEN`, `CASHBOT_DEV_CODE`) and lives
in the secrets directory (`CASHBOT_SECRETS_DIR`, default `/run/secrets` as Docker mounts them).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import ClassVar, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

DEFAULT_CONFIG_FILE = "cashbot.toml"
DEFAULT_SECRETS_DIR = "/run/secrets"
TELEGRAM_API_BASE = "https://api.telegram.org"
DEFAULT_CATEGORIES = [
    "Онлайн-касса",
    "Фискальный регистратор",
    "Терминал эквайринга",
    "Весы",
    "Принтер кухонный",
    "Планшет",
    "Сканер",
]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TOKEN_RE = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{20,}$")
_WEBHOOK_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # Telegram's rule for secret_token
_LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
TOKEN_RULE = (
    "a token is the bot's numeric id, a colon, then at least 20 Latin letters, digits, "
    "'_' or '-', like 123456789:AAE... from @BotFather (/mybots → API Token)"
)


def _token_problem(token: str) -> str:
    """What is wrong, without repeating the secret."""
    bot_id, colon, secret = token.partition(":")
    if not colon:
        return "no colon"
    if not bot_id.isascii() or not bot_id.isdigit() or len(bot_id) > 20:
        return "the part before the colon is not a number"
    if len(secret) < 20:
        return f"{len(secret)} characters after the colon"
    return "a character after the colon that is not a Latin letter, digit, '_' or '-'"


class ConfigError(Exception):
    """Configuration cannot be used; the message is one line saying what to fix."""


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WebhookSettings(Section):
    # The public HTTPS address Telegram posts updates to (e.g. behind a reverse proxy).
    url: str | None = None
    # The path the bot's own server answers on; default: the path of `url`.
    path: str | None = None
    listen_host: str = "127.0.0.1"
    listen_port: int = Field(default=8080, ge=1, le=65535)
    # Telegram sends it back in X-Telegram-Bot-Api-Secret-Token; unset: random at every start.
    secret: SecretStr | None = None

    @field_validator("url")
    @classmethod
    def _https_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        parts = urlsplit(value)
        local = parts.scheme == "http" and parts.hostname in _LOCAL_HOSTS
        if not (parts.scheme == "https" or local) or not parts.hostname:
            raise ValueError(f"webhook url must be an https:// URL (Telegram calls only https), got {value!r}")
        return value

    @field_validator("path")
    @classmethod
    def _absolute_path(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("/"):
            raise ValueError(f"webhook path must start with '/', got {value!r}")
        return value

    @field_validator("secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        secret = value.get_secret_value().strip()
        if not _WEBHOOK_SECRET_RE.match(secret):
            raise ValueError("webhook secret must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return SecretStr(secret)

    @property
    def local_path(self) -> str:
        return self.path or urlsplit(self.url or "").path or "/"


class TelegramSettings(Section):
    token: SecretStr | None = None
    api_base: str = TELEGRAM_API_BASE
    # polling: the bot asks Telegram (getUpdates); webhook: Telegram posts to the bot's server.
    mode: Literal["polling", "webhook"] = "polling"
    # Long-polling timeout (seconds) passed to getUpdates.
    polling_timeout: int = Field(default=30, ge=0, le=60)
    webhook: WebhookSettings = WebhookSettings()

    @model_validator(mode="after")
    def _webhook_needs_url(self) -> TelegramSettings:
        if self.mode == "webhook" and self.webhook.url is None:
            raise ValueError(
                "mode is 'webhook' but webhook.url is not set: give the public https:// address Telegram should post to"
            )
        return self

    @field_validator("token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        token = value.get_secret_value().strip()
        if not _TOKEN_RE.match(token):
            raise ValueError(f"malformed token ({_token_problem(token)}): {TOKEN_RULE}")
        return SecretStr(token)

    @field_validator("api_base")
    @classmethod
    def _api_base_is_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError(f"api_base must be an http(s) URL, got {value!r}")
        return value.rstrip("/")


class DatabaseSettings(Section):
    path: Path = Path("data/cashbot.sqlite3")


class AccessSettings(Section):
    # approval: admins approve every newcomer; open: a valid e-mail is enough.
    mode: Literal["approval", "open"] = "approval"
    # Allowed e-mail domains, e.g. ["example.ru"]; empty means any domain.
    email_domains: list[str] = []

    @field_validator("email_domains")
    @classmethod
    def _lower_domains(cls, value: list[str]) -> list[str]:
        return [d.strip().lower().lstrip("@") for d in value if d.strip()]


class UISettings(Section):
    page_size: int = Field(default=8, ge=3, le=30)


class QueueSettings(Section):
    hold_hours: int = Field(default=24, ge=1, le=24 * 14)


class RemindersSettings(Section):
    enabled: bool = True
    send_time: dt.time = dt.time(10, 0)
    days: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]] = [
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
    ]
    admin_digest: bool = True
    # How often the background loop wakes up (queue offers expire between daily runs).
    tick_seconds: float = Field(default=60, gt=0, le=3600)
    # Telegram's limits: ~30 messages/s overall, ~1/s per chat. Stay under them.
    global_rate: float = Field(default=25, gt=0, le=30)
    per_chat_interval: float = Field(default=1.0, ge=0, le=60)


class BackupSettings(Section):
    enabled: bool = True
    time: dt.time = dt.time(3, 0)
    keep: int = Field(default=7, ge=1, le=365)
    dir: Path | None = None  # default: <database dir>/backups


class HealthSettings(Section):
    # `cashbot health` fails when updates were last seen (a successful getUpdates, a webhook
    # request or the webhook self-check) longer ago than this.
    max_age: int = Field(default=120, ge=2, le=24 * 3600)


class LoggingSettings(Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    dir: Path | None = None  # default: <database dir>/logs
    max_bytes: int = Field(default=5_000_000, ge=10_000)
    backup_count: int = Field(default=5, ge=1, le=100)


class LabelsSettings(Section):
    """Label sheets (docs/labels.md): an A4 page of `columns` × `rows` stickers. Millimetres:
    the page margins around the grid, the gaps between labels, the blank edge inside each."""

    PAGE_WIDTH: ClassVar[float] = 210.0  # A4
    PAGE_HEIGHT: ClassVar[float] = 297.0

    columns: int = Field(default=3, ge=1, le=10)
    rows: int = Field(default=8, ge=1, le=30)
    margin_top: float = Field(default=0.5, ge=0, le=100)
    margin_bottom: float = Field(default=0.5, ge=0, le=100)
    margin_left: float = Field(default=0, ge=0, le=100)
    margin_right: float = Field(default=0, ge=0, le=100)
    gap_x: float = Field(default=0, ge=0, le=50)  # between columns
    gap_y: float = Field(default=0, ge=0, le=50)  # between rows
    padding: float = Field(default=3, ge=0, le=20)

    # Inside the padding: a 12 mm QR code with a nine-digit number beside it (printing.py).
    MIN_LABEL: ClassVar[tuple[float, float]] = (30.0, 12.0)

    @property
    def label_width(self) -> float:
        return (self.PAGE_WIDTH - self.margin_left - self.margin_right - (self.columns - 1) * self.gap_x) / self.columns

    @property
    def label_height(self) -> float:
        return (self.PAGE_HEIGHT - self.margin_top - self.margin_bottom - (self.rows - 1) * self.gap_y) / self.rows

    @model_validator(mode="after")
    def _labels_fit(self) -> LabelsSettings:
        width, height = self.label_width, self.label_height
        min_width, min_height = self.MIN_LABEL
        if width - 2 * self.padding < min_width or height - 2 * self.padding < min_height:
            raise ValueError(
                f"{self.columns} columns × {self.rows} rows with these margins, gaps and padding "
                f"leave {width:.1f} × {height:.1f} mm labels, {width - 2 * self.padding:.1f} × "
                f"{height - 2 * self.padding:.1f} mm inside the padding; at least {min_width:g} × "
                f"{min_height:g} mm is needed: use fewer columns or rows, or smaller margins"
            )
        return self


# Secret file name -> where its value goes in the settings.
SECRET_FILES = {
    "CASHBOT_TELEGRAM__TOKEN": ("telegram", "token"),
    "CASHBOT_DEV_CODE": ("dev_code",),
    "CASHBOT_TELEGRAM__WEBHOOK__SECRET": ("telegram", "webhook", "secret"),
}


class SecretFilesSource(PydanticBaseSettingsSource):
    """Reads only cashbot's own secret files, so a shared secrets folder (Docker, Kubernetes)
    may hold anything else, binary files included."""

    def __init__(self, settings_cls: type[BaseSettings], secrets_dir: Path | None):
        super().__init__(settings_cls)
        self.secrets_dir = secrets_dir

    def get_field_value(self, field, field_name):  # required by the base class; unused
        return None, field_name, False

    def __call__(self) -> dict:
        values: dict = {}
        if self.secrets_dir is None or not self.secrets_dir.is_dir():
            return values
        files = {f.name.upper(): f for f in self.secrets_dir.iterdir() if f.is_file()}
        for name, path in SECRET_FILES.items():
            if name in files:
                try:
                    value = files[name].read_text(encoding="utf-8").strip()
                except (OSError, UnicodeDecodeError) as error:
                    raise ValueError(f"secret file {files[name]} is unreadable: {error}") from None
                target = values
                for key in path[:-1]:
                    target = target.setdefault(key, {})
                target[path[-1]] = value
        return values


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CASHBOT_",
        env_nested_delimiter="__",
        extra="forbid",
    )

    # Set by load_settings on a subclass; ClassVars because sources are built per class.
    toml_file: ClassVar[Path | None] = None
    secrets_dir: ClassVar[Path | None] = None

    telegram: TelegramSettings = TelegramSettings()
    database: DatabaseSettings = DatabaseSettings()
    timezone: str = "Europe/Moscow"
    language: Literal["ru", "en"] = "ru"  # the default for people who chose none (cashbot/i18n.py)
    admins: list[int] = []
    developers: list[int] = []
    dev_code: SecretStr | None = None
    access: AccessSettings = AccessSettings()
    categories: list[str] = DEFAULT_CATEGORIES
    ui: UISettings = UISettings()
    queue: QueueSettings = QueueSettings()
    reminders: RemindersSettings = RemindersSettings()
    backups: BackupSettings = BackupSettings()
    logging: LoggingSettings = LoggingSettings()
    health: HealthSettings = HealthSettings()
    labels: LabelsSettings = LabelsSettings()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}, use an IANA name like 'Europe/Moscow'") from None
        return value

    @model_validator(mode="after")
    def _health_outlasts_a_poll(self) -> Settings:
        if self.telegram.mode == "polling" and self.health.max_age <= self.telegram.polling_timeout:
            raise ValueError(
                f"health.max_age ({self.health.max_age}) must be longer than "
                f"telegram.polling_timeout ({self.telegram.polling_timeout}): an idle "
                "getUpdates succeeds once per timeout"
            )
        return self

    @field_validator("dev_code")
    @classmethod
    def _strip_code(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        return SecretStr(value.get_secret_value().strip())

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [
            init_settings,
            env_settings,
            SecretFilesSource(settings_cls, cls.secrets_dir),
        ]
        if cls.toml_file is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=cls.toml_file))
        return tuple(sources)

    # Derived values, so every caller agrees on them.
    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def data_dir(self) -> Path:
        return self.database.path.parent

    @property
    def log_dir(self) -> Path:
        return self.logging.dir or self.data_dir / "logs"

    @property
    def backup_dir(self) -> Path:
        return self.backups.dir or self.data_dir / "backups"

    def require_token(self) -> str:
        if self.telegram.token is None:
            raise ConfigError(
                "telegram.token is not set: put the token from @BotFather into "
                "CASHBOT_TELEGRAM__TOKEN (or a secret file of that name)"
            )
        return self.telegram.token.get_secret_value()


def _describe(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "config"
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = "unknown key (check the spelling against README's configuration reference)"
        parts.append(f"{where}: {message}")
    return "; ".join(parts)


def load_settings(config_path: str | os.PathLike | None = None) -> Settings:
    """Read settings; raise ConfigError with one line saying what to fix.

    The file is `config_path`, else $CASHBOT_CONFIG, else ./cashbot.toml when it exists. A file
    that was asked for explicitly must exist.
    """
    explicit = config_path or os.environ.get("CASHBOT_CONFIG")
    toml_file: Path | None = None
    if explicit:
        toml_file = Path(explicit)
        if not toml_file.is_file():
            raise ConfigError(f"config file {str(toml_file)!r} not found (from --config or CASHBOT_CONFIG)")
    elif Path(DEFAULT_CONFIG_FILE).is_file():
        toml_file = Path(DEFAULT_CONFIG_FILE)
    secrets_dir = Path(os.environ.get("CASHBOT_SECRETS_DIR", DEFAULT_SECRETS_DIR))

    bound = type("Settings", (Settings,), {"toml_file": toml_file, "secrets_dir": secrets_dir})
    try:
        return bound()
    except ValidationError as error:
        raise ConfigError(f"bad configuration: {_describe(error)}") from None
    except ValueError as error:  # TOML syntax, undecodable JSON in an env var, ...
        text = " ".join(str(error).split())
        if "EnvSettingsSource" in text:
            text = text.split(" from source")[0] + " from the environment (lists are JSON, e.g. [123, 456])"
        elif toml_file is not None and "secret file" not in text:
            text = f"{toml_file}: {text}"
        raise ConfigError(f"bad configuration: {text}") from None
