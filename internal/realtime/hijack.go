package realtime

import (
	"bufio"
	"net"
	"net/http"
)

// Buffers of a socket once upgraded. net/http hands over its 4 KB reader
// and writer, kept for the socket's life: 8 KB of every idle socket. Client
// messages are small (a heartbeat, a subscription) and most frames fit in
// 1 KB; a larger frame is written straight through.
const (
	socketReadBuffer  = 512
	socketWriteBuffer = 1 << 10
)

// smallBuffers is the ResponseWriter the WebSocket library upgrades: its
// Hijack swaps net/http's buffers for small ones (issue 4: memory per
// socket).
type smallBuffers struct{ http.ResponseWriter }

func (w smallBuffers) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil || brw.Reader.Buffered() > 0 {
		return conn, brw, err // keep bytes the client sent ahead
	}
	return conn, bufio.NewReadWriter(bufio.NewReaderSize(conn, socketReadBuffer), bufio.NewWriterSize(conn, socketWriteBuffer)), nil
}
