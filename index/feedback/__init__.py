"""The bot's answers and users' votes, usage figures, and their export as evaluation data."""
