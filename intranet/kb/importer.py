"""Markdown files into articles: `flask kb-import` and the demo data.

A file may open with front matter between two `---` lines (title, slug, chapter, chapter_number,
category, position, required, pinned, roles, summary); without a title the first `# heading` is the title.
Importing the same file again publishes a new revision only if its text changed.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from intranet.errors import Invalid
from intranet.extensions import db
from intranet.kb import publishing
from intranet.kb.models import Article

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)
_TRUE = {"1", "true", "yes", "y", "是"}


@dataclass
class ParsedFile:
    meta: dict[str, str]
    title: str
    body: str


def parse(text: str, fallback_title: str = "") -> ParsedFile:
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    meta: dict[str, str] = {}
    match = _FRONT_MATTER.match(text)
    if match:
        for line in match.group(1).splitlines():
            key, sep, value = line.partition(":")
            if sep and key.strip():
                meta[key.strip().lower()] = value.strip().strip("\"'")
        text = text[match.end() :]
    title = meta.get("title", "")
    if not title:
        heading = _HEADING.search(text)
        if heading and not text[: heading.start()].strip():
            title = heading.group(1)
            text = text[heading.end() :]
    return ParsedFile(meta, title or fallback_title, text.strip() + "\n")


def _data(parsed: ParsedFile, slug: str) -> publishing.ArticleData:
    meta = parsed.meta
    position = meta.get("position", "0")
    chapter_number = meta.get("chapter_number", "0")
    return publishing.ArticleData(
        title=parsed.title,
        body=parsed.body,
        chapter=meta.get("chapter", ""),
        chapter_number=int(chapter_number) if chapter_number.isdigit() else 0,
        category=meta.get("category", ""),
        position=int(position) if position.isdigit() else 0,
        required_read=meta.get("required", "").lower() in _TRUE,
        pinned=meta.get("pinned", "").lower() in _TRUE,
        roles=[role.strip() for role in meta.get("roles", "").split(",") if role.strip()],
        slug=slug,
    )


def import_file(path: Path, actor=None, only_new: bool = False) -> str:
    """Create or update the article of one file; returns what happened: created, revised or unchanged."""
    parsed = parse(path.read_text(encoding="utf-8"), fallback_title=path.stem)
    slug = parsed.meta.get("slug") or re.sub(r"[^\w-]+", "-", path.stem.lower()).strip("-")
    data = _data(parsed, slug)
    article = db.session.scalar(select(Article).where(Article.slug == slug))
    summary = parsed.meta.get("summary", "")
    if article is None:
        article = publishing.create_article(actor, data)
        publishing.publish(actor, article, summary or f"首次发布({path.name})", required=data.required_read)
        return "created"
    if only_new:
        return "unchanged"
    publishing.save_draft(actor, article, data)
    if not publishing.has_unpublished_changes(article):
        return "unchanged"
    publishing.publish(actor, article, summary or f"按 {path.name} 更新", required=data.required_read)
    return "revised"


def markdown_files(paths) -> list[Path]:
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(p for p in path.rglob("*.md") if p.is_file())
        elif path.is_file():
            files.append(path)
        else:
            raise Invalid(f"{path}: no such file or folder")
    return files


def import_paths(paths, actor=None, only_new: bool = False) -> dict[str, int]:
    counts = {"created": 0, "revised": 0, "unchanged": 0}
    for path in markdown_files(paths):
        try:
            counts[import_file(path, actor, only_new)] += 1
        except Invalid as error:
            raise Invalid(f"{path}: {error.message}") from error
    return counts


DEMO_DIR = Path(__file__).parent / "demo_articles"


def seed_demo_articles() -> dict[str, int]:
    """The demo manual, plus a second, required revision of the callbacks rule to show a change log."""
    counts = import_paths([DEMO_DIR], only_new=True)  # seeding twice changes nothing
    callbacks = db.session.scalar(select(Article).where(Article.slug == "callbacks-after-repair"))
    if callbacks is not None and len(callbacks.revisions) == 1:
        data = _data(parse(callbacks.draft_body), callbacks.slug)
        data.title = callbacks.title
        data.body = callbacks.draft_body.replace(
            "- 一般维修:完工后三天内电话回访。", "- 一般维修:完工后两个工作日内电话回访(原为三天内)。"
        )
        data.chapter, data.category, data.position = callbacks.chapter, callbacks.category, callbacks.position
        data.required_read = True
        publishing.save_draft(None, callbacks, data)
        publishing.publish(None, callbacks, "一般维修的回访时限由三天内改为两个工作日内", required=True)
    return counts
