"""`qa-index` and the command-line frame it shares with `qa-bot`."""
