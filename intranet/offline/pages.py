"""The pages a user needs on the road, which the tablet fetches into its cache after sign-in.

Modules add their own with @offline_pages; each provider gets the user and returns URLs.
"""

from collections.abc import Callable

_providers: list[Callable[[object], list[str]]] = []


def offline_pages(provider: Callable[[object], list[str]]):
    _providers.append(provider)
    return provider


def pages_for(user) -> list[str]:
    urls: list[str] = []
    for provider in _providers:
        for url in provider(user):
            if url not in urls:
                urls.append(url)
    return urls
