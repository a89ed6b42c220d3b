"""Settings come from S3KG_* environment variables and refuse unsafe values."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from graph.settings import DEFAULT_BASE_IRI, Settings, default_store_path


def test_defaults_are_safe(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("S3KG_STORE", "S3KG_BASE_IRI", "S3KG_WRITE_TOKEN", "S3KG_QUERY_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.store == str(default_store_path())
    assert settings.base_iri == DEFAULT_BASE_IRI
    assert settings.read_only
    assert settings.query_timeout == 30
    assert settings.host == "127.0.0.1"


def test_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("S3KG_STORE", ":memory:")
    monkeypatch.setenv("S3KG_BASE_IRI", "https://kg.example.eu/")
    monkeypatch.setenv("S3KG_WRITE_TOKEN", "a-long-enough-secret-token")
    monkeypatch.setenv("S3KG_QUERY_TIMEOUT", "5.5")
    monkeypatch.setenv("S3KG_CORS_ORIGINS", "https://a.example, https://b.example")
    settings = Settings()
    assert settings.in_memory
    assert settings.base_iri == "https://kg.example.eu/"
    assert not settings.read_only
    assert settings.write_token is not None
    assert settings.write_token.get_secret_value() == "a-long-enough-secret-token"
    assert "a-long-enough" not in repr(settings)
    assert settings.query_timeout == 5.5
    assert settings.cors_origins == ["https://a.example", "https://b.example"]


def test_explicit_values_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("S3KG_STORE", "/somewhere")
    assert Settings(store=":memory:").in_memory


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        pytest.param("base_iri", "kg.example.eu", r"absolute http\(s\) IRI", id="relative-base"),
        pytest.param("base_iri", "https://kg.example.eu", "ending in '/'", id="base-no-slash"),
        pytest.param("write_token", "short", "at least 16", id="weak-token"),
        pytest.param("query_timeout", 0, "greater than 0", id="zero-timeout"),
        pytest.param("cors_origins", ["*"], "'*' is refused", id="cors-wildcard"),
        pytest.param("port", 70000, "less than or equal", id="bad-port"),
        pytest.param("unknown", 1, "Extra inputs", id="unknown-setting"),
    ],
)
def test_unsafe_values_are_refused(field: str, value: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Settings(**{field: value})  # type: ignore[arg-type]
