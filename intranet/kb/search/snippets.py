"""Result snippets: the part of an article around the first word searched for, words marked."""

import re

from markupsafe import Markup, escape

SNIPPET_CHARS = 120


def snippet(text: str, terms: list[str], width: int = SNIPPET_CHARS, lead: int | None = None) -> Markup:
    """An escaped excerpt of `text` around the earliest match of `terms`, each match in <mark>."""
    text = re.sub(r"\s+", " ", text or "").strip()
    if not terms:
        return Markup(escape(text[:width]))
    pattern = re.compile("|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True)), re.IGNORECASE)
    first = pattern.search(text)
    lead = width // 4 if lead is None else lead
    start = max(0, (first.start() if first else 0) - lead)
    excerpt = text[start : start + width]
    parts = []
    position = 0
    for match in pattern.finditer(excerpt):
        parts.append(escape(excerpt[position : match.start()]))
        parts.append(Markup("<mark>%s</mark>") % match.group(0))
        position = match.end()
    parts.append(escape(excerpt[position:]))
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + width < len(text) else ""
    return Markup(prefix) + Markup("").join(parts) + Markup(suffix)


def highlight(text: str, terms: list[str]) -> Markup:
    """All of `text` (a title), escaped, with the searched words marked."""
    return snippet(text, terms, width=max(len(text or ""), 1), lead=len(text or ""))
