"""Text rules both sides of the index share: sentence boundaries and keyword terms."""
