"""Builders for paper-source responses in their real shapes.

`hf_item` builds one Hugging Face `/api/daily_papers` item the way the API
sends it: a `paper` object (nested authors with `_id`, `hidden` and sometimes
a `user`, `publishedAt`, `submittedOnDailyAt`, `upvotes`, `discussionId`,
the optional `ai_*`, `githubRepo`, `githubStars`, `projectPage`) plus the
item-level `publishedAt`, `title`, `summary`, `thumbnail`, `numComments`,
`submittedBy` and `isAuthorParticipating`. Optional keys the API omits when
empty are omitted here too.

`ArxivRecord` + `atom_entry` / `atom_error_entry` / `atom_feed` build arXiv's
Atom query response, wrapped and indented the way arXiv sends it.
"""

from __future__ import annotations

import hashlib
import textwrap
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape, quoteattr

if TYPE_CHECKING:
    from collections.abc import Sequence

ABSENT: Any = object()  # marks an item-level field the API left out


def _object_id(seed: str) -> str:
    """A 24-hex-digit id like the Hub's Mongo ids, stable for a seed."""
    return hashlib.sha1(seed.encode()).hexdigest()[:24]


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def hf_author(
    name: str, *, paper_id: str, username: str | None = None, hidden: bool = False
) -> dict[str, Any]:
    """One entry of `paper.authors`; a claimed author carries a `user` object."""
    author: dict[str, Any] = {"_id": _object_id(paper_id + name), "name": name, "hidden": hidden}
    if username is not None:
        author["user"] = {
            "_id": _object_id(username),
            "avatarUrl": f"https://cdn-avatars.huggingface.co/v1/production/uploads/{username}.png",
            "isPro": False,
            "fullname": name,
            "user": username,
            "type": "user",
        }
        author["status"] = "claimed_verified"
        author["statusLastChangedAt"] = "2024-03-20T08:15:02.114Z"
    return author


def hf_item(
    *,
    paper_id: str,
    title: str,
    summary: str,
    featured: date,
    authors: Sequence[str | dict[str, Any]] = ("Ada Lovelace",),
    upvotes: int = 0,
    published: date | None = None,
    ai_summary: str | None = None,
    ai_keywords: Sequence[str] | None = None,
    github_repo: str | None = None,
    github_stars: int | None = None,
    project_page: str | None = None,
    num_comments: int = 0,
    thumbnail: Any = None,
    submitted_by: str = "akhaliq",
) -> dict[str, Any]:
    """One daily-papers item. `thumbnail=None` gives the usual CDN link, `ABSENT` omits it."""
    published = published or featured - timedelta(days=1)
    featured_at = datetime.combine(featured, time(0, 0))
    submitter = {
        "_id": _object_id(submitted_by),
        "avatarUrl": f"https://cdn-avatars.huggingface.co/v1/production/uploads/{submitted_by}.jpeg",
        "fullname": submitted_by.upper() if len(submitted_by) < 4 else submitted_by.title(),
        "name": submitted_by,
        "type": "user",
        "isPro": False,
        "isHf": False,
        "isMod": False,
        "followerCount": 9000,
    }
    paper: dict[str, Any] = {
        "id": paper_id,
        "authors": [a if isinstance(a, dict) else hf_author(a, paper_id=paper_id) for a in authors],
        "publishedAt": _stamp(datetime.combine(published, time(17, 59, 58))),
        "submittedOnDailyAt": _stamp(featured_at + timedelta(minutes=12, seconds=34)),
        "title": title,
        "submittedOnDailyBy": submitter,
        "summary": summary,
        "upvotes": upvotes,
        "discussionId": _object_id("discussion" + paper_id),
    }
    optional = {
        "ai_summary": ai_summary,
        "ai_keywords": list(ai_keywords) if ai_keywords is not None else None,
        "githubRepo": github_repo,
        "githubStars": github_stars,
        "projectPage": project_page,
    }
    paper.update({key: value for key, value in optional.items() if value is not None})
    item: dict[str, Any] = {
        "paper": paper,
        "publishedAt": _stamp(featured_at + timedelta(hours=3, minutes=4, seconds=5)),
        "title": title,
        "summary": summary,
        "mediaUrls": [],
        "thumbnail": (
            f"https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/{paper_id}.png"
            if thumbnail is None
            else thumbnail
        ),
        "numComments": num_comments,
        "submittedBy": submitter,
        "isAuthorParticipating": False,
    }
    if item["thumbnail"] is ABSENT:
        del item["thumbnail"]
    return item


def sample_day(featured: date) -> list[dict[str, Any]]:
    """Five realistic items for one day: nested authors, wrapped text, optional fields missing."""
    yymm = featured.strftime("%y%m")
    return [
        hf_item(
            paper_id=f"{yymm}.10001",
            title="Sparse Mixture-of-Experts\n  Routing without Load Balancing Losses",
            summary=(
                "Mixture-of-experts language models usually add an auxiliary loss to keep\n"
                "experts evenly used. We show that a simple capacity-aware router removes\n"
                "the need for it, matching dense baselines at a third of the compute."
            ),
            featured=featured,
            authors=[
                hf_author("Mei Tanaka", paper_id=f"{yymm}.10001", username="meitanaka"),
                "Jonas Berg",
                hf_author("Priya Raman", paper_id=f"{yymm}.10001", hidden=True),
            ],
            upvotes=42,
            ai_summary="A capacity-aware router trains MoE models without balancing losses.",
            ai_keywords=["mixture of experts", "routing", "load balancing"],
            github_repo="https://github.com/example/sparse-moe-router",
            github_stars=311,
            project_page="https://example.github.io/sparse-moe-router/",
            num_comments=3,
        ),
        hf_item(
            paper_id=f"{yymm}.10002",
            title="Retrieval-Augmented Agents for Long-Horizon Web Tasks",
            summary=(
                "  We study web agents that must complete tasks spanning dozens of pages.\n"
                "  Retrieving past trajectories as demonstrations doubles the success rate\n"
                "  on a new benchmark of 1,200 tasks.  "
            ),
            featured=featured,
            authors=["Luis Ortega", "Hannah Schmidt", "Wei Zhang", "Fatima Al-Sayed"],
            upvotes=17,
            ai_keywords=["web agents", "retrieval"],
        ),
        hf_item(
            paper_id=f"{yymm}.10003",
            title="Diffusion Models as Video World Simulators",
            summary="We train a video diffusion model conditioned on actions and use it as a "
            "learned simulator for planning in robotic manipulation.",
            featured=featured,
            authors=["Grace Hopper"],
            upvotes=8,
            project_page="https://example.org/world-sim",
            thumbnail=ABSENT,
        ),
        hf_item(
            paper_id=f"{yymm}.10004",
            title="A Benchmark for Scientific Claim Verification in Chemistry",
            summary="We release 4,000 chemistry claims paired with evidence abstracts and "
            "measure how well retrieval systems and language models verify them.",
            featured=featured,
            authors=[],
            upvotes=0,
        ),
        hf_item(
            paper_id=f"{yymm}.10005",
            title="Quantised Low-Rank Adapters at Two Bits",
            summary="Two-bit quantisation of the frozen base model keeps low-rank adaptation "
            "within one point of full-precision fine-tuning on instruction following.",
            featured=featured,
            authors=["Tomasz Nowak", "Aiko Sato"],
            upvotes=25,
            github_repo="https://github.com/example/qlora2",
            num_comments=1,
        ),
    ]


@dataclass(frozen=True, slots=True)
class ArxivRecord:
    """One arXiv paper as the fake serves it; `paper_id` has no version."""

    paper_id: str
    title: str
    summary: str
    authors: tuple[str, ...] = ("Ada Lovelace",)
    version: int = 1
    published: datetime = datetime(2024, 3, 18, 17, 59, 58)
    updated: datetime | None = None
    categories: tuple[str, ...] = ("cs.CL",)  # primary first
    doi: str | None = None
    journal_ref: str | None = None
    comment: str | None = None


def _wrapped(text: str, indent: str = "  ") -> str:
    """Text broken over lines and indented, as arXiv sends titles and abstracts."""
    return ("\n" + indent).join(textwrap.wrap(text, width=60)) or text


def _arxiv_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def atom_entry(record: ArxivRecord) -> str:
    """One `<entry>` of a query response."""
    ns = 'xmlns:arxiv="http://arxiv.org/schemas/atom"'
    url = f"http://arxiv.org/abs/{record.paper_id}v{record.version}"
    lines = [
        "  <entry>",
        f"    <id>{url}</id>",
        f"    <updated>{_arxiv_time(record.updated or record.published)}</updated>",
        f"    <published>{_arxiv_time(record.published)}</published>",
        f"    <title>{escape(_wrapped(record.title))}</title>",
        f"    <summary>  {escape(_wrapped(record.summary))}\n</summary>",
    ]
    for name in record.authors:
        lines.append(f"    <author>\n      <name>{escape(name)}</name>\n    </author>")
    if record.doi:
        lines.append(f"    <arxiv:doi {ns}>{escape(record.doi)}</arxiv:doi>")
        lines.append(
            f'    <link title="doi" href={quoteattr("http://dx.doi.org/" + record.doi)}'
            ' rel="related"/>'
        )
    if record.comment:
        lines.append(f"    <arxiv:comment {ns}>{escape(_wrapped(record.comment))}</arxiv:comment>")
    if record.journal_ref:
        lines.append(
            f"    <arxiv:journal_ref {ns}>{escape(record.journal_ref)}</arxiv:journal_ref>"
        )
    lines.append(f'    <link href="{url}" rel="alternate" type="text/html"/>')
    pdf = url.replace("/abs/", "/pdf/")
    lines.append(f'    <link title="pdf" href="{pdf}" rel="related" type="application/pdf"/>')
    scheme = 'scheme="http://arxiv.org/schemas/atom"'
    if record.categories:
        lines.append(f'    <arxiv:primary_category {ns} term="{record.categories[0]}" {scheme}/>')
    lines.extend(f'    <category term="{term}" {scheme}/>' for term in record.categories)
    lines.append("  </entry>")
    return "\n".join(lines)


def atom_error_entry(message: str) -> str:
    """The entry arXiv sends, inside a 200 response, when a request is bad."""
    error_id = "http://arxiv.org/api/errors#" + message.replace(" ", "_")
    return "\n".join(
        [
            "  <entry>",
            f"    <id>{escape(error_id)}</id>",
            "    <title>Error</title>",
            f"    <summary>{escape(message)}</summary>",
            f"    <updated>{_arxiv_time(datetime(2024, 3, 20))}</updated>",
            f'    <link href={quoteattr(error_id)} rel="alternate" type="text/html"/>',
            "    <author>\n      <name>arXiv api core</name>\n    </author>",
            "  </entry>",
        ]
    )


def atom_feed(
    entries: Sequence[str], *, query: str, total: int, start: int = 0, per_page: int = 10
) -> str:
    """The full response envelope around `entries`, opensearch counts included."""
    os_ns = 'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"'
    self_link = "http://arxiv.org/api/query?" + query
    return "\n".join(
        [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<feed xmlns="http://www.w3.org/2005/Atom">',
            f'  <link href={quoteattr(self_link)} rel="self" type="application/atom+xml"/>',
            f'  <title type="html">ArXiv Query: {escape(query)}</title>',
            "  <id>http://arxiv.org/api/" + _object_id(query)[:27] + "</id>",
            "  <updated>2024-03-20T00:00:00-04:00</updated>",
            f"  <opensearch:totalResults {os_ns}>{total}</opensearch:totalResults>",
            f"  <opensearch:startIndex {os_ns}>{start}</opensearch:startIndex>",
            f"  <opensearch:itemsPerPage {os_ns}>{per_page}</opensearch:itemsPerPage>",
            *entries,
            "</feed>",
            "",
        ]
    )
