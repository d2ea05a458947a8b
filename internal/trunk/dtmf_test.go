package trunk

import (
	"context"
	"errors"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/pion/rtp"

	"github.com/switchboard-cc/switchboard/internal/media"
)

// Our SDP offers telephone-event only when asked; a party's payload type
// for it is read from its SDP, 0 when absent.
func TestTelephoneEventSDP(t *testing.T) {
	with := sdpOffer("127.0.0.1", 4000, media.PCMA, 101)
	if got := telephoneEvent(with); got != 101 {
		t.Fatalf("our offer's event type %d:\n%s", got, with)
	}
	if codec, _, err := sdpOfferMedia(with); err != nil || codec != media.PCMA {
		t.Fatalf("our offer's codec %q %v", codec, err)
	}
	if got := telephoneEvent(sdpOffer("127.0.0.1", 4000, media.PCMU, 0)); got != 0 {
		t.Fatalf("an offer without events has type %d", got)
	}
	if got := telephoneEvent([]byte("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 5 RTP/AVP 0 96\r\na=rtpmap:96 Telephone-Event/8000\r\n")); got != 96 {
		t.Fatalf("case-insensitive: %d", got)
	}
}

// An agent's keys reach a dialed customer over SIP: our INVITE offers
// telephone-event (sipp checks), the customer answers with it at type 110,
// and SendDTMF's events arrive at the customer's RTP address with that
// type and the key's code.
func TestDialCustomerDTMF(t *testing.T) {
	rtpSock, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer rtpSock.Close()
	port := freePort(t)
	sipp := startSipp(t, "answer_with_events.xml", port, "-set", "rtpport", strconv.Itoa(rtpSock.LocalAddr().(*net.UDPAddr).Port))
	hub, err := media.NewHub(media.Config{IncludeLoopback: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := hub.Open("c9", media.PCMU); err != nil {
		t.Fatal(err)
	}
	defer hub.End("c9")
	tr, err := New(Config{Listen: "127.0.0.1:" + strconv.Itoa(freePort(t)), Proxy: "127.0.0.1:" + strconv.Itoa(port), RingTimeout: 10 * time.Second}, hub)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer func() { cancel(); tr.Close() }()
	if err := tr.Start(ctx); err != nil {
		t.Fatal(err)
	}
	ev, cb := newEvents()
	tr.DialCustomer(ctx, "c9", "+15550100", cb)
	wait(t, "answered", ev.answered)
	if err := hub.SendDTMF("c9", "7"); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1500)
	_ = rtpSock.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		n, _, err := rtpSock.ReadFromUDP(buf)
		if err != nil {
			t.Fatalf("no telephone-event arrived: %v", err)
		}
		var pkt rtp.Packet
		if pkt.Unmarshal(buf[:n]) == nil && pkt.PayloadType == 110 {
			if pkt.Payload[0] != 7 {
				t.Fatalf("event code %d", pkt.Payload[0])
			}
			break
		}
	}
	tr.Hangup("c9")
	if err := wait(t, "sipp to finish", sipp); err != nil {
		t.Fatalf("sipp (our offer lacked telephone-event?): %v", err)
	}
	if err := hub.SendDTMF("nope", "1"); err == nil || errors.Is(err, media.ErrNoDTMF) {
		t.Fatalf("keys for a call without media: %v", err)
	}
}
