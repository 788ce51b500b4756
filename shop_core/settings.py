"""Runtime settings from environment variables, with embedded defaults for a laptop.

Unset DATABASE_URL means a SQLite file in the project folder, unset REDIS_URL means
in-process state and inline jobs, unset SMTP_URL means an outbox folder, unset
STRIPE_SECRET_KEY means the built-in test gateway.
"""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_DIR = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", case_sensitive=False)

    shop_name: str = "Juniper & Co."
    public_url: str = "http://localhost:3000"
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")
    data_dir: Path = PROJECT_DIR / "var"

    database_url: str = ""
    redis_url: str = ""
    smtp_url: str = ""
    email_from: str = "Juniper & Co. <hello@juniper.example>"
    stripe_secret_key: str = ""
    stripe_webhook_secret: str = ""
    secret_key: str = ""

    backend_url: str = "http://localhost:8000"
    tax_rate_bps: int = Field(default=800, ge=0, le=5000)  # 8.00 % on top of net prices
    shipping_flat: int = Field(default=495, ge=0)
    shipping_express: int = Field(default=1295, ge=0)
    shipping_free_over: int = Field(default=5000, ge=0)
    reservation_minutes: int = Field(default=30, ge=1)

    access_token_minutes: int = Field(default=15, ge=1, le=15)
    refresh_token_days: int = Field(default=30, ge=1)
    web_session_days: int = Field(default=30, ge=1)
    password_reset_minutes: int = Field(default=60, ge=5)

    rate_limit_login: str = "10/minute"
    rate_limit_register: str = "10/minute"
    rate_limit_password_reset: str = "5/minute"
    # Per client IP over product search and suggestions: generous for people typing,
    # a stop for scrapers hammering the full-text index.
    rate_limit_search: str = "300/minute"

    log_level: str = "INFO"

    @field_validator("data_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value if value.is_absolute() else PROJECT_DIR / value

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            url = self.database_url
            # Heroku-style URLs name the driver "postgres"; we always speak psycopg 3.
            for prefix in ("postgres://", "postgresql://"):
                if url.startswith(prefix):
                    return "postgresql+psycopg://" + url[len(prefix) :]
            return url
        return f"sqlite:///{self.data_dir / 'shop.db'}"

    @property
    def is_sqlite(self) -> bool:
        return self.effective_database_url.startswith("sqlite")

    @property
    def outbox_dir(self) -> Path:
        return self.data_dir / "outbox"

    @property
    def jwt_secret(self) -> str:
        """The signing key; generated once and kept in the data folder when not configured."""
        return self.secret_key or self._generated_secret("secret_key", "")

    @property
    def webhook_secret(self) -> str:
        """Stripe's endpoint secret, or the test gateway's own when Stripe is not configured."""
        return self.stripe_webhook_secret or self._generated_secret("webhook_secret", "whsec_")

    @property
    def uses_stripe(self) -> bool:
        return bool(self.stripe_secret_key)

    def _generated_secret(self, name: str, prefix: str) -> str:
        path = self.data_dir / name
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                with path.open("x") as fh:  # "x": the first process to start wins the race
                    fh.write(prefix + secrets.token_urlsafe(32))
            except FileExistsError:
                pass
        return path.read_text().strip()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def reload_settings() -> Settings:
    """Forget cached settings (tests change the environment)."""
    get_settings.cache_clear()
    return get_settings()
