"""A local emulator of Discord's REST API and gateway for testing an unmodified discord.py bot.

Point discord.py at it with `discord.http.Route.BASE = emu.api_base` and
`discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(emu.gateway_url)`
(see `discordpy.pointed_at`). README.md lists what is and is not emulated.
"""

from .errors import DiscordError, EmulatorError, EmulatorUsageError
from .mentions import NOTHING_PINGED
from .ratelimits import Bucket, RateLimits
from .server import DiscordEmulator
from .state import InteractionRecord, Rejection, User

__all__ = [
    "NOTHING_PINGED",
    "Bucket",
    "DiscordEmulator",
    "DiscordError",
    "EmulatorError",
    "EmulatorUsageError",
    "InteractionRecord",
    "RateLimits",
    "Rejection",
    "User",
]
