package media

import (
	"net"
	"testing"
	"time"
)

// A SIP caller whose RTP stops (gone without BYE) ends the call after the
// RTP timeout; one that keeps sending does not.
func TestRTPCustomerTimeout(t *testing.T) {
	gone := make(chan string, 2)
	hub, err := NewHub(Config{RTPTimeout: 2 * time.Second, OnCustomerGone: func(id string) { gone <- id }})
	if err != nil {
		t.Fatal(err)
	}
	silent, _ := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	defer silent.Close()
	hubConn, _ := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err := hub.ConnectCustomerRTP("quiet", PCMU, hubConn, silent.LocalAddr().(*net.UDPAddr)); err != nil {
		t.Fatal(err)
	}
	talker, err := NewRTPPhone(0x43, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer talker.Close()
	hubConn2, _ := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	talker.remote = hubConn2.LocalAddr().(*net.UDPAddr)
	if err := hub.ConnectCustomerRTP("talking", PCMU, hubConn2, talker.Addr()); err != nil {
		t.Fatal(err)
	}
	talker.Start()
	defer hub.End("talking")
	select {
	case id := <-gone:
		if id != "quiet" {
			t.Fatalf("ended %q", id)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the silent caller's call never ended")
	}
	if hub.bridge("quiet") != nil {
		t.Fatal("the silent call's media is still up")
	}
	if st, ok := hub.Stats("talking"); !ok || hub.bridge("talking") == nil || st.FromCustomer == 0 {
		t.Fatalf("the talking caller's call: %+v %v", st, ok)
	}
}
