"""Schema changes as named, ordered migrations, recorded in the database.

A migration is applied once, in version order; the `schema_migrations` table says
which ones a store has. The ones a store lacks are applied in one transaction: a
store has all of them or none (DDL is transactional on SQLite and PostgreSQL). Never edit a released
migration: add a new one at the end. The SQL is written to mean the same on SQLite
and PostgreSQL; where the two cannot share a statement a migration gives
PostgreSQL its own (`postgresql`).

Several processes may open a new store at once: the transaction first takes the
store's migration lock (on SQLite the write lock of BEGIN
IMMEDIATE, on PostgreSQL a transaction-level advisory lock) and only then reads
which migrations are applied, so exactly one of them applies them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from paperboy.store.schema import schema_migrations


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str
    postgresql: str | None = None  # when PostgreSQL needs other statements

    def statements(self, dialect: str) -> list[str]:
        sql = self.postgresql if dialect == "postgresql" and self.postgresql else self.sql
        # One statement at a time: the migration stays one transaction on both.
        return [part.strip() for part in sql.split(";") if part.strip()]


# Slack OAuth distribution: the installation, bot and OAuth state tables of slack_sdk's
# SQLAlchemy stores, as its 3.x declares them; the two databases differ only in how a
# key is numbered and what a moment is called.
_SLACK_BOT_COLUMNS = """bot_token VARCHAR(200),
    bot_id VARCHAR(32),
    bot_user_id VARCHAR(32),
    bot_scopes VARCHAR(1000),
    bot_refresh_token VARCHAR(200),
    bot_token_expires_at {moment}"""
_SLACK_TABLES = """
CREATE TABLE slack_installations (
    id {key},
    client_id VARCHAR(32) NOT NULL,
    app_id VARCHAR(32) NOT NULL,
    enterprise_id VARCHAR(32),
    enterprise_name VARCHAR(200),
    enterprise_url VARCHAR(200),
    team_id VARCHAR(32),
    team_name VARCHAR(200),
    {bot},
    user_id VARCHAR(32) NOT NULL,
    user_token VARCHAR(200),
    user_scopes VARCHAR(1000),
    user_refresh_token VARCHAR(200),
    user_token_expires_at {moment},
    incoming_webhook_url VARCHAR(200),
    incoming_webhook_channel VARCHAR(200),
    incoming_webhook_channel_id VARCHAR(200),
    incoming_webhook_configuration_url VARCHAR(200),
    is_enterprise_install BOOLEAN NOT NULL,
    token_type VARCHAR(32),
    installed_at {moment} NOT NULL
);
CREATE INDEX slack_installations_idx
    ON slack_installations (client_id, enterprise_id, team_id, user_id, installed_at);
CREATE TABLE slack_bots (
    id {key},
    client_id VARCHAR(32) NOT NULL,
    app_id VARCHAR(32) NOT NULL,
    enterprise_id VARCHAR(32),
    enterprise_name VARCHAR(200),
    team_id VARCHAR(32),
    team_name VARCHAR(200),
    {bot},
    is_enterprise_install BOOLEAN NOT NULL,
    installed_at {moment} NOT NULL
);
CREATE INDEX slack_bots_idx ON slack_bots (client_id, enterprise_id, team_id, installed_at);
CREATE TABLE slack_oauth_states (
    id {key},
    state VARCHAR(200) NOT NULL,
    expire_at {moment} NOT NULL
)
"""


def _slack_tables(*, key: str, moment: str) -> str:
    bot = _SLACK_BOT_COLUMNS.format(moment=moment)
    return _SLACK_TABLES.format(key=key, moment=moment, bot=bot)


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
        "papers marked not for me",
        """
        -- A person's "not for me" labels (a 👎 reaction, the Not for me button):
        -- the negatives `foryou` learns from, and papers it leaves out.
        CREATE TABLE marked_papers (
            platform  TEXT NOT NULL,
            workspace TEXT NOT NULL,
            user_id   TEXT NOT NULL,
            paper_id  TEXT NOT NULL REFERENCES papers (id),
            marked_at TEXT NOT NULL,
            PRIMARY KEY (platform, workspace, user_id, paper_id)
        );
        """,
    ),
    Migration(
        7,
        "weekly foryou messages; a digest's order",
        """
        -- `foryou weekly`: a person's weekly direct message of their top papers.
        CREATE TABLE foryou_weekly (
            platform   TEXT NOT NULL,
            workspace  TEXT NOT NULL,
            user_id    TEXT NOT NULL,
            weekday    INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),  -- 0 Monday
            time       TEXT NOT NULL,               -- HH:MM, local to timezone
            timezone   TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (platform, workspace, user_id)
        );

        -- One row per person and local day a weekly message was due: claimed before
        -- anything is sent, 'done' once every paper is out (or 'skipped' when too late).
        CREATE TABLE foryou_weekly_runs (
            platform    TEXT NOT NULL,
            workspace   TEXT NOT NULL,
            user_id     TEXT NOT NULL,
            local_date  TEXT NOT NULL,
            status      TEXT NOT NULL CHECK (status IN ('claimed', 'done', 'skipped')),
            header_id   TEXT,
            claimed_at  TEXT NOT NULL,
            finished_at TEXT,
            PRIMARY KEY (platform, workspace, user_id, local_date)
        );

        -- The papers a run chose, written before the first is sent ('planned'), each
        -- 'posting' before its message goes out and 'sent' after: a resumed run posts
        -- the planned ones only, so it never repeats or drops one.
        CREATE TABLE foryou_weekly_items (
            platform   TEXT NOT NULL,
            workspace  TEXT NOT NULL,
            user_id    TEXT NOT NULL,
            local_date TEXT NOT NULL,
            paper_id   TEXT NOT NULL,
            position   INTEGER NOT NULL,
            like_id    TEXT NOT NULL DEFAULT '',    -- the saved paper it is most like
            status     TEXT NOT NULL CHECK (status IN ('planned', 'posting', 'sent')),
            message_id TEXT,
            PRIMARY KEY (platform, workspace, user_id, local_date, paper_id)
        );

        -- `subscribe … rank:team`: how a channel's digest is ordered ('votes' when absent).
        CREATE TABLE digest_ranks (
            platform  TEXT NOT NULL,
            workspace TEXT NOT NULL,
            channel   TEXT NOT NULL,
            rank      TEXT NOT NULL CHECK (rank IN ('votes', 'team')),
            PRIMARY KEY (platform, workspace, channel)
        );
        """,
    ),
    Migration(
        8,
        "change sequence, saves in order, leases",
        """
        -- Every write of a paper takes the next change_seq: a process following the
        -- store (a replica's search index) reads the changes after the last it saw.
        ALTER TABLE papers ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
        UPDATE papers SET change_seq = text_seq;
        CREATE UNIQUE INDEX papers_change_seq ON papers (change_seq);

        -- The order saves were made in (rowid did it, but PostgreSQL has none).
        ALTER TABLE saved_papers ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
        UPDATE saved_papers SET seq = rowid;
        CREATE INDEX saved_papers_seq ON saved_papers (seq);
        ALTER TABLE marked_papers ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
        UPDATE marked_papers SET seq = rowid;

        -- Who is running a digest, and until when their claim holds without renewal.
        ALTER TABLE digest_runs ADD COLUMN holder TEXT;
        ALTER TABLE digest_runs ADD COLUMN lease_until TEXT;

        -- Named leases: one holder at a time, until it expires.
        CREATE TABLE leases (
            name       TEXT PRIMARY KEY,
            holder     TEXT NOT NULL,
            expires_at TEXT NOT NULL
        );
        """,
        postgresql="""
        ALTER TABLE papers ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
        UPDATE papers SET change_seq = text_seq;
        CREATE UNIQUE INDEX papers_change_seq ON papers (change_seq);
        ALTER TABLE saved_papers ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX saved_papers_seq ON saved_papers (seq);
        ALTER TABLE marked_papers ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE digest_runs ADD COLUMN holder TEXT;
        ALTER TABLE digest_runs ADD COLUMN lease_until TEXT;
        CREATE TABLE leases (
            name       TEXT PRIMARY KEY,
            holder     TEXT NOT NULL,
            expires_at TEXT NOT NULL
        );
        """,
    ),
    Migration(
        9,
        "Slack installations, bots and OAuth states",
        _slack_tables(key="INTEGER NOT NULL PRIMARY KEY", moment="DATETIME"),
        postgresql=_slack_tables(key="SERIAL PRIMARY KEY", moment="TIMESTAMP"),
    ),
    Migration(
        10,
        "follows and what they sent",
        """
        -- `follow`: an author or some words a person follows. `channel` is '' when the
        -- matches go to the person by direct message, else the channel they post in
        -- (set there by someone who manages it).
        CREATE TABLE follows (
            id         INTEGER PRIMARY KEY,  -- numbered by the store: max + 1
            platform   TEXT NOT NULL,
            workspace  TEXT NOT NULL,
            user_id    TEXT NOT NULL,
            kind       TEXT NOT NULL CHECK (kind IN ('author', 'words')),
            query      TEXT NOT NULL,
            channel    TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            UNIQUE (platform, workspace, user_id, kind, query, channel)
        );

        -- Which papers a follow sent to a place ('user:<id>' or 'channel:<id>'): claimed
        -- before the message goes out, so a paper is never sent there twice.
        CREATE TABLE follow_sent (
            platform    TEXT NOT NULL,
            workspace   TEXT NOT NULL,
            destination TEXT NOT NULL,
            paper_id    TEXT NOT NULL,
            sent_at     TEXT NOT NULL,
            PRIMARY KEY (platform, workspace, destination, paper_id)
        );
        """,
        postgresql="""
        CREATE TABLE follows (
            id         INTEGER PRIMARY KEY,
            platform   TEXT NOT NULL,
            workspace  TEXT NOT NULL,
            user_id    TEXT NOT NULL,
            kind       TEXT NOT NULL CHECK (kind IN ('author', 'words')),
            query      TEXT NOT NULL,
            channel    TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            UNIQUE (platform, workspace, user_id, kind, query, channel)
        );
        CREATE TABLE follow_sent (
            platform    TEXT NOT NULL,
            workspace   TEXT NOT NULL,
            destination TEXT NOT NULL,
            paper_id    TEXT NOT NULL,
            sent_at     TEXT NOT NULL,
            PRIMARY KEY (platform, workspace, destination, paper_id)
        );
        """,
    ),
)

# Any number: the advisory lock every PostgreSQL migration transaction takes first.
MIGRATION_LOCK = 0x70617065  # "pape"

_CREATE_LOG = (
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
)


class NewerStore(RuntimeError):
    """The store has migrations this paperboy does not know."""


async def apply_migrations(engine: AsyncEngine, migrations: tuple[Migration, ...]) -> list[str]:
    """Apply the ones not yet recorded, in one transaction under the migration lock
    (all of them or none); return their names. `engine` begins SQLite transactions
    IMMEDIATE."""
    dialect = engine.dialect.name
    known = {m.version for m in migrations}
    applied: list[str] = []
    async with engine.begin() as conn:
        if dialect == "postgresql":
            await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        await conn.execute(text(_CREATE_LOG))
        done = set((await conn.execute(select(schema_migrations.c.version))).scalars())
        if done - known:
            raise NewerStore(
                f"the store was written by a newer paperboy (schema {max(done)}); upgrade paperboy"
            )
        # DDL goes to the driver itself: one trip a statement (a new store runs ~30).
        driver = (await conn.get_raw_connection()).driver_connection
        assert driver is not None  # an open connection has its driver's
        for migration in sorted(migrations, key=_version):
            if migration.version in done:
                continue
            for statement in migration.statements(dialect):
                await driver.execute(statement)
            await conn.execute(
                insert(schema_migrations).values(
                    version=migration.version,
                    name=migration.name,
                    applied_at=datetime.now(UTC).isoformat(),
                )
            )
            applied.append(f"{migration.version} ({migration.name})")
    return applied


def _version(migration: Migration) -> int:
    return migration.version
