"""A chapter's number, for ordering the manual's contents: 第七章 comes after 第三章, Chapter 10 after 9.

An article may give its chapter's number itself; otherwise it is read from the chapter's title.
"""

import re

_DIGITS = dict(zip("零一二三四五六七八九", range(10), strict=True)) | {"〇": 0, "两": 2}
_CHINESE = re.compile(r"第\s*([零〇一二两三四五六七八九十百\d]+)\s*[章篇部]")
_NUMBERED = re.compile(r"^\s*(?:chapter\s*)?(\d+)\b", re.IGNORECASE)
LARGEST = 999  # as the edit form allows; a longer run of digits is not a chapter's number


def _chinese_number(text: str) -> int:
    """一 -> 1, 十 -> 10, 十二 -> 12, 二十 -> 20, 一百零三 -> 103 (and digits as they are)."""
    total, digit = 0, 0
    for char in text:
        if char == "百":
            total += (digit or 1) * 100
            digit = 0
        elif char == "十":
            total += (digit or 1) * 10
            digit = 0
        else:
            digit = int(char) if char.isdecimal() else _DIGITS[char]
    return total + digit


def number_of(chapter: str) -> int:
    """The number in a chapter's title (第七章 …, Chapter 7 …, 7. …); 0 when it has none."""
    match = _CHINESE.search(chapter) or _NUMBERED.match(chapter)
    if match is None:
        return 0
    text = match.group(1)
    if text.isdecimal():
        return int(text) if len(text) <= len(str(LARGEST)) else 0
    number = _chinese_number(text)
    return number if number <= LARGEST else 0
