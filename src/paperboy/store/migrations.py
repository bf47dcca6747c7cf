"""Schema changes as named, ordered migrations, recorded in the database.

A migration is applied once, in its own transaction, in version order; the
`schema_migrations` table says which ones a file has. Never edit a released
migration: add a new one at the end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import aiosqlite


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "papers, reading lists, posts, subscriptions, digest runs",
        """
        CREATE TABLE papers (
            id            TEXT PRIMARY KEY,          -- arXiv id, no version
            title         TEXT NOT NULL,
            abstract      TEXT NOT NULL,
            authors       TEXT NOT NULL DEFAULT '[]', -- JSON array of names
            published     TEXT,                       -- first version, YYYY-MM-DD
            featured      TEXT,                       -- Daily Papers day, YYYY-MM-DD
            upvotes       INTEGER NOT NULL DEFAULT 0 CHECK (upvotes >= 0),
            github_url    TEXT,
            project_url   TEXT,
            thumbnail_url TEXT,
            ai_summary    TEXT,
            keywords      TEXT NOT NULL DEFAULT '[]',
            categories    TEXT NOT NULL DEFAULT '[]',
            doi           TEXT,
            journal_ref   TEXT,
            text_seq      INTEGER NOT NULL,           -- grows when title/abstract change
            added_at      TEXT NOT NULL,
            updated_at    TEXT NOT NULL
        );
        CREATE INDEX papers_featured ON papers (featured, upvotes);
        CREATE UNIQUE INDEX papers_text_seq ON papers (text_seq);

        CREATE TABLE saved_papers (
            platform  TEXT NOT NULL,
            workspace TEXT NOT NULL,
            user_id   TEXT NOT NULL,
            paper_id  TEXT NOT NULL REFERENCES papers (id),
            saved_at  TEXT NOT NULL,
            read_at   TEXT,
            PRIMARY KEY (platform, workspace, user_id, paper_id)
        );
        CREATE INDEX saved_papers_by_time
            ON saved_papers (platform, workspace, user_id, saved_at);

        CREATE TABLE posts (
            platform   TEXT NOT NULL,
            workspace  TEXT NOT NULL,
            channel    TEXT NOT NULL,
            message_id TEXT NOT NULL,
            paper_id   TEXT NOT NULL REFERENCES papers (id),
            posted_at  TEXT NOT NULL,
            PRIMARY KEY (platform, workspace, channel, message_id)
        );

        CREATE TABLE subscriptions (
            platform      TEXT NOT NULL,
            workspace     TEXT NOT NULL,
            channel       TEXT NOT NULL,
            time          TEXT NOT NULL,              -- HH:MM, local to timezone
            timezone      TEXT NOT NULL,
            topics        TEXT NOT NULL DEFAULT '',
            max_papers    INTEGER NOT NULL DEFAULT 5,
            min_upvotes   INTEGER NOT NULL DEFAULT 0,
            weekdays_only INTEGER NOT NULL DEFAULT 0,
            failures      INTEGER NOT NULL DEFAULT 0,  -- consecutive failed runs
            paused        INTEGER NOT NULL DEFAULT 0,  -- 1 after too many failures
            created_by    TEXT NOT NULL DEFAULT '',
            created_at    TEXT NOT NULL,
            updated_at    TEXT NOT NULL,
            PRIMARY KEY (platform, workspace, channel)
        );

        CREATE TABLE digest_runs (
            platform    TEXT NOT NULL,
            workspace   TEXT NOT NULL,
            channel     TEXT NOT NULL,
            local_date  TEXT NOT NULL,                -- the channel's day, YYYY-MM-DD
            status      TEXT NOT NULL CHECK (status IN ('claimed', 'done', 'skipped', 'failed')),
            header_id   TEXT,                         -- the header message, once posted
            attempts    INTEGER NOT NULL DEFAULT 1,
            claimed_at  TEXT NOT NULL,
            finished_at TEXT,
            PRIMARY KEY (platform, workspace, channel, local_date)
        );

        -- Every paper a channel was sent in a digest: never send it twice. A row is
        -- written as 'posting' before the message is sent and becomes 'sent' with its
        -- message id after, so a crash in between never sends the paper again.
        CREATE TABLE digest_items (
            platform   TEXT NOT NULL,
            workspace  TEXT NOT NULL,
            channel    TEXT NOT NULL,
            paper_id   TEXT NOT NULL REFERENCES papers (id),
            local_date TEXT NOT NULL,
            position   INTEGER NOT NULL,
            status     TEXT NOT NULL CHECK (status IN ('posting', 'sent')),
            message_id TEXT,
            sent_at    TEXT NOT NULL,
            PRIMARY KEY (platform, workspace, channel, paper_id)
        );

        -- Which Daily Papers days are fully ingested (and which failed, to retry).
        CREATE TABLE ingest_days (
            day        TEXT PRIMARY KEY,
            status     TEXT NOT NULL CHECK (status IN ('done', 'failed')),
            papers     INTEGER NOT NULL DEFAULT 0,
            attempts   INTEGER NOT NULL DEFAULT 0,
            error      TEXT,
            updated_at TEXT NOT NULL
        );
        """,
    ),
    Migration(
        2,
        "page references for chat buttons",
        """
        -- A "More" button can carry only 100 characters on Discord, so a longer page
        -- reference (a long search) is kept here under a short key derived from it.
        CREATE TABLE page_refs (
            key        TEXT PRIMARY KEY,
            ref        TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        """,
    ),
    Migration(
        3,
        "digest previews per channel",
        """
        -- When a channel last got a preview digest (`digest`), so previews are spaced
        -- by a cooldown shared by every process on this store.
        CREATE TABLE digest_previews (
            platform  TEXT NOT NULL,
            workspace TEXT NOT NULL,
            channel   TEXT NOT NULL,
            posted_at TEXT NOT NULL,
            PRIMARY KEY (platform, workspace, channel)
        );
        """,
    ),
    Migration(
        4,
        "a paper's own page",
        """
        -- The link an imported list gives for a paper, which cards and BibTeX use
        -- (a team's own papers have no arXiv page).
        ALTER TABLE papers ADD COLUMN page_url TEXT;
        """,
    ),
    Migration(
        5,
        "papers by their trend day; weekly top lists",
        """
        -- `trend` reads every paper of a span of weeks by its day (featured, else
        -- published): this covering index answers that without reading the abstracts
        -- (26 weeks of a 100k-paper store: 0.03 s instead of a 185 MB table scan).
        CREATE INDEX papers_by_day ON papers (coalesce(featured, published), upvotes, id);

        -- `subscribe top weekly`: a channel's weekly list of its most saved papers.
        CREATE TABLE top_subscriptions (
            platform   TEXT NOT NULL,
            workspace  TEXT NOT NULL,
            channel    TEXT NOT NULL,
            weekday    INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),  -- 0 Monday
            time       TEXT NOT NULL,               -- HH:MM, local to timezone
            timezone   TEXT NOT NULL,
            created_by TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (platform, workspace, channel)
        );

        -- One row per channel and local day a weekly list was due. It is 'posting'
        -- before the message is sent and 'done' after, so a list is never sent twice.
        CREATE TABLE top_runs (
            platform    TEXT NOT NULL,
            workspace   TEXT NOT NULL,
            channel     TEXT NOT NULL,
            local_date  TEXT NOT NULL,
            status      TEXT NOT NULL CHECK (status IN ('claimed', 'posting', 'done', 'skipped')),
            message_id  TEXT,
            claimed_at  TEXT NOT NULL,
            finished_at TEXT,
            PRIMARY KEY (platform, workspace, channel, local_date)
        );
        """,
    ),
    Migration(
        6,
        "a change sequence of the papers, for the search index to follow",
        """
        -- Every insert or real change of a paper takes the next number, so each running
        -- bot can index what any process wrote after the last number it has seen. The
        -- papers stored so far keep their text_seq order (unique, as change_seq must be).
        ALTER TABLE papers ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
        UPDATE papers SET change_seq = text_seq;
        CREATE UNIQUE INDEX papers_change_seq ON papers (change_seq);
        """,
    ),
)


async def apply_migrations(
    conn: aiosqlite.Connection, migrations: tuple[Migration, ...]
) -> list[str]:
    """Apply the ones not yet recorded; return their names. Each is one transaction."""
    await conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    async with conn.execute("SELECT version FROM schema_migrations") as cursor:
        done = {row[0] for row in await cursor.fetchall()}
    known = {m.version for m in migrations}
    if done - known:
        raise RuntimeError(
            f"the store was written by a newer paperboy (schema {max(done)}); upgrade paperboy"
        )
    applied = []
    for migration in sorted(migrations, key=lambda m: m.version):
        if migration.version in done:
            continue
        await conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(migration.sql):
                await conn.execute(statement)
            await conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, datetime.now(UTC).isoformat()),
            )
            await conn.execute("COMMIT")
        except BaseException:
            await conn.execute("ROLLBACK")
            raise
        applied.append(f"{migration.version} ({migration.name})")
    return applied


def _statements(sql: str) -> list[str]:
    # executescript would COMMIT implicitly; split so the migration stays one transaction.
    return [part.strip() for part in sql.split(";") if part.strip()]
