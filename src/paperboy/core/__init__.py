"""Platform-neutral heart of paperboy: models, command grammar and the Bot."""
