// authsocket's browser client on Go with gorilla/websocket: every browser
// carrier (subprotocol, query, cookie, message), an Origin check, and the
// close codes the client acts on.
//
// Build (offline, from Debian's golang-github-gorilla-websocket-dev):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o gorilla_server gorilla_server.go
//
// Run: ./gorilla_server [port] [allowed origin,…]   (port 0 picks a free one; the port is printed)
package main

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"
)

const (
	prefix          = "base64url.bearer." // subprotocol carrier: prefix + base64url(UTF-8 token), no padding
	param           = "access_token"      // query carrier
	cookieName      = "ws_token"          // cookie carrier
	defaultProtocol = "authsocket"        // offered beside the token entry when the app names no protocol
	authTimeout     = 10 * time.Second    // message carrier: the wait for the auth frame
	authFrameMax    = 16 * 1024           // bytes: the largest frame accepted before authentication
)

// Your app's protocols, in order of preference.
var appProtocols = []string{"chat.v1"}

var allowedOrigins = map[string]bool{}

// A close code and reason the client acts on.
type refusal struct {
	code   int
	reason string
}

var (
	unauthorized    = &refusal{4401, "unauthorized"} // a fresh credential, then a retry
	authTimedOut    = &refusal{4401, "auth timeout"}
	forbidden       = &refusal{4403, "forbidden"} // the client stops: `unauthorized`
	notAnAuthFrame  = &refusal{1008, "auth message expected"}
	authFrameTooBig = &refusal{1009, "auth frame too big"}
)

var errForbidden = errors.New("forbidden")

// verify is your check: a JWT, a single-use ticket, a session. This demo knows
// "good:<name>" (user <name>) and "banned:…" (forbidden); anything else is
// unknown or expired ("").
func verify(token string) (string, error) {
	if strings.HasPrefix(token, "good:") {
		return strings.TrimPrefix(token, "good:"), nil
	}
	if strings.HasPrefix(token, "banned:") {
		return "", errForbidden
	}
	return "", nil
}

// admit is verify's answer: the user, or the refusal. A missing, ambiguous or
// malformed credential ("") is refused without calling it.
func admit(token string) (string, *refusal) {
	if token == "" {
		return "", unauthorized
	}
	user, err := verify(token)
	if errors.Is(err, errForbidden) {
		return "", forbidden
	}
	if err != nil || user == "" {
		return "", unauthorized
	}
	return user, nil
}

// selectProtocol: the first of the app's protocols the client offered, else
// "authsocket" if offered; never the token entry (that would echo the credential).
func selectProtocol(offered []string) string {
	for _, protocol := range append(appProtocols, defaultProtocol) {
		for _, entry := range offered {
			if entry == protocol && !strings.HasPrefix(entry, prefix) {
				return protocol
			}
		}
	}
	return ""
}

// credential finds the token the upgrade carries, first of subprotocol, query,
// cookie. carrier "": none came (the message carrier follows). token "": carried
// but ambiguous or malformed (refused).
func credential(r *http.Request, offered []string) (carrier, token string) {
	var entries []string
	for _, entry := range offered {
		if strings.HasPrefix(entry, prefix) {
			entries = append(entries, strings.TrimPrefix(entry, prefix))
		}
	}
	if len(entries) > 0 {
		return "subprotocol", only(entries, func(value string) (string, error) {
			raw, err := base64.RawURLEncoding.Strict().DecodeString(value)
			if err != nil || !utf8.Valid(raw) {
				return "", errors.New("malformed")
			}
			return string(raw), nil
		})
	}
	// Query() form-decodes ("+" is a space), as the query carrier means.
	if values := r.URL.Query()[param]; len(values) > 0 {
		return "query", only(values, func(value string) (string, error) { return value, nil })
	}
	// The cookie is percent-encoded with "+" literal: PathUnescape, never QueryUnescape.
	var cookies []string
	for _, cookie := range r.Cookies() {
		if cookie.Name == cookieName {
			cookies = append(cookies, cookie.Value)
		}
	}
	if len(cookies) > 0 {
		return "cookie", only(cookies, url.PathUnescape)
	}
	return "", ""
}

// only decodes the one value; two credentials of one kind (two token entries, a
// repeated parameter, the cookie twice: cookie tossing) are refused, never guessed.
func only(values []string, decode func(string) (string, error)) string {
	if len(values) != 1 {
		return ""
	}
	token, err := decode(values[0])
	if err != nil || !utf8.ValidString(token) {
		return ""
	}
	return token
}

// The Origin is checked in live, before anything else.
var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

func live(w http.ResponseWriter, r *http.Request) {
	// A foreign page would ride on the browser's cookies: refused before the upgrade.
	if !allowedOrigins[r.Header.Get("Origin")] {
		http.Error(w, "origin not allowed", http.StatusForbidden)
		return
	}
	offered := websocket.Subprotocols(r)
	protocol := selectProtocol(offered)
	if len(offered) > 0 && protocol == "" {
		http.Error(w, "no acceptable subprotocol", http.StatusBadRequest)
		return
	}
	carrier, token := credential(r, offered)
	var user string
	var refused *refusal
	if carrier != "" {
		// Verified before the upgrade: a single-use ticket is spent only on a handshake that completes.
		user, refused = admit(token)
	}
	header := http.Header{}
	if protocol != "" {
		header.Set("Sec-WebSocket-Protocol", protocol)
	}
	// Accept, then close with 4401/4403: a browser cannot see an HTTP status.
	conn, err := upgrader.Upgrade(w, r, header)
	if err != nil {
		return // not a WebSocket handshake: gorilla has answered with an HTTP error
	}
	defer conn.Close()
	if carrier == "" {
		carrier = "message"
		user, refused = authenticateByMessage(conn)
	}
	if refused != nil {
		closeWith(conn, refused)
		return
	}

	var selected any // JSON null when no protocol was offered
	if protocol != "" {
		selected = protocol
	}
	conn.WriteJSON(map[string]any{"type": "welcome", "user": user, "via": carrier, "protocol": selected})
	for {
		kind, data, err := conn.ReadMessage()
		if err != nil {
			return // the client closed; gorilla has answered its close frame
		}
		if kind == websocket.TextMessage && string(data) == `{"type":"ping"}` {
			data = []byte(`{"type":"pong"}`) // the client's heartbeat
		}
		conn.WriteMessage(kind, data)
	}
}

// authenticateByMessage: the first frame {"type":"auth","token":"…"} within
// authTimeout, answered auth_ok, or auth_error before the refusal's close.
func authenticateByMessage(conn *websocket.Conn) (string, *refusal) {
	conn.SetReadLimit(authFrameMax)
	conn.SetReadDeadline(time.Now().Add(authTimeout))
	kind, data, err := conn.ReadMessage()
	var netErr net.Error
	switch {
	case errors.As(err, &netErr) && netErr.Timeout():
		return "", authTimedOut
	case errors.Is(err, websocket.ErrReadLimit):
		return "", authFrameTooBig
	case err != nil:
		return "", notAnAuthFrame // gone already: nobody reads the close
	}
	var frame struct {
		Type  string          `json:"type"`
		Token json.RawMessage `json:"token"`
	}
	if kind != websocket.TextMessage || json.Unmarshal(data, &frame) != nil || frame.Type != "auth" {
		return "", notAnAuthFrame
	}
	var token string
	json.Unmarshal(frame.Token, &token) // "" unless a string: refused
	user, refused := admit(token)
	answer := `{"type":"auth_ok"}`
	if refused != nil {
		answer = `{"type":"auth_error"}`
	}
	conn.WriteMessage(websocket.TextMessage, []byte(answer))
	conn.SetReadLimit(0)
	conn.SetReadDeadline(time.Time{})
	return user, refused
}

// closeWith sends a close frame and waits (2 s at most) for the client's.
// conn.Close() alone drops the TCP connection: the browser sees 1006, not 4401/4403.
func closeWith(conn *websocket.Conn, refused *refusal) {
	deadline := time.Now().Add(2 * time.Second)
	conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(refused.code, refused.reason), deadline)
	conn.SetReadDeadline(deadline)
	for {
		if _, _, err := conn.NextReader(); err != nil {
			return
		}
	}
}

func main() {
	port, origins := "8000", "http://localhost:8000"
	if len(os.Args) > 1 {
		port = os.Args[1]
	}
	if len(os.Args) > 2 {
		origins = os.Args[2]
	}
	for _, origin := range strings.Split(origins, ",") {
		allowedOrigins[origin] = true
	}
	listener, err := net.Listen("tcp", "127.0.0.1:"+port)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(listener.Addr().(*net.TCPAddr).Port)
	http.HandleFunc("/live", live)
	http.Serve(listener, nil)
}
