package auth

import (
	"encoding/base32"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TestTOTPRFC6238Vectors checks the SHA-1 test vectors of RFC 6238
// appendix B (8 digits, seed "12345678901234567890") through our step
// arithmetic and through the library's time-based generator.
func TestTOTPRFC6238Vectors(t *testing.T) {
	secret := base32.StdEncoding.EncodeToString([]byte("12345678901234567890"))
	vectors := []struct {
		unix int64
		step int64
		code string
	}{
		{59, 0x1, "94287082"},
		{1111111109, 0x23523EC, "07081804"},
		{1111111111, 0x23523ED, "14050471"},
		{1234567890, 0x273EF07, "89005924"},
		{2000000000, 0x3F940AA, "69279037"},
		{20000000000, 0x27BC86AA, "65353130"},
	}
	for _, v := range vectors {
		at := time.Unix(v.unix, 0).UTC()
		if got := TOTPStep(at); got != v.step {
			t.Errorf("step(%d) = %X, want %X", v.unix, got, v.step)
		}
		got, err := TOTPCode(secret, TOTPStep(at), otp.DigitsEight)
		if err != nil || got != v.code {
			t.Errorf("TOTPCode at %d = %q (%v), want %q", v.unix, got, err, v.code)
		}
		lib, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Digits: otp.DigitsEight, Algorithm: otp.AlgorithmSHA1})
		if err != nil || lib != v.code {
			t.Errorf("library code at %d = %q (%v), want %q", v.unix, lib, err, v.code)
		}
		// The 6-digit code logins use is the vector's last six digits.
		six, _ := TOTPCode(secret, TOTPStep(at), otp.DigitsSix)
		if six != v.code[2:] {
			t.Errorf("6-digit code at %d = %q, want %q", v.unix, six, v.code[2:])
		}
	}
}

// TestMatchTOTPWindow: one step of skew either way, no further.
func TestMatchTOTPWindow(t *testing.T) {
	secret := base32.StdEncoding.EncodeToString([]byte("12345678901234567890"))
	now := time.Unix(1111111111, 0)
	cur := TOTPStep(now)
	for d := int64(-2); d <= 2; d++ {
		code, _ := TOTPCode(secret, cur+d, otp.DigitsSix)
		step, ok := matchTOTP(secret, code, now)
		want := d >= -1 && d <= 1
		if ok != want || (ok && step != cur+d) {
			t.Errorf("offset %d: match = %v step %d, want %v", d, ok, step-cur, want)
		}
	}
}

func TestEnrollmentAndRecoveryCodes(t *testing.T) {
	en, err := newEnrollment("a@example.com", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(en.Secret) != 32 || !strings.HasPrefix(en.URI, "otpauth://totp/Switchboard:a@example.com?") ||
		!strings.Contains(en.URI, "secret="+en.Secret) || !strings.HasPrefix(en.QRCode, "data:image/png;base64,iVBORw0KGgo") {
		t.Fatalf("enrollment = %+v", en)
	}
	codes, hashes := newRecoveryCodes(RecoveryCodeCount)
	seen := map[string]bool{}
	for i, c := range codes {
		if len(c) != 19 || seen[c] || hashes[i] != hashRecoveryCode(normalizeCode(strings.ToLower(c))) {
			t.Fatalf("recovery code %q / %q", c, hashes[i])
		}
		seen[c] = true
	}
}
