package phone

import (
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, region, in, want string
		wantErr                bool
	}{
		{"brackets and space", "", "(800) 100-20000", "80010020000", false},
		{"dashes", "", "800-100-20000", "80010020000", false},
		{"plain", "", "80010020000", "80010020000", false},
		{"brackets and dash", "", "(800)-100-20000", "80010020000", false},
		{"dots", "", "800.100.20000", "80010020000", false},
		{"international", "", "+1 (202) 555-0143", "+12025550143", false},
		{"default region", "US", "(202) 555-0143", "+12025550143", false},
		{"default region lower case", "de", "030 123456", "+4930123456", false},
		{"letters", "", "800-CALL-NOW", "", true},
		{"too short", "", "12", "", true},
		{"too long", "", "1234567890123456", "", true},
		{"invalid international", "", "+1 555", "", true},
		{"invalid for region", "US", "123", "", true},
		{"empty", "", "  ", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Normalizer{DefaultRegion: tt.region}.Normalize("to", tt.in)
			if tt.wantErr {
				if desk.ErrorKind(err) != desk.EINVALID || desk.ErrorField(err) != "to" {
					t.Fatalf("Normalize(%q) = %q, %v; want a field error on to", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Normalize(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestValidRegion(t *testing.T) {
	for in, want := range map[string]bool{"": true, "US": true, "de": true, "XX": false} {
		if got := ValidRegion(in); got != want {
			t.Errorf("ValidRegion(%q) = %v", in, got)
		}
	}
}
