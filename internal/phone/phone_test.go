package phone

import (
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

func TestKey(t *testing.T) {
	us, gb := Context{Region: "US"}, Context{Region: "gb"}
	wa := Context{International: true}
	tests := []struct {
		name, in string
		c        Context
		want     string
		wantErr  bool
	}{
		// The guide's examples: no country known, the typed digits.
		{"brackets and space", "(800) 100-20000", Context{}, "80010020000", false},
		{"dashes", "800-100-20000", Context{}, "80010020000", false},
		{"plain", "80010020000", Context{}, "80010020000", false},
		{"brackets and dash", "(800)-100-20000", Context{}, "80010020000", false},
		{"dots", "800.100.20000", Context{}, "80010020000", false},
		// One international number in every written form.
		{"E.164", "+12025550177", Context{}, "+12025550177", false},
		{"separators", "+1 (202) 555-0177", Context{}, "+12025550177", false},
		{"non-breaking space", "+1\u00a0202\u00a0555\u00a00177", Context{}, "+12025550177", false},
		{"00 prefix", "001 202 555 0177", Context{}, "+12025550177", false},
		{"00 prefix with region", "00 1 202 555 0177", gb, "+12025550177", false},
		{"WhatsApp wa_id", "12025550177", wa, "+12025550177", false},
		{"national with region", "(202) 555-0177", us, "+12025550177", false},
		{"1 and national with region", "1 202 555 0177", us, "+12025550177", false},
		{"US IDD with region", "011 44 20 7946 0958", us, "+442079460958", false},
		{"UK national", "020 7946 0958", gb, "+442079460958", false},
		{"UK trunk 0 after country code", "+44 (0)20 7946 0958", Context{}, "+442079460958", false},
		{"foreign digits on a UK channel", "12025550177", gb, "+12025550177", false},
		{"not valid international kept", "+1 555 0199 999", Context{}, "+15550199999", false},
		{"not valid wa_id kept", "15550199999", wa, "+15550199999", false},
		{"letters", "800-CALL-NOW", Context{}, "", true},
		{"too short", "12", Context{}, "", true},
		{"too long", "123456789012345678", Context{}, "", true},
		{"empty", "  ", Context{}, "", true},
		{"plus in the middle", "12+34", Context{}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Key("to", tt.in, tt.c)
			if tt.wantErr {
				if desk.ErrorKind(err) != desk.EINVALID || desk.ErrorField(err) != "to" {
					t.Fatalf("Key(%q) = %q, %v; want a field error on to", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Key(%q, %+v) = %q, %v; want %q", tt.in, tt.c, got, err, tt.want)
			}
			if again, err := Key("to", got, Context{}); err != nil || again != got {
				t.Fatalf("Key(%q) = %q, %v: a key must be its own key", got, again, err)
			}
		})
	}
}

func TestDisplay(t *testing.T) {
	for in, want := range map[string]string{
		"+12025550177":  "+1 202-555-0177",
		"+442079460958": "+44 20 7946 0958",
		"80010020000":   "80010020000",
		"+15550199999":  "+15550199999",
	} {
		if got := Display(in); got != want {
			t.Errorf("Display(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAddress(t *testing.T) {
	tests := []struct{ channel, in, want string }{
		{desk.ChannelSMS, "+1 202 555 0177", "+12025550177"},
		{desk.ChannelWhatsApp, "+1 202 555 0177", "+12025550177"},
		{desk.ChannelVoice, "(800) 100-20000", "80010020000"},
		{desk.ChannelAPI, "+1 555 0199 999", "+15550199999"},
		{desk.ChannelAPI, "crm-customer-7", "crm-customer-7"},
		{desk.ChannelViber, "01234567890A=", "01234567890A="},
		{desk.ChannelEmail, " Ann@Example.COM ", "ann@example.com"},
		{desk.ChannelSMS, "VERIFY", "VERIFY"},
		{desk.ChannelVoice, "anonymous", "anonymous"},
	}
	for _, tt := range tests {
		if got, err := Address("from", tt.channel, tt.in, Context{}); err != nil || got != tt.want {
			t.Errorf("Address(%s, %q) = %q, %v; want %q", tt.channel, tt.in, got, err, tt.want)
		}
	}
	if _, err := Address("from", desk.ChannelWhatsApp, "not a number", Context{}); desk.ErrorField(err) != "from" {
		t.Errorf("a word on WhatsApp: %v, want a field error on from", err)
	}
}

func TestForChannel(t *testing.T) {
	if c := ForChannel(desk.ChannelWhatsApp, "", "US"); !c.International || c.Region != "US" {
		t.Errorf("WhatsApp with the server's region: %+v", c)
	}
	if c := ForChannel(desk.ChannelSMS, "GB", "US"); c.International || c.Region != "GB" {
		t.Errorf("the channel's country wins: %+v", c)
	}
}

func TestValidRegion(t *testing.T) {
	for in, want := range map[string]bool{"": true, "US": true, "de": true, "XX": false} {
		if got := ValidRegion(in); got != want {
			t.Errorf("ValidRegion(%q) = %v", in, got)
		}
	}
}

// FuzzKey: never panics; a key is its own key, whatever context made it;
// every written form of the number a key names (separators, "00", the
// WhatsApp digits) gives that key again.
func FuzzKey(f *testing.F) {
	for _, s := range []string{"(800) 100-20000", "+1 (202) 555-0177", "001 202 555 0177", "12025550177", "020 7946 0958"} {
		f.Add(s, "", false)
		f.Add(s, "US", false)
		f.Add(s, "GB", true)
	}
	f.Fuzz(func(t *testing.T, in, region string, intl bool) {
		if !ValidRegion(region) {
			region = ""
		}
		k, err := Key("to", in, Context{Region: region, International: intl})
		if err != nil {
			if desk.ErrorKind(err) != desk.EINVALID || desk.ErrorField(err) != "to" {
				t.Fatalf("Key(%q): %v is not a field error", in, err)
			}
			return
		}
		if again, err := Key("to", k, Context{}); err != nil || again != k {
			t.Fatalf("Key(%q) = %q, whose key is %q (%v)", in, k, again, err)
		}
		if !strings.HasPrefix(k, "+") {
			return
		}
		d := k[1:]
		spaced := "+" + d[:1] + " (" + d[1:] + ")"
		for _, form := range []string{spaced, "00" + d, "00 " + d} {
			if got, err := Key("to", form, Context{Region: region}); err != nil || got != k {
				t.Fatalf("%q is %q but its form %q is %q (%v)", in, k, form, got, err)
			}
		}
		if got, err := Key("to", d, Context{International: true}); err != nil || got != k {
			t.Fatalf("%q is %q but its WhatsApp digits %q are %q (%v)", in, k, d, got, err)
		}
	})
}
