package livechat

import (
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// TestHistoryText: after a reload the widget shows a visitor's upload as
// it did when sending it (a clip line, then the caption), and an agent's
// files after the text.
func TestHistoryText(t *testing.T) {
	tests := []struct {
		m    desk.Message
		want string
	}{
		{desk.Message{Direction: desk.DirectionIn, Text: "hi"}, "hi"},
		{desk.Message{Direction: desk.DirectionIn, Attachments: []desk.Attachment{{Name: "receipt.png"}}}, "\U0001F4CE receipt.png"},
		{desk.Message{Direction: desk.DirectionIn, Text: "my receipt", Attachments: []desk.Attachment{{Name: "receipt.png"}}}, "\U0001F4CE receipt.png\nmy receipt"},
		{desk.Message{Direction: desk.DirectionOut, Text: "here", Attachments: []desk.Attachment{{Name: "guide.pdf"}}}, "here\n\U0001F4CE guide.pdf"},
	}
	for _, tt := range tests {
		if got := historyText(&tt.m); got != tt.want {
			t.Errorf("historyText(%+v) = %q, want %q", tt.m, got, tt.want)
		}
	}
}
