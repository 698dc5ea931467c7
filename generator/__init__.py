"""statuspress: a status page and blameless post-mortem publisher that lives in a Git repository."""

__version__ = "0.1.0"
