"""The question log (every question and the kind of answer it got, redacted) and the inbox's
dismissals.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbox_dismissals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("by", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "item_id", name="uq_inbox_dismissal"),
    )
    op.create_table(
        "question_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("question_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_question_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_question_log_kind"), ["kind"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("question_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_question_log_kind"))
        batch_op.drop_index(batch_op.f("ix_question_log_at"))

    op.drop_table("question_log")
    op.drop_table("inbox_dismissals")
