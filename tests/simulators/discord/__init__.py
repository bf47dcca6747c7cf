"""A loopback Discord: REST API and gateway websocket for the real discord.py client
(`simulator.DiscordSimulator`). See README.md."""
