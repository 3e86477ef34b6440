"""The Discord bot and the terminal chat: questions in, quoted passages out."""
