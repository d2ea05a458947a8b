package privacy

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/internal/blob"
	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/store/sqlite"
	"github.com/switchboard-cc/switchboard/internal/store/storetest"
)

// rawFiles returns the database file and its log and index as bytes,
// lower-cased (FTS5 keeps folded terms).
func rawFiles(t *testing.T, path string) []byte {
	t.Helper()
	var all []byte
	for _, suffix := range []string{"", "-wal", "-shm"} {
		b, err := os.ReadFile(path + suffix)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return bytes.ToLower(all)
}

// TestEraseLeavesNoTraceInTheFiles erases a customer on SQLite with the
// data folder's blob store and searches the raw database files (the
// database, its log after the checkpoint, the shared-memory index) and
// the blob folder for their words: none is left, while the other
// customer's words, read the same way, are.
func TestEraseLeavesNoTraceInTheFiles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "switchboard.db")
	st, err := sqlite.Open(ctx, dbPath, desk.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	blobs, err := blob.NewDisk(filepath.Join(dir, "attachments"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := blobs.Put(ctx, "erasekey1", strings.NewReader("scan of zanzibarquokka passport"), 1<<20); err != nil {
		t.Fatal(err)
	}
	sys := desk.NewContextWithActor(ctx, desk.SystemActor)
	admin := &desk.Agent{Email: "admin@example.com", Role: desk.RoleAdmin, Capacity: 5}
	if err := st.CreateAgent(sys, admin); err != nil {
		t.Fatal(err)
	}
	actx := desk.NewContextWithActor(ctx, &desk.Actor{AgentID: admin.ID, Name: admin.Name, Role: admin.Role})
	custID, _ := storetest.SeedErasable(t, st, actx)
	svc := &Service{Store: st, Blobs: blobs, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}

	// The export first: one archive with the rows and the file.
	var zbuf bytes.Buffer
	if err := svc.Export(actx, custID, &zbuf); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(zbuf.Bytes()), int64(zbuf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range zr.File {
		r, _ := f.Open()
		b, _ := io.ReadAll(r)
		r.Close()
		got[f.Name] = string(b)
	}
	var ex desk.CustomerExport
	if err := json.Unmarshal([]byte(got["customer.json"]), &ex); err != nil || len(ex.Tables["messages"]) != 3 {
		t.Fatalf("customer.json: %v %s", err, got["customer.json"])
	}
	if !strings.Contains(got["customer.json"], "my secret word zanzibarquokka") || len(zr.File) != 2 {
		t.Fatalf("export entries %v", zr.File)
	}
	for name, body := range got {
		if strings.HasPrefix(name, "files/") && body != "scan of zanzibarquokka passport" {
			t.Fatalf("exported file %s = %q", name, body)
		}
	}

	raw := rawFiles(t, dbPath)
	for _, w := range storetest.PrivacyWords {
		if !bytes.Contains(raw, []byte(strings.ToLower(w))) {
			t.Fatalf("before erasing, %q is not in the raw files: the search proves nothing", w)
		}
	}
	if _, err := svc.Erase(actx, custID); err != nil {
		t.Fatal(err)
	}
	raw = rawFiles(t, dbPath)
	for _, w := range append(storetest.PrivacyWords, "15550101") {
		if i := bytes.Index(raw, []byte(strings.ToLower(w))); i >= 0 {
			t.Errorf("after erasing, %q is still in the database files at byte %d: %q", w, i, raw[max(0, i-40):min(len(raw), i+40)])
		}
	}
	if !bytes.Contains(raw, []byte("keepsakeword")) {
		t.Error("the other customer's words are gone from the files")
	}
	if os.Getenv("KEEP_DB") != "" {
		exec.Command("cp", dbPath, os.Getenv("KEEP_DB")).Run()
	}
	if _, err := blobs.Open(ctx, "erasekey1"); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Errorf("the customer's file is still in the blob store: %v", err)
	}
	filepath.WalkDir(filepath.Join(dir, "attachments"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			t.Errorf("file left in the blob folder: %s", p)
		}
		return nil
	})
}

// TestRetentionDeletesFiles: the job deletes the files of what it deleted
// from the store, and only those; its count matches the dry run before.
func TestRetentionDeletesFiles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	clock := storetest.NewClock()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "switchboard.db"), clock)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	blobs, _ := blob.NewDisk(filepath.Join(dir, "attachments"))
	sys := desk.NewContextWithActor(ctx, desk.SystemActor)
	mk := func(from, key string, close bool) {
		res, err := st.IngestMessage(sys, &desk.InboundMessage{Channel: desk.ChannelSMS, From: from, To: "support", Text: "hi", ExternalID: from})
		if err != nil {
			t.Fatal(err)
		}
		blobs.Put(ctx, key, strings.NewReader("bytes"), 100)
		if err := st.CreateMessage(sys, &desk.Message{ConversationID: res.Conversation.ID, Kind: desk.KindNote, Text: "n",
			Attachments: []desk.Attachment{{Name: "a.txt", ContentType: "text/plain", Size: 5, BlobKey: key}}}); err != nil {
			t.Fatal(err)
		}
		if close {
			closed := desk.ConversationClosed
			if _, err := st.UpdateConversation(sys, res.Conversation.ID, desk.ConversationUpdate{Status: &closed}); err != nil {
				t.Fatal(err)
			}
		}
	}
	mk("+15550401", "oldkey", true)
	mk("+15550402", "openkey", false)
	queues, _, err := st.FindQueues(sys, desk.QueueFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetRetentionPolicy(sys, desk.RetentionPolicy{QueueID: queues[0].ID, ClosedDays: 10}); err != nil {
		t.Fatal(err)
	}
	clock.Add(11 * 24 * time.Hour)
	dry, err := st.ApplyRetention(sys, clock.Now(), true)
	if err != nil || dry.Conversations != 1 || dry.Files != 1 {
		t.Fatalf("dry run %+v %v", dry, err)
	}
	svc := &Service{Store: st, Blobs: blobs, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	res, err := (&Retention{Service: svc, Clock: clock}).Apply(sys)
	if err != nil || res.Conversations != dry.Conversations || res.Files != dry.Files {
		t.Fatalf("run %+v %v, dry run %+v", res, err, dry)
	}
	if _, err := blobs.Open(ctx, "oldkey"); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Fatalf("the deleted conversation's file is still there: %v", err)
	}
	if r, err := blobs.Open(ctx, "openkey"); err != nil {
		t.Fatalf("the open conversation's file is gone: %v", err)
	} else {
		r.Close()
	}
}
