"""Loopback simulators of the services paperboy talks to: Slack (`slack/`), Discord
(`discord/`) and the paper sources (`sources/`). The real slack-bolt, discord.py and
aiohttp clients run against them; no test touches the network. See README.md."""
