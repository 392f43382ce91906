"""Settings: read once from the environment (and `.env`) in `bot.__main__`, then passed down."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Every setting Dala reads. `.env.example` documents each one (a test keeps them in step)."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    telegram_api_url: str = Field(default="https://api.telegram.org", alias="TELEGRAM_API_URL")
    database_url: str = Field(
        default=f"sqlite:///{ROOT / 'data' / 'dala.db'}", alias="DATABASE_URL"
    )
    admin_ids: Annotated[frozenset[int], NoDecode] = Field(default=frozenset(), alias="ADMIN_IDS")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", alias="LOG_LEVEL"
    )
    log_format: Literal["console", "json"] = Field(default="console", alias="LOG_FORMAT")
    fetch_timeout_s: float = Field(default=15.0, gt=0, alias="FETCH_TIMEOUT_S")
    fetch_max_bytes: int = Field(default=10 * 1024 * 1024, gt=0, alias="FETCH_MAX_BYTES")
    feed_interval_s: int = Field(default=900, ge=60, alias="FEED_INTERVAL_S")
    taxonomy_path: Path | None = Field(default=None, alias="TAXONOMY_PATH")
    seeds_dir: Path = Field(default=ROOT / "seeds", alias="SEEDS_DIR")
    default_timezone: str = Field(default="Asia/Almaty", alias="DEFAULT_TIMEZONE")
    digest_tick_s: int = Field(default=60, ge=5, alias="DIGEST_TICK_S")
    delivery_rate_per_s: float = Field(default=29.0, gt=0, le=30, alias="DELIVERY_RATE_PER_S")
    chat_interval_s: float = Field(default=1.0, ge=0, alias="CHAT_INTERVAL_S")
    claim_lease_s: int = Field(default=120, ge=5, alias="CLAIM_LEASE_S")
    delivery_retry_s: int = Field(default=300, ge=1, alias="DELIVERY_RETRY_S")

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p for p in value.replace(";", ",").replace(" ", ",").split(",") if p]
            try:
                return frozenset(int(p) for p in parts)
            except ValueError as exc:
                raise ValueError(
                    f"ADMIN_IDS must be Telegram user ids separated by commas, got {value!r}"
                ) from exc
        return value

    @property
    def token(self) -> str | None:
        return self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else None
