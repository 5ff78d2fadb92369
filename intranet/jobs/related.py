"""Links from a job's page to the records it came from in other modules (a complaint, an appointment).

Jobs know nothing of those modules: a module whose records lead to jobs registers a provider here,
and the job's page lists what the providers return for the person looking.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RelatedLink:
    label: str
    url: str


_providers: list[Callable] = []


def provides_related(provider: Callable) -> Callable:
    """Decorator: provider(actor, job) -> list[RelatedLink], asked each time a job's page is shown."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def related_links(actor, job) -> list[RelatedLink]:
    return [link for provider in _providers for link in provider(actor, job)]
