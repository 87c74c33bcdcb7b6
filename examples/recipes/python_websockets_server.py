#!/usr/bin/env python3
"""authsocket's subprotocol carrier on a Python `websockets` server (10.x and later).

Run: python3 python_websockets_server.py [port]   (port 0 picks a free one; the port is printed)
"""
import asyncio
import base64
import json
import sys

import websockets

PREFIX = "base64url.bearer."
# websockets selects one of these from what the client offered: the app protocol,
# never the token entry (a browser fails a connection whose server selects none).
APP_PROTOCOLS = ["chat.v1"]


class Forbidden(Exception):
    """A new credential will not help: the client stops (close 4403)."""


def token_from(headers):
    """The credential from the token entry `base64url.bearer.<base64url(token)>`."""
    offered = [entry.strip() for entry in headers.get("Sec-WebSocket-Protocol", "").split(",")]
    entries = [entry[len(PREFIX):] for entry in offered if entry.startswith(PREFIX)]
    if len(entries) != 1:
        return None
    try:
        data = entries[0]
        return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None


def verify(token):
    """Your check: a JWT, a single-use ticket, a session. This demo knows three kinds."""
    if token is not None and token.startswith("good"):
        return "alice"
    if token is not None and token.startswith("banned"):
        raise Forbidden()
    return None  # unknown or expired


async def handler(websocket):
    # Accept the upgrade, then close with a code the client understands: a browser
    # cannot see an HTTP 401/403 on the upgrade.
    try:
        user = verify(token_from(websocket.request_headers))
    except Forbidden:
        await websocket.close(4403, "forbidden")  # the client stops: `unauthorized`
        return
    if user is None:
        await websocket.close(4401, "unauthorized")  # the client retries with a fresh token
        return
    await websocket.send(json.dumps({"type": "welcome", "user": user, "protocol": websocket.subprotocol}))
    async for message in websocket:
        if message == '{"type":"ping"}':
            await websocket.send('{"type":"pong"}')  # the client's heartbeat
        else:
            await websocket.send(message)


async def main(port):
    async with websockets.serve(handler, "127.0.0.1", port, subprotocols=APP_PROTOCOLS) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.Future()  # serve until killed


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 8765))
