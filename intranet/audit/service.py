"""Recording and reading audit events; the target is any model instance with an id."""

import json

from sqlalchemy import select

from intranet.audit.models import AuditEvent
from intranet.db_types import utcnow
from intranet.extensions import db


def _target_type(target) -> str:
    return getattr(target, "__tablename__", type(target).__name__.lower())


def record(actor, action: str, target, **detail) -> AuditEvent:
    """Add an event in the caller's transaction, so it is stored exactly when the change is."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=_target_type(target),
        target_id=target.id,
        detail=json.dumps(detail, ensure_ascii=False, default=str, sort_keys=True),
        at=utcnow(),
    )
    db.session.add(event)
    db.session.flush()
    return event


def events_for(target) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.target_type == _target_type(target), AuditEvent.target_id == target.id)
            .order_by(AuditEvent.id)
        )
    )
