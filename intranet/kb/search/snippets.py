"""Result snippets: the part of an article around the first word searched for, words marked."""

import re

from markupsafe import Markup, escape

SNIPPET_CHARS = 120


def term_pattern(terms: list[str]) -> re.Pattern | None:
    """One pattern for all terms, longest first (so 首问负责制 is marked whole, not as 负责)."""
    if not terms:
        return None
    return re.compile("|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True)), re.IGNORECASE)


def _marked(excerpt: str, pattern: re.Pattern) -> str:
    out, position = [], 0
    for match in pattern.finditer(excerpt):
        out.append(str(escape(excerpt[position : match.start()])))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        position = match.end()
    out.append(str(escape(excerpt[position:])))
    return "".join(out)


def snippet(text: str, pattern: re.Pattern | None, width: int = SNIPPET_CHARS) -> Markup:
    """An escaped excerpt of `text` around the earliest match of `pattern`, each match in <mark>."""
    text = " ".join((text or "").split())
    if pattern is None:
        return Markup(escape(text[:width]))
    first = pattern.search(text)
    start = max(0, (first.start() if first else 0) - width // 4)
    excerpt = text[start : start + width]
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + width < len(text) else ""
    return Markup(prefix + _marked(excerpt, pattern) + suffix)


def highlight(text: str, pattern: re.Pattern | None) -> Markup:
    """All of `text` (a title), escaped, with the searched words marked."""
    return Markup(escape(text or "")) if pattern is None else Markup(_marked(text or "", pattern))
