"""A reading list as BibTeX: one `@misc` entry per paper.

An arXiv paper is cited as an arXiv e-print (`eprint`, `archivePrefix`,
`primaryClass`); a team's own paper only by its page, if it has one. Field
values are brace-delimited; characters special to (La)TeX are escaped (URLs,
which LaTeX's url package reads verbatim, are percent-encoded instead) and
braces are always balanced, so every entry parses. Invisible characters
(control codes such as the ESC of a terminal escape sequence, bidi overrides)
become spaces: the file is read in terminals and editors.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from paperboy.core.models import Paper
from paperboy.core.text import clean_text

_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_URL_UNSAFE = {"{": "%7B", "}": "%7D", "\\": "%5C", " ": "%20", "\n": "%0A", "\t": "%09"}
_STOP = {"a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "is", "are"}


def to_bibtex(papers: Iterable[Paper]) -> str:
    used: set[str] = set()
    return "\n".join(_entry(paper, _unique_key(paper, used)) for paper in papers)


def _entry(paper: Paper, key: str) -> str:
    fields = [("title", "{" + escape(paper.title) + "}")]
    authors = _names(paper)
    if authors:
        fields.append(("author", " and ".join(_author(name) for name in authors)))
    year = _year(paper)
    if year:
        fields.append(("year", year))
    if paper.on_arxiv:
        fields += [("eprint", escape(paper.id)), ("archivePrefix", "arXiv")]
        if paper.categories:
            fields.append(("primaryClass", escape(paper.categories[0])))
    if paper.doi:
        fields.append(("doi", escape(paper.doi)))
    url = paper.page_url or paper.arxiv_url
    if url:
        fields.append(("url", url_value(url)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}\n"


def escape(text: str) -> str:
    text = clean_text(text)
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in text)


def url_value(url: str) -> str:
    """A URL as a field value: braces, backslashes and spaces percent-encoded."""
    return "".join(_URL_UNSAFE.get(ch, ch) for ch in url.strip())


def _names(paper: Paper) -> list[str]:
    return [name for name in map(clean_text, paper.authors) if name]


def _author(name: str) -> str:
    escaped = escape(name)
    # A name containing the word "and" would split into two authors: protect it.
    return "{" + escaped + "}" if re.search(r"\band\b", name, re.IGNORECASE) else escaped


def _year(paper: Paper) -> str | None:
    day = paper.published or paper.featured
    if day:
        return str(day.year)
    match = re.fullmatch(r"(\d{2})\d{2}\.\d{4,5}", paper.id) if paper.on_arxiv else None
    return f"20{match[1]}" if match else None


def _unique_key(paper: Paper, used: set[str]) -> str:
    authors = _names(paper)
    surname = _ascii_word(authors[0].split()[-1]) if authors else ""
    words = [_ascii_word(w) for w in paper.title.split()]
    first = next((w for w in words if w and w not in _STOP), "")
    base = f"{surname or 'paper'}{_year(paper) or ''}{first}" or "paper"
    key, suffix = base, 0
    while key in used:
        suffix += 1
        key = f"{base}{chr(ord('a') + suffix - 1)}" if suffix <= 26 else f"{base}{suffix}"
    used.add(key)
    return key


def _ascii_word(word: str) -> str:
    folded = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower())
