"""index attempts by learner and concept

Every stored answer recomputes the concept's mastery from the learner's latest scores on it (newest first). Without
this index both databases read all of a learner's attempts through an index on learner_id and sorted them; with it
they read the few newest entries of (learner_id, concept) in id order, score included, without touching the table.

Revision ID: 0040
Revises: 0030
Create Date: 2026-11-29 14:40:00.000000
"""
from __future__ import annotations

from alembic import op

revision = '0040'
down_revision = '0030'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.create_index('ix_attempts_learner_concept_recent', ['learner_id', 'concept', 'id', 'score'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_attempts_learner_concept_recent')
