"""The tables, as SQLAlchemy Core sees them: every statement in store/ is built on these.

The database's own schema is made by the named migrations (migrations.py), which
SQLite files written by earlier paperboys already carry; these declarations must
match what the migrations make (tests/store/test_schema.py compares them on both
databases). Days and times are ISO text, on SQLite and PostgreSQL alike, so the
two stores hold the same values and a copy between them changes nothing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Column, DateTime, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()


def _text(name: str, *, key: bool = False, null: bool = False) -> Column[str]:
    return Column(name, Text, primary_key=key, nullable=null)


def _int(name: str, *, key: bool = False, null: bool = False) -> Column[int]:
    return Column(name, Integer, primary_key=key, nullable=null)


papers = Table(
    "papers",
    metadata,
    _text("id", key=True),
    _text("title"),
    _text("abstract"),
    _text("authors"),  # JSON array of names
    _text("published", null=True),  # YYYY-MM-DD
    _text("featured", null=True),  # the Daily Papers day
    _int("upvotes"),
    _text("github_url", null=True),
    _text("project_url", null=True),
    _text("thumbnail_url", null=True),
    _text("ai_summary", null=True),
    _text("keywords"),
    _text("categories"),
    _text("doi", null=True),
    _text("journal_ref", null=True),
    _int("text_seq"),  # grows when the indexed text changes
    _text("added_at"),
    _text("updated_at"),
    _text("page_url", null=True),
    _int("change_seq"),  # grows with every write of the paper
)

saved_papers = Table(
    "saved_papers",
    metadata,
    _text("platform", key=True),
    _text("workspace", key=True),
    _text("user_id", key=True),
    _text("paper_id", key=True),
    _text("saved_at"),
    _text("read_at", null=True),
    _int("seq"),  # the order saves were made in, for saves of the same instant
)

posts = Table(
    "posts",
    metadata,
    _text("platform", key=True),
    _text("workspace", key=True),
    _text("channel", key=True),
    _text("message_id", key=True),
    _text("paper_id"),
    _text("posted_at"),
)

subscriptions = Table(
    "subscriptions",
    metadata,
    _text("platform", key=True),
    _text("workspace", key=True),
    _text("channel", key=True),
    _text("time"),  # HH:MM, local to timezone
    _text("timezone"),
    _text("topics"),
    _int("max_papers"),
    _int("min_upvotes"),
    _int("weekdays_only"),
    _int("failures"),
    _int("paused"),
    _text("created_by"),
    _text("created_at"),
    _text("updated_at"),
)

digest_runs = Table(
    "digest_runs",
    metadata,
    _text("platform", key=True),
    _text("workspace", key=True),
    _text("channel", key=True),
    _text("local_date", key=True),
    _text("status"),
    _text("header_id", null=True),
    _int("attempts"),
    _text("claimed_at"),
    _text("finished_at", null=True),
    _text("holder", null=True),  # who holds the claim (a process), until lease_until
    _text("lease_until", null=True),
)

digest_items = Table(
    "digest_items",
    metadata,
    _text("platform", key=True),
    _text("workspace", key=True),
    _text("channel", key=True),
    _text("paper_id", key=True),
    _text("local_date"),
    _int("position"),
    _text("status"),
    _text("message_id", null=True),
    _text("sent_at"),
)

ingest_days = Table(
    "ingest_days",
    metadata,
    _text("day", key=True),
    _text("status"),
    _int("papers"),
    _int("attempts"),
    _text("error", null=True),
    _text("updated_at"),
)

page_refs = Table(
    "page_refs",
    metadata,
    _text("key", key=True),
    _text("ref"),
    _text("created_at"),
)

digest_previews = Table(
    "digest_previews",
    metadata,
    _text("platform", key=True),
    _text("workspace", key=True),
    _text("channel", key=True),
    _text("posted_at"),
)

top_subscriptions = Table(
    "top_subscriptions",
    metadata,
    _text("platform", key=True),
    _text("workspace", key=True),
    _text("channel", key=True),
    _int("weekday"),
    _text("time"),
    _text("timezone"),
    _text("created_by"),
    _text("created_at"),
    _text("updated_at"),
)

top_runs = Table(
    "top_runs",
    metadata,
    _text("platform", key=True),
    _text("workspace", key=True),
    _text("channel", key=True),
    _text("local_date", key=True),
    _text("status"),
    _text("message_id", null=True),
    _text("claimed_at"),
    _text("finished_at", null=True),
)

marked_papers = Table(
    "marked_papers",
    metadata,
    _text("platform", key=True),
    _text("workspace", key=True),
    _text("user_id", key=True),
    _text("paper_id", key=True),
    _text("marked_at"),
    _int("seq"),  # the order marks were made in, for marks of the same instant
)

foryou_weekly = Table(
    "foryou_weekly",
    metadata,
    _text("platform", key=True),
    _text("workspace", key=True),
    _text("user_id", key=True),
    _int("weekday"),  # 0 Monday
    _text("time"),  # HH:MM, local to timezone
    _text("timezone"),
    _text("created_at"),
    _text("updated_at"),
)

foryou_weekly_runs = Table(
    "foryou_weekly_runs",
    metadata,
    _text("platform", key=True),
    _text("workspace", key=True),
    _text("user_id", key=True),
    _text("local_date", key=True),
    _text("status"),  # claimed, done, skipped
    _text("header_id", null=True),
    _text("claimed_at"),
    _text("finished_at", null=True),
)

foryou_weekly_items = Table(
    "foryou_weekly_items",
    metadata,
    _text("platform", key=True),
    _text("workspace", key=True),
    _text("user_id", key=True),
    _text("local_date", key=True),
    _text("paper_id", key=True),
    _int("position"),
    _text("like_id"),  # the saved paper it is most like
    _text("status"),  # planned, posting, sent
    _text("message_id", null=True),
)

digest_ranks = Table(
    "digest_ranks",
    metadata,
    _text("platform", key=True),
    _text("workspace", key=True),
    _text("channel", key=True),
    _text("rank"),  # votes, team
)

follows = Table(
    "follows",
    metadata,
    _int("id", key=True),  # numbered max + 1 by store/follows.py, so a copy keeps them
    _text("platform"),
    _text("workspace"),
    _text("user_id"),
    _text("kind"),  # author, words
    _text("query"),
    _text("channel"),  # "" for the person's direct messages
    _text("created_at"),
)

follow_sent = Table(
    "follow_sent",
    metadata,
    _text("platform", key=True),
    _text("workspace", key=True),
    _text("destination", key=True),  # user:<id> or channel:<id>
    _text("paper_id", key=True),
    _text("sent_at"),
)

leases = Table(
    "leases",
    metadata,
    _text("name", key=True),
    _text("holder"),
    _text("expires_at"),  # ISO time in UTC
)

schema_migrations = Table(
    "schema_migrations",
    metadata,
    _int("version", key=True),
    _text("name"),
    _text("applied_at"),
)


# Slack OAuth distribution: installations (a workspace's bot token, its refresh token and
# when it expires), bots, and OAuth states, as slack_sdk's SQLAlchemy stores declare them
# (adapters/slack/installations.py reads and writes them through those stores). Written
# out here rather than taken from slack_sdk, so that a slack_sdk upgrade cannot change a
# released migration; tests/store/test_migrations.py checks they still match its stores.
def _slack(name: str, size: int, *, null: bool = True) -> Column[str]:
    return Column(name, String(size), nullable=null)


def _moment(name: str, *, null: bool = True) -> Column[Any]:
    return Column(name, DateTime, nullable=null)


def _bot_columns() -> list[Column[Any]]:
    """What both an installation and a bot row keep of the workspace's bot."""
    return [
        _slack("bot_token", 200),
        _slack("bot_id", 32),
        _slack("bot_user_id", 32),
        _slack("bot_scopes", 1000),
        _slack("bot_refresh_token", 200),
        _moment("bot_token_expires_at"),
    ]


slack_installations = Table(
    "slack_installations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _slack("client_id", 32, null=False),
    _slack("app_id", 32, null=False),
    _slack("enterprise_id", 32),
    _slack("enterprise_name", 200),
    _slack("enterprise_url", 200),
    _slack("team_id", 32),
    _slack("team_name", 200),
    *_bot_columns(),
    _slack("user_id", 32, null=False),
    _slack("user_token", 200),
    _slack("user_scopes", 1000),
    _slack("user_refresh_token", 200),
    _moment("user_token_expires_at"),
    _slack("incoming_webhook_url", 200),
    _slack("incoming_webhook_channel", 200),
    _slack("incoming_webhook_channel_id", 200),
    _slack("incoming_webhook_configuration_url", 200),
    Column("is_enterprise_install", Boolean, nullable=False),
    _slack("token_type", 32),
    _moment("installed_at", null=False),
    Index(
        "slack_installations_idx",
        "client_id",
        "enterprise_id",
        "team_id",
        "user_id",
        "installed_at",
    ),
)
slack_bots = Table(
    "slack_bots",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _slack("client_id", 32, null=False),
    _slack("app_id", 32, null=False),
    _slack("enterprise_id", 32),
    _slack("enterprise_name", 200),
    _slack("team_id", 32),
    _slack("team_name", 200),
    *_bot_columns(),
    Column("is_enterprise_install", Boolean, nullable=False),
    _moment("installed_at", null=False),
    Index("slack_bots_idx", "client_id", "enterprise_id", "team_id", "installed_at"),
)
slack_oauth_states = Table(
    "slack_oauth_states",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _slack("state", 200, null=False),
    _moment("expire_at", null=False),
)
SLACK_TABLES: tuple[Table, ...] = (slack_installations, slack_bots, slack_oauth_states)

# Every table of data, parents before the tables that refer to them: the order a copy
# between stores writes them in (`paperboy migrate-store`).
DATA_TABLES: tuple[Table, ...] = (
    papers,
    saved_papers,
    posts,
    subscriptions,
    digest_runs,
    digest_items,
    ingest_days,
    page_refs,
    digest_previews,
    top_subscriptions,
    top_runs,
    leases,
    marked_papers,
    foryou_weekly,
    foryou_weekly_runs,
    foryou_weekly_items,
    digest_ranks,
    slack_installations,  # OAuth distribution's workspaces (their states last minutes)
    slack_bots,
    follows,
    follow_sent,
)

# Tables whose integer key the database numbers (PostgreSQL: a sequence, which a copy
# that writes the keys itself must move past them).
NUMBERED_TABLES: tuple[Table, ...] = (slack_installations, slack_bots)
