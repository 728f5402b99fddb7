"""The default rate limits: a chat client that waits for each reply is never throttled, however
long its conversation; a conversation flooded in parallel is."""

from __future__ import annotations

from actions.web.ratelimit import Rate, RateLimiter
from knowledge.settings import Settings

FASTEST_TURN = 0.02  # seconds: a turn through the front door and Rasa, with every cache warm


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _conversation_limiter(clock: FakeClock) -> RateLimiter:
    s = Settings()
    return RateLimiter(Rate(s.rate_conversation_burst, s.rate_conversation_per_second), clock=clock)


def test_a_client_that_waits_for_each_reply_is_never_throttled():
    clock = FakeClock()
    limiter = _conversation_limiter(clock)
    refused = 0
    for _ in range(5_000):  # the whole bank asked many times over in one conversation
        refused += not limiter.allow("one-conversation")
        clock.now += FASTEST_TURN
    assert refused == 0


def test_a_conversation_flooded_in_parallel_is_throttled():
    clock = FakeClock()
    limiter = _conversation_limiter(clock)
    allowed = sum(limiter.allow("flooded") for _ in range(5_000))  # all at the same instant
    assert allowed == Settings().rate_conversation_burst
    assert limiter.retry_after("flooded") >= 1
