#!/usr/bin/env python3
"""authsocket's browser client on aiohttp: every browser carrier (subprotocol,
query, cookie, message), an Origin check, and the close codes the client acts
on. The wire details are in authsocket_wire.py.

Run: python3 aiohttp_server.py [port] [allowed origin,…]   (port 0 picks a free one; the port is printed)
"""
import asyncio
import socket
import sys

from aiohttp import WSMsgType, web

import authsocket_wire as wire

APP_PROTOCOLS = ["chat.v1"]  # yours, in order of preference
ALLOWED_ORIGINS = set((sys.argv[2] if len(sys.argv) > 2 else "http://localhost:8000").split(","))


async def live(request):
    # A foreign page would ride on the browser's cookies: refused before the upgrade.
    if request.headers.get("Origin") not in ALLOWED_ORIGINS:
        raise web.HTTPForbidden(text="origin not allowed")
    offered = wire.offered_protocols(request.headers.get("Sec-WebSocket-Protocol"))
    protocol = wire.select_protocol(offered, APP_PROTOCOLS)
    if offered and protocol is None:
        raise web.HTTPBadRequest(text="no acceptable subprotocol")

    # request.query is form-decoded ("+" is a space), as the query carrier means;
    # request.query_string is not the raw query (yarl has decoded it already).
    carrier, token = wire.credential(offered, request.query.getall(wire.PARAM, []), request.headers.get("Cookie"))
    # Verified before the upgrade: a single-use ticket is spent only on a handshake that completes.
    user, refusal = wire.admit(token) if carrier else (None, None)

    # aiohttp selects only what `protocols` lists: list the one chosen
    # ("authsocket" when the app names none), never the token entry.
    websocket = web.WebSocketResponse(protocols=(protocol,) if protocol else ())
    # Accept, then close with 4401/4403: a browser cannot see an HTTP status.
    await websocket.prepare(request)
    if carrier is None:
        carrier = "message"
        user, refusal = await authenticate_by_message(websocket)
    if refusal:
        code, reason = refusal
        await websocket.close(code=code, message=reason.encode())
        return websocket

    await websocket.send_json({"type": "welcome", "user": user, "via": carrier, "protocol": protocol})
    async for message in websocket:
        if message.type == WSMsgType.TEXT:
            # The client's heartbeat: answer its ping.
            await websocket.send_str('{"type":"pong"}' if message.data == '{"type":"ping"}' else message.data)
    return websocket


async def authenticate_by_message(websocket):
    """The message carrier: the first frame {"type":"auth","token":"…"} within
    AUTH_TIMEOUT, answered auth_ok, or auth_error before the refusal's close."""
    try:
        first = await websocket.receive(timeout=wire.AUTH_TIMEOUT)
    except asyncio.TimeoutError:
        return None, wire.AUTH_TIMED_OUT
    user, refusal, reply = wire.answer_auth_frame(first.data if first.type == WSMsgType.TEXT else None)
    if reply:
        await websocket.send_str(reply)
    return user, refusal


async def main(port):
    app = web.Application()
    app.router.add_get("/live", live)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    listener = socket.create_server(("127.0.0.1", port))
    await web.SockSite(runner, listener).start()
    print(listener.getsockname()[1], flush=True)
    await asyncio.Event().wait()  # serve until killed


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 8000))
