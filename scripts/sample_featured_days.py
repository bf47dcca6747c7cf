"""Put the Daily Papers day (and upvotes, where the page shows them) into the bundled sample.

The sample (src/paperboy/sources/sample_papers.json) was made from a saved Hugging
Face Daily Papers page, shared/data/daily_papers_page.txt. The page heads each day's
papers with a date like "Mar 13" (no year) and may show an upvote count on a line of
its own after a title. This one-off script reads the page and writes `featured` (and
`upvotes` where the page has them) into the sample, so a fresh install shows what
`trending` and a digest look like. Nothing in the repository reads shared/: the page is
named on the command line.

    python scripts/sample_featured_days.py PATH/TO/daily_papers_page.txt
"""

from __future__ import annotations

import json
import re
import sys
from datetime import date, datetime
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[1] / "src" / "paperboy" / "sources" / "sample_papers.json"

_DAY = re.compile(r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{1,2})")
_VOTES = re.compile(r"\d{1,6}")


def _normal(text: str) -> str:
    return " ".join(text.split())


def read_page(lines: list[str], titles: set[str]) -> dict[str, tuple[tuple[int, int], int | None]]:
    """Each title on the page -> ((month, day) of the heading above it, upvotes or None)."""
    found: dict[str, tuple[tuple[int, int], int | None]] = {}
    heading: tuple[int, int] | None = None
    current: str | None = None
    for raw in lines:
        line = _normal(raw)
        if match := _DAY.fullmatch(line):
            heading = (datetime.strptime(match[1], "%b").month, int(match[2]))
        elif line in titles and heading is not None:
            current = line
            found[line] = (heading, None)
        elif current is not None and _VOTES.fullmatch(line):
            found[current] = (found[current][0], int(line))
            current = None
    return found


def _year_for(month_day: tuple[int, int], after: date) -> date:
    """The page gives no year: the first such day on or after the newest paper under it."""
    month, day = month_day
    candidate = date(after.year, month, day)
    return candidate if candidate >= after else date(after.year + 1, month, day)


def main(page_path: Path) -> None:
    papers = json.loads(SAMPLE.read_text("utf-8"))
    titles = {_normal(p["title"]): p for p in papers}
    found = read_page(page_path.read_text("utf-8").splitlines(), set(titles))
    newest = {
        heading: max(
            date.fromisoformat(titles[t]["published"])
            for t, (h, _) in found.items()
            if h == heading and titles[t].get("published")
        )
        for heading, _ in found.values()
    }
    for title, (heading, votes) in found.items():
        paper = titles[title]
        paper["featured"] = _year_for(heading, newest[heading]).isoformat()
        if votes is not None:
            paper["upvotes"] = votes
    SAMPLE.write_text(json.dumps(papers, indent=1, ensure_ascii=False), "utf-8")
    days = sorted({p["featured"] for p in papers if "featured" in p})
    print(
        f"{len(found)} of {len(papers)} papers dated ({', '.join(days)}), "
        f"{sum(1 for _, v in found.values() if v is not None)} with upvotes"
    )


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python scripts/sample_featured_days.py PATH/TO/daily_papers_page.txt")
    main(Path(sys.argv[1]))
