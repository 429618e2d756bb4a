package parsetest

import (
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier/parse"
)

func TestShanghai(t *testing.T) {
	loc := Shanghai(t)
	got := time.Date(2025, 1, 27, 23, 0, 0, 0, loc).UTC()
	if want := time.Date(2025, 1, 27, 15, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("23:00 in %s is %v UTC, want %v", loc, got, want)
	}
}

func TestSniffAndInput(t *testing.T) {
	big := bytes.Repeat([]byte("a"), parse.HeadSize+10)
	tests := []struct {
		name, file, mime string
		data             []byte
		wantExt          string
		wantHead         int
	}{
		{"small", "通话记录.csv", "text/csv", []byte("号码,时间\n"), ".csv", len("号码,时间\n")},
		{"upper-case extension", "CALLS.CSV", "text/plain; charset=utf-8", []byte("x"), ".csv", 1},
		{"no extension", "x", "", nil, "", 0},
		{"head capped", "big.txt", "text/plain", big, ".txt", parse.HeadSize},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Sniff(tt.file, tt.mime, tt.data)
			if s.Name != tt.file || s.Ext != tt.wantExt || s.MIME != tt.mime || len(s.Head) != tt.wantHead || s.Size != int64(len(tt.data)) {
				t.Errorf("sniff = {%q %q %q head %d size %d}", s.Name, s.Ext, s.MIME, len(s.Head), s.Size)
			}
			in := Input(tt.file, tt.mime, tt.data, time.UTC)
			if in.Name != tt.file || in.Ext != tt.wantExt || in.MIME != tt.mime || in.Size != int64(len(tt.data)) || in.Zone != time.UTC {
				t.Errorf("input = {%q %q %q size %d zone %v}", in.Name, in.Ext, in.MIME, in.Size, in.Zone)
			}
			all, err := io.ReadAll(io.NewSectionReader(in.Data, 0, in.Size))
			if err != nil || !bytes.Equal(all, tt.data) {
				t.Errorf("input data: %d bytes, %v; want %d bytes", len(all), err, len(tt.data))
			}
		})
	}
}
