package livechat

import (
	"fmt"
	"testing"
	"time"
)

// TestLimitsPerChannel: visitors from many addresses together reach the
// channel's limit; each address alone its own; refusals take nothing, and
// the buckets refill over a minute.
func TestLimitsPerChannel(t *testing.T) {
	lim, err := limitsOf(map[string]string{"rate_conversations_per_channel": "5", "rate_conversations_per_address": "2"})
	if err != nil {
		t.Fatal(err)
	}
	var ls limiters
	now := time.Unix(1_700_000_000, 0)
	ok := 0
	for i := 0; i < 20; i++ {
		if ls.allow(7, lim, limitConversations, fmt.Sprintf("198.51.100.%d", i), now) == 0 {
			ok++
		}
	}
	if ok != 5 {
		t.Fatalf("%d conversations from 20 addresses, channel limit 5", ok)
	}
	// Another channel has its own buckets; one address its own limit.
	if ls.allow(8, lim, limitConversations, "203.0.113.1", now) != 0 || ls.allow(8, lim, limitConversations, "203.0.113.1", now) != 0 {
		t.Fatal("another channel is limited")
	}
	if d := ls.allow(8, lim, limitConversations, "203.0.113.1", now); d == 0 || d > time.Minute {
		t.Fatalf("third from one address: wait %v", d)
	}
	if ls.allow(7, lim, limitConversations, "192.0.2.1", now.Add(time.Minute)) != 0 {
		t.Fatal("the channel's bucket did not refill")
	}
	if _, err := limitsOf(map[string]string{"rate_messages_per_address": "0"}); err == nil {
		t.Fatal("a zero limit is accepted")
	}
}
