package attach

import (
	"archive/zip"
	"bytes"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// png1x1 is the start of a PNG file: enough for sniffing.
var png1x1 = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde")

func zipBytes(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	f, _ := zw.Create("hello.txt")
	f.Write([]byte("hello"))
	zw.Close()
	return b.Bytes()
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name     string
		file     string
		content  []byte
		wantType string
		code     string
	}{
		{"png", "shot.png", png1x1, "image/png", ""},
		{"upper-case extension", "SHOT.PNG", png1x1, "image/png", ""},
		{"pdf", "invoice.pdf", []byte("%PDF-1.7\n1 0 obj\n"), "application/pdf", ""},
		{"text", "notes.txt", []byte("plain notes\n"), "text/plain; charset=utf-8", ""},
		{"csv", "rows.csv", []byte("a,b,c\n1,2,3\n4,5,6\n"), "text/csv", ""},
		{"json", "data.json", []byte(`{"a": [1, 2, 3]}`), "application/json", ""},
		{"zip", "logs.zip", zipBytes(t), "application/zip", ""},
		{"gzip", "logs.gz", []byte("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"), "application/gzip", ""},
		{"extension off the list", "run.exe", []byte("MZ\x90\x00"), "", "attachment_type_not_allowed"},
		{"no extension", "README", []byte("hello"), "", "attachment_type_not_allowed"},
		{"svg is not allowed", "logo.svg", []byte("<svg xmlns='http://www.w3.org/2000/svg'></svg>"), "", "attachment_type_not_allowed"},
		{"executable named png", "shot.png", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), "", "attachment_content_mismatch"},
		{"html named txt", "notes.txt", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), "", "attachment_content_mismatch"},
		{"png named pdf", "invoice.pdf", png1x1, "", "attachment_content_mismatch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Check(tt.file, tt.content)
			if tt.code != "" {
				if desk.ErrorCode(err) != tt.code || desk.ErrorField(err) != "files" {
					t.Fatalf("Check = %q, %v; want code %s", got, err, tt.code)
				}
				return
			}
			if err != nil || got != tt.wantType {
				t.Fatalf("Check = %q, %v; want %q", got, err, tt.wantType)
			}
		})
	}
}

func TestCleanName(t *testing.T) {
	for in, want := range map[string]string{"../../etc/passwd.txt": "passwd.txt", `C:\Users\a\shot.png`: "shot.png", "a\"b\n.txt": "ab.txt", "": ""} {
		if got := cleanName(in); got != want {
			t.Errorf("cleanName(%q) = %q, want %q", in, got, want)
		}
	}
}
