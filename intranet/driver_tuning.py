"""psycopg's cache of converted statements, sized for this app's statements.

psycopg turns each statement's `%(name)s` placeholders into PostgreSQL's `$1` by parsing the text, and
keeps the result for statements up to 4 KB only (psycopg/_queries.py: MAX_CACHED_STATEMENT_LENGTH), to
keep ORM-made bulk INSERTs of varying length out of it. The desk reads its six lists in one statement of
5 KB, loaded all day: parsed again on every execution it cost 14 % of the desk's reading (callgrind,
4.23 -> 3.56 M instructions). This app's statements are of fixed shapes (made once: listing.prepared),
so a larger bound holds few more entries; the cache keeps 128 of them whatever their length.
"""

import logging

log = logging.getLogger(__name__)

LONGEST_CACHED_STATEMENT = 16 * 1024


def cache_long_statements() -> None:
    try:
        from psycopg import _queries
    except ImportError:  # no PostgreSQL driver installed: nothing to tune
        return
    if not hasattr(_queries, "MAX_CACHED_STATEMENT_LENGTH"):  # a psycopg that no longer has the bound
        log.warning("psycopg has no MAX_CACHED_STATEMENT_LENGTH: long statements are parsed on every run")
        return
    _queries.MAX_CACHED_STATEMENT_LENGTH = max(_queries.MAX_CACHED_STATEMENT_LENGTH, LONGEST_CACHED_STATEMENT)
