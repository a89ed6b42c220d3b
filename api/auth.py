"""Who may write: the holder of ``S3KG_WRITE_TOKEN``, sent as ``Authorization: Bearer <token>``.

Without a configured token the service is read-only and every write gets 403 saying so; with
one, a missing or wrong token gets 401 with a ``WWW-Authenticate`` challenge. The comparison
takes the same time whatever the token sent, so timing does not reveal it.

>>> from graph.settings import Settings
>>> secret = "s" * 20
>>> check_write(f"Bearer {secret}", Settings(store=":memory:", write_token=secret))
>>> check_write("Bearer nope", Settings(store=":memory:", write_token=secret))
Traceback (most recent call last):
...
api.errors.UnauthorizedError: the bearer token is not the write token of this service
>>> check_write(None, Settings(store=":memory:"))  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
graph.errors.ReadOnlyError: this s3kg service is read-only: it has no write token ...
"""

from __future__ import annotations

import hmac

from api.errors import UnauthorizedError
from graph.errors import ReadOnlyError
from graph.settings import Settings


def check_write(authorization: str | None, settings: Settings) -> None:
    """Raise unless the ``Authorization`` header carries the write token."""
    if settings.write_token is None:
        raise ReadOnlyError(
            "this s3kg service is read-only: it has no write token (S3KG_WRITE_TOKEN), "
            "so it accepts no updates or uploads"
        )
    scheme, _, given = (authorization or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise UnauthorizedError(
            "writing needs the write token: send 'Authorization: Bearer <token>'"
        )
    expected = settings.write_token.get_secret_value().encode()
    if not hmac.compare_digest(given.strip().encode(), expected):
        raise UnauthorizedError(
            "the bearer token is not the write token of this service", token_given=True
        )
