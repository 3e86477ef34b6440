"""The two ways things go wrong: Discord refuses a request, or a test misuses the emulator."""

from __future__ import annotations

from typing import Any


class EmulatorError(Exception):
    """Root of the emulator's own exceptions."""


class EmulatorUsageError(EmulatorError):
    """A test asked for something Discord's client could not do (e.g. an unsynced command)."""


class DiscordError(EmulatorError):
    """A request Discord would refuse; becomes a Discord-shaped JSON error response."""

    def __init__(self, status: int, code: int, message: str, errors: dict[str, Any] | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> dict[str, Any]:
        """The JSON body Discord sends with this error."""
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors:
            body["errors"] = self.errors
        return body


def invalid_form_body(errors: dict[str, Any]) -> DiscordError:
    """Discord's 50035 with its nested `errors` tree."""
    return DiscordError(400, 50035, "Invalid Form Body", errors)


def unknown(kind: str, code: int) -> DiscordError:
    """Discord's 404 for a missing object, e.g. `unknown("Channel", 10003)`."""
    return DiscordError(404, code, f"Unknown {kind}")


UNAUTHORIZED = (401, 0, "401: Unauthorized")
MISSING_ACCESS = (403, 50001, "Missing Access")
MISSING_PERMISSIONS = (403, 50013, "Missing Permissions")
EMPTY_MESSAGE = (400, 50006, "Cannot send an empty message")
ALREADY_ACKNOWLEDGED = (400, 40060, "Interaction has already been acknowledged.")
UNKNOWN_INTERACTION = (404, 10062, "Unknown interaction")
UNKNOWN_WEBHOOK = (404, 10015, "Unknown Webhook")
INVALID_WEBHOOK_TOKEN = (401, 50027, "Invalid Webhook Token")
EDIT_OTHERS_MESSAGE = (403, 50005, "Cannot edit a message authored by another user")


def refuse(spec: tuple[int, int, str]) -> DiscordError:
    """A DiscordError from one of the (status, code, message) constants above."""
    status, code, message = spec
    return DiscordError(status, code, message)
