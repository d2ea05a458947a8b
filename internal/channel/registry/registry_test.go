package registry

import (
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

func TestDefaultProviderAndAdapterKinds(t *testing.T) {
	r := New(nil, nil)
	for kind, want := range map[string]string{"whatsapp": "whatsapp", "sms": "twilio", "viber": "viber", "messenger": "messenger",
		"instagram": "instagram", "apple": "signed", "google": "signed", "kakao": "signed", "email": "smtp", "livechat": "livechat", "voice": "sip"} { // K: a Voice channel is a SIP trunk number
		if got := r.DefaultProvider(kind); got != want {
			t.Errorf("DefaultProvider(%s) = %q, want %q", kind, got, want)
		}
	}
	_, err := r.Adapter(&desk.ChannelConfig{Kind: "sms", Provider: "viber", Secrets: map[string]string{"auth_token": "x"}})
	if desk.ErrorKind(err) != desk.EINVALID {
		t.Fatalf("viber adapter for an sms channel: %v", err)
	}
	ch, err := r.Adapter(&desk.ChannelConfig{Kind: "instagram", Provider: "instagram", Secrets: map[string]string{"app_secret": "x"}})
	if err != nil || ch.Kind() != "instagram" || ch.Capabilities().MaxTextLength != 1000 {
		t.Fatalf("instagram adapter: %v %v", ch, err)
	}
}
