"""Alembic environment: always run on the connection the store hands over.

The store takes a lock first (PostgreSQL advisory lock), so replicas that start
together migrate one after the other instead of racing.
"""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
