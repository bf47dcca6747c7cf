"""paperboy: research-paper search, daily digests and reading lists for team chat."""

__version__ = "0.1.0"
