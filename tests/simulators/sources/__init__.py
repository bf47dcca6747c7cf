"""Loopback paper sources: Hugging Face Daily Papers and arXiv's query API
(`servers.PaperSourceSimulator`), with fixtures in their real response shapes. See README.md."""
