"""The two ways things go wrong: Discord refuses a request, or a test misuses the emulator."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

ErrorTree = dict[str, Any]
ErrorPath = Sequence[Any]


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


def add_error(tree: ErrorTree, path: ErrorPath, code: str, message: str) -> None:
    """Append one error at `path` inside `tree`, creating the branches."""
    node = tree
    for part in path:
        node = node.setdefault(str(part), {})
    node.setdefault("_errors", []).append({"code": code, "message": message})


def merge(*trees: ErrorTree) -> ErrorTree:
    """Deep-merge error trees, each error once; Discord reports every problem of a body at once."""
    out: ErrorTree = {}
    for tree in trees:
        for key, value in tree.items():
            if key == "_errors":
                known = out.setdefault("_errors", [])
                known.extend(e for e in value if e not in known)
            else:
                out[key] = merge(out.get(key, {}), value)
    return out


def invalid_form_body(errors: ErrorTree) -> DiscordError:
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
REPLY_WITHOUT_HISTORY = (400, 160002, "Cannot reply without permission to read message history")


def refuse(spec: tuple[int, int, str]) -> DiscordError:
    """A DiscordError from one of the (status, code, message) constants above."""
    status, code, message = spec
    return DiscordError(status, code, message)
