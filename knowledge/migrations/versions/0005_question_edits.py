"""The process lead's edits to the written questions (questions added to a source's unit, written
questions removed from one), and the unit a passage answer in the question log was answered from.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

MAX_QUESTION_CHARS = 300  # knowledge.questions.edits.MAX_QUESTION_CHARS when this revision was written


def upgrade() -> None:
    op.create_table(
        "question_edits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("doc", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=64), nullable=False),
        sa.Column("question", sa.String(length=MAX_QUESTION_CHARS), nullable=False),
        sa.Column("by", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_by", sa.String(length=64), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("question_edits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_question_edits_doc"), ["doc"], unique=False)
    with op.batch_alter_table("question_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unit", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_question_log_unit"), ["unit"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("question_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_question_log_unit"))
        batch_op.drop_column("unit")
    with op.batch_alter_table("question_edits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_question_edits_doc"))
    op.drop_table("question_edits")
