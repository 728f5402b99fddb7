"""The comment on a rating is short (the widget's optional comment after a thumbs down), and
ratings are looked up by conversation.

Comments stored before this revision (only API clients could send one) are cut to the limit.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

MAX_COMMENT_CHARS = 500  # knowledge.feedback.MAX_COMMENT_CHARS when this revision was written


def upgrade() -> None:
    op.execute(
        sa.text(
            "UPDATE feedback SET comment = substr(comment, 1, :limit) WHERE length(comment) > :limit"
        ).bindparams(limit=MAX_COMMENT_CHARS)
    )
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.alter_column(
            "comment",
            existing_type=sa.Text(),
            type_=sa.String(length=MAX_COMMENT_CHARS),
            existing_nullable=True,
        )
        batch_op.create_index(batch_op.f("ix_feedback_conversation"), ["conversation"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_conversation"))
        batch_op.alter_column(
            "comment",
            existing_type=sa.String(length=MAX_COMMENT_CHARS),
            type_=sa.Text(),
            existing_nullable=True,
        )
