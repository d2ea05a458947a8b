package auth

import "testing"

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := HashPassword("correct horse")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: salt missing")
	}
	if !VerifyPassword(h, "correct horse") || VerifyPassword(h, "correct horsE") || VerifyPassword("garbage", "x") {
		t.Fatal("verify gave the wrong answer")
	}
}

func TestTokens(t *testing.T) {
	a, b := NewToken(SessionPrefix), NewToken(SessionPrefix)
	if a == b || len(a) < 40 || IsIntegrationToken(a) || !IsIntegrationToken(NewToken(IntegrationPrefix)) {
		t.Fatalf("tokens %q %q", a, b)
	}
	if HashToken(a) == HashToken(b) || HashToken(a) != HashToken(a) {
		t.Fatal("hashing is not a function of the token")
	}
}
