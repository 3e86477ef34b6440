"""Retrieval measured on SQuAD-style question sets (PIAF, XQuAD, users' feedback)."""
