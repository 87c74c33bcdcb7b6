#!/usr/bin/env python3
"""authsocket's browser client on FastAPI (Starlette) + uvicorn: every browser
carrier (subprotocol, query, cookie, message), an Origin check, and the close
codes the client acts on. The wire details are in authsocket_wire.py.

Run: python3 fastapi_server.py [port] [allowed origin,…]   (port 0 picks a free one; the port is printed)
"""
import asyncio
import socket
import sys

import uvicorn
from fastapi import FastAPI, WebSocket, WebSocketDisconnect

import authsocket_wire as wire

APP_PROTOCOLS = ["chat.v1"]  # yours, in order of preference
ALLOWED_ORIGINS = set((sys.argv[2] if len(sys.argv) > 2 else "http://localhost:8000").split(","))

app = FastAPI()


@app.websocket("/live")
async def live(websocket: WebSocket):
    offered = wire.offered_protocols(websocket.headers.get("sec-websocket-protocol"))
    protocol = wire.select_protocol(offered, APP_PROTOCOLS)
    # Refused before the upgrade: a foreign page (it would ride on the browser's
    # cookies), or offered protocols none of which can be selected. close() before
    # accept() is Starlette's HTTP 403 — right here, wrong for a bad credential.
    if websocket.headers.get("origin") not in ALLOWED_ORIGINS or (offered and protocol is None):
        await websocket.close()
        return

    carrier, token = wire.credential(offered, websocket.query_params.getlist(wire.PARAM), websocket.headers.get("cookie"))
    # Verified before accept(): a single-use ticket is spent only on a handshake that completes.
    user, refusal = wire.admit(token) if carrier else (None, None)

    # Accept, then close with 4401/4403: a browser cannot see an HTTP status.
    # Name the selected protocol: without subprotocol= Chromium fails the subprotocol carrier.
    await websocket.accept(subprotocol=protocol)
    if carrier is None:
        carrier = "message"
        user, refusal = await authenticate_by_message(websocket)
    if refusal:
        await websocket.close(*refusal)
        return

    await websocket.send_json({"type": "welcome", "user": user, "via": carrier, "protocol": protocol})
    try:
        while True:
            message = await websocket.receive_text()
            # The client's heartbeat: answer its ping.
            await websocket.send_text('{"type":"pong"}' if message == '{"type":"ping"}' else message)
    except WebSocketDisconnect:
        pass


async def authenticate_by_message(websocket):
    """The message carrier: the first frame {"type":"auth","token":"…"} within
    AUTH_TIMEOUT, answered auth_ok, or auth_error before the refusal's close."""
    try:
        first = await asyncio.wait_for(websocket.receive(), wire.AUTH_TIMEOUT)
    except asyncio.TimeoutError:
        return None, wire.AUTH_TIMED_OUT
    user, refusal, reply = wire.answer_auth_frame(first.get("text"))
    if reply:
        await websocket.send_text(reply)
    return user, refusal


async def main(port):
    listener = socket.create_server(("127.0.0.1", port))
    print(listener.getsockname()[1], flush=True)
    await uvicorn.Server(uvicorn.Config(app, log_level="warning")).serve(sockets=[listener])


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 8000))
