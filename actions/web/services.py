"""The objects the knowledge service works with, built once per app from the settings: the
stores, the answering core, the workspace, the front door's limits and Rasa's action executor.

``create_app`` keeps them on ``app.state.services``; routes reach them through the providers of
:mod:`actions.web.deps`, never through globals."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rasa_sdk.executor import ActionExecutor

from actions.coordinators import ActionAnswerCoordinator, ValidateAreaForm
from actions.core.coordinators import Coordinators
from actions.core.curated import CuratedAnswers
from actions.core.engine import AnsweringCore
from actions.core.inbox_actions import InboxActions
from actions.core.inbox_groups import InboxGroups
from actions.core.inbox_query import InboxSearch
from actions.core.passages import PassageAnswerer
from actions.core.question import Question
from actions.core.source_questions import SourceQuestions
from actions.mobile_team import (
    ActionAskCriterion,
    ActionMobileTeamReset,
    ActionMobileTeamVerdict,
    ValidateMobileTeamForm,
)
from actions.session import ActionSessionStart
from actions.sources import ActionAnswerFromSources, ActionPassOn, ActionSmallTalk
from actions.web.admin_auth import Authenticator
from actions.web.conversations import ConversationBinder
from actions.web.frontdoor import Limits
from actions.web.workspace import Workspace
from index.service import SearchEngine
from index.similarity import QuestionSimilarity
from knowledge.accounts import AccountStore, LockoutPolicy
from knowledge.answer import AnswerKind
from knowledge.audit import AuditLog
from knowledge.curated import CuratedStore
from knowledge.db import Database
from knowledge.dismissals import Dismissals
from knowledge.documents import Document, load_documents
from knowledge.eligibility import CRITERIA
from knowledge.feedback import FeedbackStore
from knowledge.inbox import Inbox
from knowledge.question_log import QuestionLog
from knowledge.questions.edits import QuestionEdits
from knowledge.registry import DesignationStore, Register, get_register
from knowledge.registry.register_edits import RegisterEdits
from knowledge.secrets import ServiceSecrets
from knowledge.settings import Settings


@dataclass(frozen=True)
class Services:
    """Everything a request may need, built once by :func:`build_services`."""

    settings: Settings
    secrets: ServiceSecrets
    engine: SearchEngine
    database: Database
    core: AnsweringCore
    workspace: Workspace
    executor: ActionExecutor
    limits: Limits
    binder: ConversationBinder
    documents: Mapping[str, Document]  # the sources' metadata by id

    @property
    def titles(self) -> dict[str, str]:
        """Each source document's title by id."""
        return {doc_id: d.title for doc_id, d in self.documents.items()}


def build_services(settings: Settings, engine: SearchEngine | None = None) -> Services:
    """Wire the stores and the answering core. Nothing is loaded here (the index and the model
    are loaded on first use or at start-up, in the app's lifespan)."""
    secrets = ServiceSecrets.from_key(settings.secret_key.get_secret_value())  # refuses to run without
    engine = engine or SearchEngine(settings)
    register = get_register()
    designations = DesignationStore(settings.database_url, register)
    documents = {d.id: d for d in load_documents(settings.sources_dir)}
    curated_store = CuratedStore(
        settings.database_url, four_eyes=settings.admin_four_eyes, known_docs=frozenset(documents)
    )
    similarity = QuestionSimilarity(lambda: engine.retriever)  # the index is loaded on first use
    curated = CuratedAnswers(
        curated_store,
        similarity,
        lambda: documents,
        lambda: engine.learned.phrasings,
        settings.curated_poll_seconds,
    )
    question_log = QuestionLog(settings.database_url)
    audit = AuditLog(settings.database_url)
    question_edits = QuestionEdits(settings.database_url, audit)
    engine.follow_edits(question_edits)  # the process lead's questions, live in the question index
    core = AnsweringCore(
        PassageAnswerer(engine, settings),
        Coordinators(register, designations),
        curated,
        on_answer=lambda question, answer: question_log.add(
            question.text, answer.kind.value, unit=answer.unit if answer.kind is AnswerKind.PASSAGE else None
        ),
    )
    inbox = Inbox(settings.database_url)
    feedback = FeedbackStore(settings.database_url)
    accounts = AccountStore(
        settings.database_url,
        session_hours=settings.admin_session_hours,
        lockout=LockoutPolicy(settings.admin_lockout_failures, settings.admin_lockout_minutes),
    )
    groups = InboxGroups(
        question_log,
        inbox,
        feedback,
        Dismissals(settings.database_url),
        similarity,
        settings.inbox_group_min_dense,
        settings.inbox_group_min_lexical,
    )
    workspace = Workspace(
        accounts=accounts,
        auth=Authenticator(accounts),
        curated=curated_store,
        matcher=curated,
        designations=designations,
        register=register,
        inbox=inbox,
        feedback=feedback,
        audit=audit,
        questions=question_log,
        groups=groups,
        inbox_search=InboxSearch(groups, inbox, curated, lambda text: core.region_of(Question(text))),
        inbox_actions=InboxActions(groups, curated_store, audit),
        register_edits=RegisterEdits(designations, audit),
        sources=SourceQuestions(engine, question_edits, question_log.answered_per_unit, groups, similarity),
    )
    return Services(
        settings=settings,
        secrets=secrets,
        engine=engine,
        database=Database(settings.database_url),
        core=core,
        workspace=workspace,
        executor=action_executor(core, inbox, register),
        limits=Limits.from_settings(settings),
        binder=ConversationBinder(secrets.cookie_key),
        documents=documents,
    )


def action_executor(core: AnsweringCore, inbox: Inbox, register: Register) -> ActionExecutor:
    """Rasa's custom actions (the adapters at the top of ``actions/``) over the answering core."""
    executor = ActionExecutor()
    for action in (
        ActionAnswerFromSources(core),
        ActionSmallTalk(core),
        ActionPassOn(inbox),
        ValidateAreaForm(register, core),
        ActionAnswerCoordinator(core),
        ActionMobileTeamReset(),
        ActionSessionStart(),
        ValidateMobileTeamForm(),
        ActionMobileTeamVerdict(core),
        *(ActionAskCriterion(c.id, core.linked) for c in CRITERIA),
    ):
        executor.register_action(action)
    return executor
