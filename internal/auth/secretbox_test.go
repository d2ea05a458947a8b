package auth

import (
	"strings"
	"testing"
)

func TestSecretBox(t *testing.T) {
	if _, err := NewSecretBox("short"); err == nil {
		t.Fatal("a short key was accepted")
	}
	box, err := NewSecretBox(strings.Repeat("k", 32))
	if err != nil {
		t.Fatal(err)
	}
	sealed := box.Seal("JBSWY3DPEHPK3PXP", 7)
	if !strings.HasPrefix(sealed, sealedPrefix) || strings.Contains(sealed, "JBSWY3DPEHPK3PXP") || sealed == box.Seal("JBSWY3DPEHPK3PXP", 7) {
		t.Fatalf("sealed = %q", sealed)
	}
	if got, err := box.Open(sealed, 7); err != nil || got != "JBSWY3DPEHPK3PXP" {
		t.Fatalf("open = %q, %v", got, err)
	}
	if _, err := box.Open(sealed, 8); err == nil {
		t.Fatal("a secret sealed for agent 7 opened for agent 8")
	}
	other, _ := NewSecretBox(strings.Repeat("x", 32))
	if _, err := other.Open(sealed, 7); err == nil {
		t.Fatal("opened with the wrong key")
	}
	tampered := sealed[:len(sealed)-2] + "AA"
	if _, err := box.Open(tampered, 7); err == nil {
		t.Fatal("a tampered value opened")
	}
	if got, err := box.Open("PLAINSECRET", 7); err != nil || got != "PLAINSECRET" {
		t.Fatalf("clear value: %q %v", got, err)
	}
}
