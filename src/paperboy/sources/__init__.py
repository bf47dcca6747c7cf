"""Paper sources: the Hugging Face Daily Papers and arXiv clients, JSONL imports.

Everything here that talks to the network does so through `HttpFetcher`
(retries, backoff, politeness); everything else is pure. Import each module
directly; the package re-exports nothing.
"""
