"""Every table of the knowledge database: importing this module registers all models on
``knowledge.db.Base`` (for the migrations' autogenerate and the test that they match)."""

from __future__ import annotations

import knowledge.accounts
import knowledge.audit
import knowledge.curated
import knowledge.dismissals
import knowledge.feedback
import knowledge.inbox
import knowledge.question_log
import knowledge.questions.edits
import knowledge.registry.designations  # noqa: F401
from knowledge.db import Base

metadata = Base.metadata
