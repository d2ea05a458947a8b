package twilio

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// TestFetchMedia: MMS media are fetched with the account's basic-auth
// credentials from Twilio's own host only; a MediaUrl elsewhere gets none.
func TestFetchMedia(t *testing.T) {
	auth := map[string]string{}
	handler := func(name string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			u, p, _ := r.BasicAuth()
			auth[name] = u + ":" + p
			w.Write([]byte("\xff\xd8\xff\xe0 jpeg"))
		})
	}
	api := httptest.NewServer(handler("api"))
	defer api.Close()
	other := httptest.NewServer(handler("other"))
	defer other.Close()
	ch, err := New(&desk.ChannelConfig{Kind: desk.ChannelSMS, Settings: map[string]string{"account_sid": "AC1", "base_url": api.URL}, Secrets: map[string]string{"auth_token": "tok"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{api.URL + "/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1", other.URL + "/ME2"} {
		rc, err := ch.(*Channel).FetchMedia(context.Background(), http.DefaultClient, &desk.Attachment{URL: u})
		if err != nil {
			t.Fatal(err)
		}
		if b, _ := io.ReadAll(rc); string(b) != "\xff\xd8\xff\xe0 jpeg" {
			t.Fatalf("body %q", b)
		}
		rc.Close()
	}
	if auth["api"] != "AC1:tok" || auth["other"] != ":" {
		t.Fatalf("credentials sent: %v", auth)
	}
	if _, err := ch.(*Channel).FetchMedia(context.Background(), http.DefaultClient, &desk.Attachment{URL: "file:///etc/passwd"}); err == nil {
		t.Fatal("a file: URL was fetched")
	}
}
