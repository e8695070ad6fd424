"""Cursor pagination for list operations, with opaque ``NextToken`` values.

moto's ``paginate`` helper needs the whole result list and scans it for every page; a
page here costs only the items it returns, whatever the size of the store. Tokens are
encoded with botocore's own token encoder and bound to the request's other parameters,
so a token used with different filters is rejected with ``InvalidNextToken``, as AWS does.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Callable, Iterable, Mapping, TypeVar, Union

from botocore.paginate import TokenDecoder, TokenEncoder

from .exceptions import InvalidNextToken

_PAGINATION_MEMBERS = ("NextToken", "MaxResults")
DEFAULT_PAGE_SIZE = 50  # a list call without MaxResults


def request_fingerprint(operation: str, params: Mapping[str, Any]) -> str:
    """A stable digest of the request minus its pagination members."""
    rest = {key: value for key, value in params.items() if key not in _PAGINATION_MEMBERS}
    text = json.dumps([operation, rest], sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


Position = Union[int, str]


def encode_next_token(fingerprint: str, position: Position) -> str:
    """A token that resumes at ``position``: an index, or the key of the first item of the next page."""
    return str(TokenEncoder().encode({"p": position, "f": fingerprint}))


def decode_next_token(token: str | None, fingerprint: str) -> Position | None:
    """The position a token resumes from, or None without a token."""
    if token is None:
        return None
    try:
        decoded = TokenDecoder().decode(token)
        position, bound_to = decoded["p"], decoded["f"]
    except (ValueError, TypeError, KeyError, UnicodeDecodeError, AttributeError):
        raise InvalidNextToken("The specified token isn't valid.") from None
    if isinstance(position, bool) or not isinstance(position, (int, str)) or bound_to != fingerprint:
        raise InvalidNextToken("The NextToken was issued for a different request. Repeat the request without it.")
    if isinstance(position, int) and position < 0:
        raise InvalidNextToken("The specified token isn't valid.")
    return position


def int_position(position: Position | None) -> int:
    """An index position (0 without a token); a token of another kind is invalid here."""
    if position is None:
        return 0
    if not isinstance(position, int):
        raise InvalidNextToken("The specified token isn't valid.")
    return position


Item = TypeVar("Item")
Rendered = TypeVar("Rendered")


def page_of(
    positioned: Iterable[tuple[Position, Item]], limit: int, fingerprint: str, render: Callable[[Item], Rendered]
) -> tuple[list[Rendered], str | None]:
    """One page: the first ``limit`` items rendered, and a token for the next page if one more follows.

    ``positioned`` yields the matching items from the request's start on, each with the position a
    token resumes at. It is read lazily and only one item past the page, so a page costs only what it
    returns; an item is rendered only if it is on the page.
    """
    page: list[Rendered] = []
    for position, item in positioned:
        if len(page) == limit:
            return page, encode_next_token(fingerprint, position)
        page.append(render(item))
    return page, None
