package media

import (
	"encoding/binary"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/pion/rtp"
)

// Keys reach a SIP customer as RFC 4733 events in the leg's own stream:
// per key one timestamp, the marker on the first packet, growing
// durations, the end packet three times; sequence numbers continue the
// audio's (the customer hears hold music meanwhile), the audio pauses
// during an event, and the next key starts later on the clock. A leg
// that negotiated no telephone-event, and a browser customer, refuse.
func TestSendDTMF(t *testing.T) {
	hub, err := NewHub(Config{IncludeLoopback: true})
	if err != nil {
		t.Fatal(err)
	}
	sip, _ := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	defer sip.Close()
	hubConn, _ := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err := hub.ConnectCustomerRTP("c1", PCMU, hubConn, sip.LocalAddr().(*net.UDPAddr)); err != nil {
		t.Fatal(err)
	}
	defer hub.End("c1")
	if err := hub.SendDTMF("c1", "5"); !errors.Is(err, ErrNoDTMF) {
		t.Fatalf("without telephone-event: %v", err)
	}
	hub.SetCustomerEvents("c1", 101)
	if err := hub.SendDTMF("c1", "5x"); err == nil {
		t.Fatal("a bad key was queued")
	}
	if err := hub.SendDTMF("c1", "5#"); err != nil {
		t.Fatal(err)
	}

	type event struct {
		code     byte
		end      bool
		duration uint16
		marker   bool
		ts       uint32
	}
	var events []event
	var lastSeq uint16
	seqs := 0
	audioDuringEvent := 0
	ends := 0
	buf := make([]byte, 1500)
	_ = sip.SetReadDeadline(time.Now().Add(10 * time.Second))
	for ends < 6 {
		n, _, err := sip.ReadFromUDP(buf)
		if err != nil {
			t.Fatalf("after %d events: %v", len(events), err)
		}
		var pkt rtp.Packet
		if err := pkt.Unmarshal(buf[:n]); err != nil {
			t.Fatal(err)
		}
		if seqs > 0 && pkt.SequenceNumber != lastSeq+1 {
			t.Fatalf("sequence %d after %d", pkt.SequenceNumber, lastSeq)
		}
		lastSeq, seqs = pkt.SequenceNumber, seqs+1
		if pkt.PayloadType != 101 {
			if len(events) > 0 && !events[len(events)-1].end {
				audioDuringEvent++
			}
			continue
		}
		e := event{code: pkt.Payload[0], end: pkt.Payload[1]&0x80 != 0, duration: binary.BigEndian.Uint16(pkt.Payload[2:]), marker: pkt.Marker, ts: pkt.Timestamp}
		if e.end {
			ends++
		}
		events = append(events, e)
	}
	if audioDuringEvent > 0 {
		t.Fatalf("%d audio packets during an event", audioDuringEvent)
	}
	if len(events) != 14 {
		t.Fatalf("%d event packets, want 2 keys × (4 + 3 end): %+v", len(events), events)
	}
	for k, want := range []byte{5, 11} {
		key := events[k*7 : k*7+7]
		for i, e := range key {
			wantDur := uint16(min(i+1, 5) * 160)
			if e.code != want || e.ts != key[0].ts || e.marker != (i == 0) || e.end != (i >= 4) || e.duration != wantDur {
				t.Fatalf("key %d packet %d = %+v", k, i, e)
			}
		}
	}
	if d := events[7].ts - events[0].ts; d < 5*160 {
		t.Fatalf("the second key starts %d samples after the first", d)
	}
}

// A browser customer (call link) takes no telephone-events.
func TestSendDTMFBrowserCustomer(t *testing.T) {
	hub, err := NewHub(Config{IncludeLoopback: true})
	if err != nil {
		t.Fatal(err)
	}
	customer, offer, err := NewSoftphone(0x43)
	if err != nil {
		t.Fatal(err)
	}
	defer customer.Close()
	if _, err := hub.ConnectCustomer(t.Context(), "c2", offer); err != nil {
		t.Fatal(err)
	}
	defer hub.End("c2")
	if err := hub.SendDTMF("c2", "1"); !errors.Is(err, ErrNoDTMF) {
		t.Fatalf("browser customer: %v", err)
	}
}

func TestValidDigits(t *testing.T) {
	for s, want := range map[string]bool{"0123456789*#ABCD": true, "abcd": true, "": false, "12e": false, "123456789012345678901234567890123": false} {
		if ValidDigits(s) != want {
			t.Errorf("ValidDigits(%q) != %v", s, want)
		}
	}
}
