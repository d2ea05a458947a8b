package trunk

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"syscall"
)

// listenRTP binds a trunk leg's RTP socket on the trunk's host: inside
// PortMin–PortMax when set (--rtp-ports, the range a firewall opens for
// media), from a random start so concurrent calls rarely race for a port.
// The range full is an error: the call is refused rather than sent
// through a port the firewall blocks.
func (t *Trunk) listenRTP() (*net.UDPConn, error) {
	ip := net.ParseIP(t.host)
	lo, hi := int(t.cfg.PortMin), int(t.cfg.PortMax)
	if lo == 0 {
		return net.ListenUDP("udp4", &net.UDPAddr{IP: ip})
	}
	n := hi - lo + 1
	start := rand.IntN(n)
	for i := range n {
		port := lo + (start+i)%n
		conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: ip, Port: port})
		if err == nil {
			return conn, nil
		}
		if !errors.Is(err, syscall.EADDRINUSE) {
			return nil, err
		}
	}
	return nil, fmt.Errorf("trunk: every RTP port in %d-%d is taken", lo, hi)
}
