#!/usr/bin/env python3
"""authsocket's `resume` on a Python `websockets` server (10.x and later), written
from the wire description in docs/resume.md alone: sessions that outlive their
connections, so that no app message is lost or delivered twice across drops.

Run: python3 python_resume_server.py [port] [window_seconds] [max_buffered]
(port 0 picks a free one; the port is printed). Credentials: the subprotocol or
query carrier, "good:<name>" is user <name> (authsocket_wire.py).

The demo app: the client sends {"type":"n","n":…} (recorded per session),
{"type":"stream","count":N,"every":ms} (the server sends {"type":"s","n":1…N}),
{"type":"report"} (answered with what it recorded), {"type":"cut"} (the server
drops the TCP connection without a close frame) or {"type":"close","code":C}.
"""
import asyncio
import json
import secrets
import sys
from urllib.parse import parse_qs, urlsplit

import websockets

from authsocket_wire import DEFAULT_PROTOCOL, PARAM, SESSION_MOVED, admit, credential, offered_protocols

RESUME = "authsocket.resume"          # the request's subprotocol entry, never selected
CONTROL = '{"$":'                     # every control frame starts so; app frames that do are escaped
ACK_DELAY = 1.0                       # seconds: acknowledge at the latest this long after a frame
PING, PONG = '{"type":"ping"}', '{"type":"pong"}'  # the heartbeat: answered here, never counted


def control(**fields):
    return json.dumps(fields, separators=(",", ":"))


class Session:
    """One client's session: what it sent us (counted), what we sent it (numbered, kept until acknowledged)."""

    def __init__(self, user, max_buffered):
        self.id = secrets.token_urlsafe(16)  # 22 base64url characters, 128 random bits
        self.user = user
        self.received = 0       # app frames received from the client
        self.sent = 0           # app frames sent to the client (numbered 1, 2, …)
        self.kept = []          # frames sent-len(kept)+1 … sent, until the client acknowledges them
        self.overflowed = False  # more than max_buffered unacknowledged: the next resume is "lost"
        self.max_buffered = max_buffered
        self.asked = False
        self.socket = None      # the connection the session runs on (None while the client is away)
        self.ack_timer = None
        self.expiry = None
        self.got = []           # the demo app's record of the client's numbers

    def send(self, text):
        """An app frame: numbered and kept (while the client is away too), then written if connected."""
        if len(self.kept) >= self.max_buffered:
            self.overflowed = True  # never unbounded: the session is lost for the client
            return
        self.sent += 1
        self.kept.append(text)
        if len(self.kept) >= self.max_buffered // 2 and not self.asked:
            self.asked = True
            self.write(control(**{"$": "ask"}))
        self.write(escape(text))

    def write(self, frame):
        if self.socket is not None:
            asyncio.ensure_future(quietly(self.socket.send(frame)))

    def acknowledged(self, n):
        first_kept = self.sent - len(self.kept) + 1
        del self.kept[: max(0, n - first_kept + 1)]
        if len(self.kept) < self.max_buffered // 2:
            self.asked = False

    def schedule_ack(self):
        if self.ack_timer is None:
            self.ack_timer = asyncio.get_running_loop().call_later(ACK_DELAY, self.send_ack)

    def send_ack(self):
        if self.ack_timer is not None:
            self.ack_timer.cancel()
            self.ack_timer = None
        self.write(control(**{"$": "ack", "n": self.received}))


def escape(text):
    if isinstance(text, str) and text.startswith(CONTROL):
        return control(**{"$": "msg", "d": text})
    return text


async def quietly(coroutine):
    try:
        await coroutine
    except websockets.ConnectionClosed:
        pass  # the frame stays kept: it goes again when the session resumes


class Gate:
    def __init__(self, window, max_buffered):
        self.window = window
        self.max_buffered = max_buffered
        self.sessions = {}

    def request(self, offered):
        """The resume request: (None, 0) for a new session, (id, received) to continue one; False without resume."""
        entries = [entry for entry in offered if entry == RESUME or entry.startswith(RESUME + ".")]
        if not entries:
            return False
        parts = entries[-1][len(RESUME) + 1:].rsplit(".", 1) if entries[-1] != RESUME else []
        if len(parts) == 2 and parts[1].isdigit():
            return parts[0], int(parts[1])
        return None, 0

    async def handler(self, websocket):
        offered = offered_protocols(websocket.request_headers.get("Sec-WebSocket-Protocol"))
        query = parse_qs(urlsplit(websocket.path).query).get(PARAM, [])
        _carrier, token = credential(offered, query, websocket.request_headers.get("Cookie"))
        user, refusal = admit(token)
        if refusal:
            await websocket.close(*refusal)
            return
        wanted = self.request(offered)
        if wanted is False:
            await websocket.close(4400, "this demo speaks resume only")
            return
        session, status = await self.take(websocket, user, *wanted)
        try:
            async for frame in websocket:
                if session.socket is not websocket:
                    break  # the session moved to a newer connection: what came after is not counted here
                await self.on_frame(session, websocket, frame)
        except websockets.ConnectionClosed:
            pass
        finally:
            if session.socket is websocket:
                session.socket = None
                session.expiry = asyncio.get_running_loop().call_later(self.window, self.sessions.pop, session.id, None)

    async def take(self, websocket, user, wanted_id, client_received):
        """Continues the session asked for, or starts one; answers, replays, then goes live."""
        session = self.sessions.get(wanted_id) if wanted_id else None
        first_kept = session.sent - len(session.kept) + 1 if session else 0
        if session and (session.user != user or session.overflowed or client_received < first_kept - 1 or client_received > session.sent):
            self.end(session)
            session = None
        status = "resumed" if session else ("lost" if wanted_id else "new")
        if session is None:
            session = Session(user, self.max_buffered)
            self.sessions[session.id] = session
        if session.expiry:
            session.expiry.cancel()
            session.expiry = None
        old, session.socket = session.socket, None
        if old is not None:
            # The old connection counts nothing more from here (its loop sees the move), so the
            # answer's count is final; its close need not be awaited (a dead peer would stall it).
            asyncio.ensure_future(quietly(old.close(*SESSION_MOVED)))
        session.acknowledged(client_received)
        await websocket.send(control(**{"$": "session", "id": session.id, "status": status, "received": session.received}))
        number = client_received
        while number < session.sent:  # what the client lacks, in order (the list may grow meanwhile)
            frame = session.kept[number - (session.sent - len(session.kept))]
            await websocket.send(escape(frame))
            number += 1
        session.socket = websocket
        print(json.dumps({"event": "session", "status": status, "user": user}), flush=True)
        return session, status

    def end(self, session):
        self.sessions.pop(session.id, None)
        if session.ack_timer:
            session.ack_timer.cancel()

    async def on_frame(self, session, websocket, frame):
        if isinstance(frame, str) and frame.startswith(CONTROL):
            message = json.loads(frame)
            kind = message.get("$")
            if kind == "ack":
                session.acknowledged(int(message["n"]))
            elif kind == "ask":
                session.send_ack()
            elif kind == "end":
                self.end(session)
                session.socket = None
            elif kind == "msg":
                await self.on_app(session, websocket, message["d"])
            return
        if frame == PING:
            await websocket.send(PONG)
            return
        await self.on_app(session, websocket, frame)

    async def on_app(self, session, websocket, frame):
        session.received += 1
        session.schedule_ack()
        message = json.loads(frame) if isinstance(frame, str) else {}
        kind = message.get("type") if isinstance(message, dict) else None
        if kind == "n":
            session.got.append(message["n"])
            print(json.dumps({"got": message["n"]}), flush=True)  # the record outlives a restart
        elif kind == "report":
            session.send(json.dumps({"type": "report", "got": session.got}))
        elif kind == "stream":
            asyncio.ensure_future(stream(session, int(message["count"]), float(message["every"]) / 1000))
        elif kind == "cut":
            websocket.transport.abort()  # a dead TCP connection: no close frame
        elif kind == "close":
            await websocket.close(int(message["code"]), "closed by request")
        else:
            session.send(frame)  # anything else is echoed


async def stream(session, count, every):
    for n in range(1, count + 1):
        session.send(json.dumps({"type": "s", "n": n}))
        await asyncio.sleep(every)


async def main(port, window, max_buffered):
    gate = Gate(window, max_buffered)
    async with websockets.serve(gate.handler, "127.0.0.1", port, subprotocols=[DEFAULT_PROTOCOL]) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.Future()  # serve until killed


if __name__ == "__main__":
    args = sys.argv[1:]
    asyncio.run(main(int(args[0]) if args else 8765, float(args[1]) if len(args) > 1 else 120.0, int(args[2]) if len(args) > 2 else 1000))
