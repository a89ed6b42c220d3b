"""All of s3kg's settings in one place.

Each setting can be given as an environment variable ``S3KG_<NAME>`` (``S3KG_STORE``,
``S3KG_BASE_IRI``, ``S3KG_WRITE_TOKEN``, ``S3KG_QUERY_TIMEOUT``, ...) or passed explicitly:

>>> s = Settings(store=":memory:", base_iri="https://example.org/s3/")
>>> s.in_memory, s.base_iri, s.read_only
(True, 'https://example.org/s3/', True)

Unsafe or nonsensical values are refused when the settings are built:

>>> Settings(store=":memory:", write_token="short")
Traceback (most recent call last):
...
pydantic_core._pydantic_core.ValidationError: 1 validation error for Settings
write_token
  Value error, the write token must be at least 16 characters long ...
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import platformdirs
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

MEMORY = ":memory:"
DEFAULT_BASE_IRI = "https://w3id.org/s3kg/"


def default_store_path() -> Path:
    """The per-user data directory where the store lives when nothing else is said."""
    return Path(platformdirs.user_data_dir("s3kg", appauthor=False)) / "store"


class Settings(BaseSettings):
    """s3kg settings, read from ``S3KG_*`` environment variables unless given explicitly."""

    model_config = SettingsConfigDict(env_prefix="S3KG_", extra="forbid", frozen=True)

    store: str = Field(
        default_factory=lambda: str(default_store_path()),
        description="Store location: a directory for the on-disk store, or ':memory:'.",
    )
    base_iri: str = Field(
        default=DEFAULT_BASE_IRI,
        description="Base of the IRIs s3kg mints for its own entities and graphs.",
    )
    write_token: SecretStr | None = Field(
        default=None,
        description="Bearer token that allows writes through the API; unset means read-only.",
    )
    query_timeout: float = Field(
        default=30.0, gt=0, le=3600, description="Time limit of a public query, in seconds."
    )
    max_rows: int = Field(
        default=100_000, gt=0, description="Most result rows a public query returns."
    )
    max_body_bytes: int = Field(
        default=10 * 1024 * 1024, gt=0, description="Largest request body the API accepts."
    )
    host: str = Field(default="127.0.0.1", description="Address the server listens on.")
    port: int = Field(default=8000, ge=0, le=65535, description="Port the server listens on.")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Origins allowed by CORS (comma-separated in the environment).",
    )
    query_workers: int = Field(
        default=2,
        ge=0,
        le=64,
        description=(
            "Worker processes that run public queries over a read-only snapshot, so a query past "
            "its time limit can be stopped; 0 runs them in threads, where it cannot."
        ),
    )
    result_memo_bytes: int = Field(
        default=64 * 1024 * 1024,
        ge=0,
        description=(
            "Bytes of answers the server keeps to give again while the data stays the same "
            "(public SPARQL queries, named queries, entity pages), and as many bytes of the "
            "finished responses carrying them; 0 keeps none."
        ),
    )
    snapshot_dir: str | None = Field(
        default=None,
        description=(
            "Where the query workers' snapshots go; default: next to the store "
            "('<store>-snapshots'), on the same file system so that snapshots are hard links."
        ),
    )
    dump_dir: str | None = Field(
        default=None,
        description="Where the downloadable dumps are written; default: a temporary directory.",
    )
    public_url: str | None = Field(
        default=None,
        description=(
            "The service's public address (e.g. 'https://kg.example.eu/') used in descriptions "
            "and links; default: the address each request was sent to."
        ),
    )
    license: str = Field(
        default="http://publications.europa.eu/resource/authority/licence/CC_BY_4_0",
        description="Licence of the published data (an EU licence authority table IRI).",
    )

    @field_validator("base_iri")
    @classmethod
    def _base_iri_is_absolute(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")) or not value.endswith(("/", "#")):
            raise ValueError(
                f"the base IRI must be an absolute http(s) IRI ending in '/' or '#', got {value!r}"
            )
        return value

    @field_validator("write_token")
    @classmethod
    def _token_is_strong(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 16:
            raise ValueError(
                "the write token must be at least 16 characters long "
                "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe())')"
            )
        return value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("cors_origins")
    @classmethod
    def _no_wildcard_origin(cls, value: list[str]) -> list[str]:
        if "*" in value:
            raise ValueError("list the allowed CORS origins explicitly; '*' is refused")
        return value

    @field_validator("public_url")
    @classmethod
    def _public_url_is_absolute(cls, value: str | None) -> str | None:
        if value is not None and (
            not value.startswith(("http://", "https://")) or not value.endswith("/")
        ):
            raise ValueError(
                f"the public URL must be an absolute http(s) URL ending in '/', got {value!r}"
            )
        return value

    @property
    def in_memory(self) -> bool:
        """True when the store lives in memory only (tests, throw-away demos)."""
        return self.store == MEMORY

    @property
    def read_only(self) -> bool:
        """True when no write token is configured: the API then refuses every write."""
        return self.write_token is None
