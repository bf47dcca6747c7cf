"""The Slack adapter: slack-bolt AsyncApp (Socket Mode or HTTP), Block Kit rendering."""

from paperboy.adapters.slack.adapter import SlackAdapter
from paperboy.adapters.slack.render import render

__all__ = ["SlackAdapter", "render"]
