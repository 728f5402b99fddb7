"""Alembic's environment: migrations run on the connection :class:`knowledge.db.Database` hands
over (``config.attributes["connection"]``); there is no alembic.ini and no URL here."""

from __future__ import annotations

from alembic import context

from knowledge.db import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only Database runs migrations
    raise RuntimeError("Migrations run through knowledge.db.Database (python -m knowledge db upgrade).")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
