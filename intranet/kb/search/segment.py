"""Words out of Chinese and English text, the same way for what is indexed and what is asked.

jieba's dictionary takes about a second to load, so it is loaded once, on the first use, not at
import. cut_for_search also yields the shorter words inside long ones (负责制 inside 首问负责制), so
a search for either finds the other. HMM is off: guessing new words from context would split the
same phrase differently in an article and in a query, and the two would no longer meet.
"""

import logging
import re
import threading

# Terms of the trade that jieba's general dictionary does not hold as words.
DOMAIN_WORDS = [
    "首问负责制",
    "首问责任人",
    "回访",
    "投诉",
    "客户投诉",
    "派工单",
    "工单",
    "技术员",
    "网点",
    "巡检",
    "整改",
    "配件",
    "备件",
    "知识库",
    "营运手册",
    "值班",
    "交接班",
    "壁挂炉",
    "自动柜员机",
    "服务礼仪",
    "满意度",
    "旧件",
]
_WORD = re.compile(r"[^\W_]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
MAX_QUERY_TERMS = 12

_lock = threading.Lock()
_jieba = None


def _tokenizer():
    global _jieba
    if _jieba is None:
        with _lock:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                for word in DOMAIN_WORDS:
                    tokenizer.add_word(word, freq=50_000)
                _jieba = tokenizer
    return _jieba


def warm_up() -> None:
    """Load the dictionary now (gunicorn.conf.py does it as a worker starts), not on the first search."""
    _tokenizer()


def words(text: str) -> list[str]:
    """Every searchable word of `text`, lower-cased, in order, with repeats."""
    found = []
    for token in _tokenizer().cut_for_search(text or "", HMM=False):
        found.extend(word.lower() for word in _WORD.findall(token))
    return found


def index_text(text: str) -> str:
    """`text` as space-separated words: what both full-text engines are given to index."""
    return " ".join(words(text))


def query_terms(query: str) -> list[str]:
    """The distinct words of a user's query, with every bit of search syntax gone.

    Only letters and digits survive, so quotes, *, brackets, minus signs and column filters never
    reach the engine; words such as AND, OR or NEAR are later quoted as plain words. Lone Chinese
    characters (的, 后) are dropped when the query has real words: they match nearly everything.
    """
    terms = list(dict.fromkeys(words(query)))
    meaningful = [term for term in terms if not (len(term) == 1 and _CJK.match(term))]
    return (meaningful or terms)[:MAX_QUERY_TERMS]
