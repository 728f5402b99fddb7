"""Four per-turn costs of Rasa 3.6, cut (imported by channels/frontdoor.py,
so they apply in every Rasa process the launcher starts).

1. Rasa validates every action server response with ``jsonschema.validate(result, schema)``,
   which first checks the constant response schema against JSON Schema's meta-schema, on every
   call: measured here as more than half of Rasa's CPU time per turn. The schema is checked once
   instead and one validator kept; every response is still validated against the same schema,
   and an invalid one still raises the same ValidationError.
2. Rasa sends the action server the whole tracker, every event of the session, on every call, so
   a turn's cost grows with the conversation's length. The action server (rasa-sdk, and the
   knowledge service's actions) reads slots, the latest message, the active loop and the slot
   candidates of the current turn, all of which the tracker state carries apart from the event
   list or in the events since the latest user message; only those events are sent.
3. Reading a tracker, Rasa finds each stored event's class by walking every subclass of Event
   (with ``inspect.isabstract`` on each), once per event: the classes are looked up in a table
   built once instead (the first class with the type name wins, as in Rasa's own walk).
4. Rasa opens a new HTTP client session, so a new TCP connection, for every call to the action
   server, and the knowledge service accepts a new connection each time. One session per event
   loop and endpoint settings is kept instead, its connections reused; an idle connection is
   dropped after 2 s, before the knowledge service (uvicorn: 5 s) would close it under a call.
"""

from __future__ import annotations

import asyncio
import weakref
from functools import lru_cache
from typing import Any

import aiohttp
from jsonschema import ValidationError, validators
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

_original_call_format = RemoteAction._action_call_format


@lru_cache(maxsize=1)
def _response_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    error = best_match(_response_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from the Action "
        f"endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


def current_turn(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events from the latest user message on (all of them when there is none)."""
    for index in range(len(events) - 1, -1, -1):
        if events[index].get("event") == "user":
            return events[index:]
    return events


def _action_call_format(self: RemoteAction, tracker: Any, domain: Any) -> dict[str, Any]:
    call: dict[str, Any] = _original_call_format(self, tracker, domain)
    state = call.get("tracker")
    if isinstance(state, dict) and isinstance(state.get("events"), list):
        state["events"] = current_turn(state["events"])
    return call


_event_classes: dict[str, type[Event]] = {}


def _resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    found = _event_classes.get(type_name)
    if found is None:  # not seen yet, or a class imported since: walk the subclasses again
        for cls in all_subclasses(Event):
            _event_classes.setdefault(cls.type_name, cls)
        found = _event_classes.get(type_name)
    if found is not None:
        return found
    if type_name == "topic":
        return None  # as Rasa: backwards compatibility with old TopicSet events
    if default is not None:
        return default
    raise ValueError(f"Unknown event name '{type_name}'.")


KEEPALIVE_SECONDS = 2.0

_sessions: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple[Any, ...], aiohttp.ClientSession]]
_sessions = weakref.WeakKeyDictionary()


class _KeptSession:
    """``async with`` gives the kept session and leaves it open (Rasa closes its own at the end)."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self._session

    async def __aexit__(self, *exc: object) -> None:
        return None


def _kept_session(self: EndpointConfig) -> _KeptSession:
    # Keyed by what the session carries (headers, credentials), never by the config object's id,
    # which a later config could reuse.
    key = (tuple(sorted(self.headers.items())), tuple(sorted(self.basic_auth.items())))
    kept = _sessions.setdefault(asyncio.get_running_loop(), {})
    session = kept.get(key)
    if session is None or session.closed:
        credentials = self.basic_auth
        auth = aiohttp.BasicAuth(credentials["username"], credentials["password"]) if credentials else None
        session = aiohttp.ClientSession(
            headers=self.headers,
            auth=auth,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS),
        )
        kept[key] = session
    return _KeptSession(session)


def install() -> None:
    Event.resolve_by_type = staticmethod(_resolve_by_type)  # type: ignore[method-assign,assignment]
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    RemoteAction._action_call_format = _action_call_format  # type: ignore[method-assign]
    EndpointConfig.session = _kept_session  # type: ignore[method-assign,assignment]


__all__ = ["ValidationError", "current_turn", "install"]
