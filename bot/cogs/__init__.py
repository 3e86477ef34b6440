"""Slash commands and mention handling: user commands in `questions`, moderators' in `admin`."""
