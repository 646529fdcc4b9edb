"""The pages' language: Indonesian or English, one at a time.

Chosen by ``?lang=id|en`` (kept in the pages' own links), else by the browser's ``Accept-Language``,
else Indonesian: the decree is published in Indonesian, and the English labels are the project's
unofficial translations. A page says its language in ``<html lang>`` and links to the other one.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

LANGS = ("id", "en")
DEFAULT = "id"
NAMES = {"id": "Bahasa Indonesia", "en": "English"}
#: Older systems still send the withdrawn ISO 639 code "in" for Indonesian.
_ALIASES = {"in": "id"}


def _from_accept_language(header: str | None) -> str | None:
    """The preferred of ``id`` and ``en`` in an Accept-Language header (RFC 9110 §12.5.4), or None."""
    if not header:
        return None
    best, best_q = None, 0.0
    for order, part in enumerate(header.split(",")):
        bits = [b.strip() for b in part.split(";")]
        tag = bits[0].lower().split("-")[0]
        tag = _ALIASES.get(tag, tag)
        q = 1.0
        for b in bits[1:]:
            name, _, value = b.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        q -= order * 1e-6  # equal q: the first listed wins
        if tag in LANGS and q > best_q:
            best, best_q = tag, q
    return best


@dataclass(frozen=True)
class Lang:
    """The language of one page, and how it was chosen."""

    code: str = DEFAULT
    explicit: bool = False  # chosen with ?lang= : the page's links keep it

    def t(self, en: str, id: str) -> str:
        """The text in this page's language."""
        return id if self.code == "id" else en

    @property
    def other(self) -> str:
        return "en" if self.code == "id" else "id"

    def href(self, path: str) -> str:
        """A local link, with ``?lang=`` where the language was chosen in the URL."""
        if not self.explicit or not path.startswith("/"):
            return path
        return with_param(path, "lang", self.code)

    def pick(self, texts: dict[str, str]) -> str:
        """From texts by language tag: this language's, else the other's, else an untagged one."""
        return texts.get(self.code) or texts.get(self.other) or texts.get("", "")


def with_param(url: str, name: str, value: str) -> str:
    """``url`` with the query parameter ``name`` set to ``value`` (others kept, in order)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != name] + [(name, value)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def choose(param: str | None, accept_language: str | None) -> Lang:
    """The page's language: ``?lang=`` if it names one, else Accept-Language, else Indonesian."""
    if param:
        code = _ALIASES.get(param.strip().lower(), param.strip().lower())
        if code in LANGS:
            return Lang(code, explicit=True)
    return Lang(_from_accept_language(accept_language) or DEFAULT)
