"""What the front door applies to every client request: who the client is (its address, behind a
trusted proxy the one it forwarded) and the rate limits per address and per conversation."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import JSONResponse

from actions.core import templates
from actions.web.ratelimit import Rate, RateLimiter
from knowledge.settings import Settings


def client_address(request: Request, trusted_proxies: frozenset[str]) -> str:
    """The peer's address; behind a trusted proxy (nginx in the scaled profile) the client the
    proxy names last in X-Forwarded-For (the one it saw itself)."""
    peer = request.client.host if request.client else "unknown"
    if peer in trusted_proxies:
        forwarded = request.headers.get("x-forwarded-for", "")
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if hops:
            return hops[-1][:64]
    return peer


@dataclass(frozen=True)
class Limits:
    by_address: RateLimiter
    by_conversation: RateLimiter
    trusted_proxies: frozenset[str]

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            RateLimiter(Rate(settings.rate_address_burst, settings.rate_address_per_second)),
            RateLimiter(Rate(settings.rate_conversation_burst, settings.rate_conversation_per_second)),
            frozenset(settings.trusted_proxies),
        )

    def check_address(self, request: Request) -> JSONResponse | None:
        """None when the client may go on, else the Swedish 429."""
        key = client_address(request, self.trusted_proxies)
        return None if self.by_address.allow(key) else _too_many(self.by_address.retry_after(key))

    def check_conversation(self, conversation: str) -> JSONResponse | None:
        ok = self.by_conversation.allow(conversation)
        return None if ok else _too_many(self.by_conversation.retry_after(conversation))


def _too_many(seconds: int) -> JSONResponse:
    return JSONResponse(
        status_code=429,
        content={"detail": templates.RATE_LIMITED.format(seconds=seconds)},
        headers={"Retry-After": str(seconds)},
    )
