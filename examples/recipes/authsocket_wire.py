"""authsocket's wire contract for Python servers (docs/protocol.md), framework-free:
the credential in the upgrade request, the subprotocol to select, the message
carrier's first frame, and the close codes the browser client acts on.
The FastAPI and aiohttp recipes wire it in.
"""
import base64
import binascii
import json
import re
from urllib.parse import unquote

PREFIX = "base64url.bearer."  # subprotocol carrier: PREFIX + base64url(UTF-8 token), no padding
PARAM = "access_token"        # query carrier
COOKIE = "ws_token"           # cookie carrier
DEFAULT_PROTOCOL = "authsocket"  # what the client offers beside the token entry when the app names none
AUTH_TIMEOUT = 10.0           # seconds the message carrier waits for the auth frame
AUTH_FRAME_MAX = 16 * 1024    # bytes: the largest frame accepted before authentication
AUTH_OK = '{"type":"auth_ok"}'
AUTH_ERROR = '{"type":"auth_error"}'

# Close codes (code, reason) and what the client does on each.
UNAUTHORIZED = (4401, "unauthorized")        # a fresh credential, then a retry
AUTH_TIMED_OUT = (4401, "auth timeout")      # the same: no auth frame in time
FORBIDDEN = (4403, "forbidden")              # the client stops: `unauthorized`
NOT_AN_AUTH_FRAME = (1008, "auth message expected")  # counted as an auth failure
AUTH_FRAME_TOO_BIG = (1009, "auth frame too big")
SESSION_MOVED = (1001, "session moved")     # resume: the session went on on a newer connection

_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


class Forbidden(Exception):
    """Raised by `verify`: a new credential will not help (close 4403)."""


def verify(token):
    """Your check: a JWT, a single-use ticket, a session. This demo knows
    "good:<name>" (user <name>) and "banned:…" (forbidden); anything else is
    unknown or expired (None)."""
    if token.startswith("good:"):
        return token[len("good:"):]
    if token.startswith("banned:"):
        raise Forbidden()
    return None


def admit(token):
    """`verify`'s answer as (user, None), or (None, close) for a refusal.
    A missing, ambiguous or malformed credential (None, '') is refused without calling it."""
    if not token:
        return None, UNAUTHORIZED
    try:
        user = verify(token)
    except Forbidden:
        return None, FORBIDDEN
    return (user, None) if user else (None, UNAUTHORIZED)


def offered_protocols(header):
    """The Sec-WebSocket-Protocol entries, in the client's order."""
    return [entry.strip() for entry in (header or "").split(",") if entry.strip()]


def select_protocol(offered, app_protocols=()):
    """The first of the app's protocols the client offered, else "authsocket" if
    offered; never the token entry (selecting it would echo the credential).
    None while something was offered: refuse the upgrade (a browser fails a
    connection whose server selects none of its protocols)."""
    for protocol in [*app_protocols, DEFAULT_PROTOCOL]:
        if protocol in offered and not protocol.startswith(PREFIX):
            return protocol
    return None


def credential(offered, query_values, cookie_header):
    """(carrier, token) from the upgrade request, first of subprotocol, query, cookie.
    `query_values`: the PARAM values, already form-decoded ("+" is a space there).
    token None: carried but ambiguous or malformed (refuse 4401).
    (None, None): nothing came with the upgrade: the message carrier."""
    entries = [entry[len(PREFIX):] for entry in offered if entry.startswith(PREFIX)]
    if entries:
        return "subprotocol", _only(entries, _decode_base64url)
    if query_values:
        return "query", _only(query_values, lambda value: value)
    # js-cookie percent-encodes the value and keeps "+" literal: unquote, never unquote_plus.
    cookies = [value for name, value in _cookie_pairs(cookie_header) if name == COOKIE]
    if cookies:
        return "cookie", _only(cookies, lambda value: unquote(value, errors="strict"))
    return None, None


def answer_auth_frame(frame):
    """The message carrier's first frame, {"type":"auth","token":"…"} (None: a binary
    frame): (user, close, reply). Send `reply` (auth_ok, or auth_error before the
    refusal's close) when there is one, then close with `close` when there is one."""
    if frame is not None and len(frame.encode()) > AUTH_FRAME_MAX:
        return None, AUTH_FRAME_TOO_BIG, None
    token = _auth_frame_token(frame)
    if token is None:
        return None, NOT_AN_AUTH_FRAME, None
    user, refusal = admit(token)
    return user, refusal, AUTH_ERROR if refusal else AUTH_OK


def _auth_frame_token(frame):
    # '' for an auth frame without a string token (refused); None for anything else.
    try:
        message = json.loads(frame) if isinstance(frame, str) else None
    except ValueError:
        return None
    if not isinstance(message, dict) or message.get("type") != "auth":
        return None
    token = message.get("token")
    return token if isinstance(token, str) else ""


def _only(values, decode):
    # Two credentials of one kind (two token entries, a repeated query parameter,
    # the cookie twice: cookie tossing from a sibling subdomain) are refused, never guessed.
    if len(values) != 1:
        return None
    try:
        return decode(values[0])
    except (ValueError, UnicodeDecodeError):
        return None


def _decode_base64url(data):
    if not _BASE64URL.fullmatch(data) or len(data) % 4 == 1:
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)).decode("utf-8")


def _cookie_pairs(header):
    for pair in (header or "").split(";"):
        name, eq, value = pair.strip().partition("=")
        if eq:
            yield name.strip(), value.strip()
