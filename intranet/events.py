"""Domain events: how one module reacts to another without the acting module knowing it.

The acting service publishes an event (a small dataclass it defines); every handler subscribed to
that event type runs at once, in the same transaction, so a handler's refusal (a domain error)
undoes the whole action and a crash loses nothing half-done. Imports point from the reacting module
to the acting one, never back.
"""

from collections import defaultdict
from collections.abc import Callable

_handlers: dict[type, list[Callable]] = defaultdict(list)


def subscribe(event_type: type):
    """Decorator: run the function with every published event of `event_type`."""

    def register(handler: Callable):
        if handler not in _handlers[event_type]:
            _handlers[event_type].append(handler)
        return handler

    return register


def publish(event) -> None:
    for handler in _handlers[type(event)]:
        handler(event)


def handlers_of(event_type: type) -> list[Callable]:
    return list(_handlers[event_type])
