package casefolder

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/evidence"
)

func TestEventsWriter(t *testing.T) {
	staged := func(f *Folder) []string {
		m, _ := filepath.Glob(f.Path("tmp", "stage-events-*"))
		return m
	}
	tests := []struct {
		name   string
		events int
		abort  bool
		// wantFile is whether Commit puts an events file in place.
		wantFile bool
	}{
		{name: "no events, no file", events: 0},
		{name: "one event", events: 1, wantFile: true},
		{name: "many events", events: 5000, wantFile: true},
		{name: "aborted", events: 300, abort: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newCase(t)
			var b Batch
			it := stageItem(t, f, &b, 1, "carrier")
			id := it.ID + "-log"
			w := f.EventsWriter(&b, id)
			for i := range tt.events {
				e := event.Event{Time: time.Unix(1738000000+int64(i), 0).UTC(), Channel: event.SMS, Text: "第" + strconv.Itoa(i) + "条"}
				if err := w.Write(&e); err != nil {
					t.Fatal(err)
				}
			}
			if w.Len() != tt.events {
				t.Fatalf("Len %d, want %d", w.Len(), tt.events)
			}
			if tt.abort {
				w.Abort()
				if left := staged(f); len(left) != 1 { // the carrier item's own
					t.Fatalf("after Abort, staged: %v", left)
				}
				if err := w.Write(&event.Event{}); err == nil {
					t.Fatal("Write after Abort succeeded")
				}
			}
			var sum string
			var n int
			if !tt.abort {
				var err error
				sum, n, err = w.Close()
				if err != nil || n != tt.events {
					t.Fatalf("Close: %d events, %v", n, err)
				}
				w.Abort() // after Close it must leave the file to the batch
			}
			if err := f.Commit(&b, time.Now()); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(f.EventsPath(id))
			if !tt.wantFile {
				if !os.IsNotExist(err) || sum != "" {
					t.Fatalf("events file for %d events: %v, digest %q", tt.events, err, sum)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := sha256.Sum256(data)
			if hex.EncodeToString(got[:]) != sum {
				t.Fatalf("digest %s, file's %x", sum, got)
			}
			// The file reads back like one StageEvents wrote.
			evs, err := f.Events(&evidence.Item{ID: id, Events: n})
			if err != nil || len(evs) != tt.events || evs[len(evs)-1].Text != "第"+strconv.Itoa(tt.events-1)+"条" {
				t.Fatalf("read back %d events (%v)", len(evs), err)
			}
		})
	}
}
