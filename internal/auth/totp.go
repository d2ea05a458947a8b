package auth

import (
	"bytes"
	"crypto/subtle"
	"encoding/base64"
	"image"
	"image/draw"
	"image/png"
	"io"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"
)

// TOTP parameters: the RFC 6238 defaults every authenticator app expects
// (30 s steps, 6 digits, HMAC-SHA-1).
const (
	TOTPPeriod = 30
	TOTPIssuer = "Switchboard"
	totpDigits = otp.DigitsSix
	// totpSkew accepts the step before and after the current one, for
	// clocks that drift and codes typed near a step boundary.
	totpSkew = 1
)

// TOTPStep returns the RFC 6238 time step (counter) of t.
func TOTPStep(t time.Time) int64 { return t.Unix() / TOTPPeriod }

// TOTPCode returns the HMAC-SHA-1 code of a base32 secret at a time step
// with the given number of digits (6 for logins; 8 in the RFC's vectors).
func TOTPCode(secret string, step int64, digits otp.Digits) (string, error) {
	return hotp.GenerateCodeCustom(secret, uint64(step), hotp.ValidateOpts{Digits: digits, Algorithm: otp.AlgorithmSHA1})
}

// matchTOTP returns the step within the skew of now whose code is code.
// Every candidate is computed and compared in constant time, so the answer
// takes as long whichever step matches.
func matchTOTP(secret, code string, now time.Time) (int64, bool) {
	cur := TOTPStep(now)
	step, ok := int64(0), false
	for s := cur - totpSkew; s <= cur+totpSkew; s++ {
		want, err := TOTPCode(secret, s, totpDigits)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			step, ok = s, true
		}
	}
	return step, ok
}

// isTOTPCode reports whether code has the shape of a TOTP code (6 digits);
// anything else is treated as a recovery code.
func isTOTPCode(code string) bool {
	if len(code) != totpDigits.Length() {
		return false
	}
	for _, c := range code {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Enrollment is what an agent needs to add Switchboard to an authenticator
// app. It is shown once, at enrollment.
type Enrollment struct {
	// Secret is the base32 secret, for typing in by hand.
	Secret string `json:"secret"`
	// URI is the otpauth:// key URI the QR code encodes.
	URI string `json:"uri"`
	// QRCode is a PNG data URL (data:image/png;base64,...) of URI.
	QRCode string `json:"qr_code"`
}

// newEnrollment generates a secret (160 bits, as RFC 4226 recommends) for
// the account and renders its QR code.
func newEnrollment(account string, rnd io.Reader) (*Enrollment, error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: TOTPIssuer, AccountName: account, Rand: rnd})
	if err != nil {
		return nil, err
	}
	code, err := key.Image(232, 232)
	if err != nil {
		return nil, err
	}
	// A white margin (the QR "quiet zone") so that scanners find the code
	// whatever the page behind it.
	img := image.NewGray(image.Rect(0, 0, 256, 256))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(img, code.Bounds().Add(image.Pt(12, 12)), code, code.Bounds().Min, draw.Src)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return &Enrollment{
		Secret: key.Secret(),
		URI:    key.URL(),
		QRCode: "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()),
	}, nil
}

// normalizeCode strips what people type around a code: spaces and dashes,
// and upper-cases recovery codes.
func normalizeCode(code string) string {
	return strings.ToUpper(strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\t' {
			return -1
		}
		return r
	}, code))
}
