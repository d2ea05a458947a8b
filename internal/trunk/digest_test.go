package trunk

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

// A trunk that answers 401 gets the INVITE again with digest credentials:
// the right password connects the call (sipp verifies the digest, answers,
// and takes our BYE); a wrong one fails it with reason auth_failed. The
// password never reaches the log.
func TestDialDigestAuth(t *testing.T) {
	for _, tc := range []struct {
		name, password, want string
	}{
		{"right password", "trunk-secret", ""},
		{"wrong password", "not-the-secret", "auth_failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			port := freePort(t)
			sipp := startSipp(t, "digest_auth.xml", port)
			_, _, tr := setup(t, port)
			var logs bytes.Buffer
			tr.cfg.Log = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			tr.cfg.Username, tr.cfg.Password = "switchboard", tc.password
			ev, cb := newEvents()
			tr.Dial(context.Background(), "c1", "+15550100", cb)
			if tc.want == "" {
				wait(t, "answered", ev.answered)
				tr.Hangup("c1")
			} else if r := wait(t, "failure", ev.failed); r != tc.want {
				t.Fatalf("reason %q, want %q", r, tc.want)
			}
			if err := wait(t, "sipp to finish", sipp); err != nil {
				t.Fatalf("sipp: %v", err)
			}
			if strings.Contains(logs.String(), tc.password) {
				t.Fatalf("the trunk password is in the log: %s", logs.String())
			}
		})
	}
}

// Without credentials, a trunk's challenge fails the call as auth_failed
// rather than a generic rejection, so the agent's view says why.
func TestDialChallengeWithoutCredentials(t *testing.T) {
	port := freePort(t)
	startSipp(t, "digest_auth.xml", port)
	_, _, tr := setup(t, port)
	ev, cb := newEvents()
	tr.Dial(context.Background(), "c1", "+15550100", cb)
	if r := wait(t, "failure", ev.failed); r != "auth_failed" {
		t.Fatalf("reason %q", r)
	}
}
