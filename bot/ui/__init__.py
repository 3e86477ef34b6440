"""What users see: replies within Discord's limits, buttons, and the bot's words in each language."""
