"""Text rules both sides of the index share: sentence boundaries, page furniture, keyword terms."""
