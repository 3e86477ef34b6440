"""Text rules both sides share: sentence boundaries, page furniture, keyword terms, safe links."""

# Bump when the sentence or furniture rules change: an index records it (manifest "splitter"), so
# the first rebuild after an upgrade re-splits every article and says why.
TEXT_RULES = 2
