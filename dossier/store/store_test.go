package store_test

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/dossier-tool/dossier/dossier/store"
)

func TestStageOpen(t *testing.T) {
	tests := []struct {
		name     string
		content  string
		headSize int
		head     string
	}{
		{"head shorter than the file", strings.Repeat("abcdefgh", 1000), 10, "abcdefghab"},
		{"file shorter than the head", "short", 64 << 10, "short"},
		{"empty file", "", 16, ""},
		{"no head asked", "content", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := store.Open(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			st, err := s.StageOpen(strings.NewReader(tt.content), tt.headSize)
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256([]byte(tt.content))
			if st.SHA256 != hex.EncodeToString(sum[:]) || st.Size != int64(len(tt.content)) {
				t.Errorf("staged %s, %d bytes; want %x, %d", st.SHA256, st.Size, sum, len(tt.content))
			}
			if string(st.Head()) != tt.head {
				t.Errorf("head %q, want %q", st.Head(), tt.head)
			}
			got, err := io.ReadAll(io.NewSectionReader(st.File(), 0, st.Size))
			if err != nil || string(got) != tt.content {
				t.Errorf("read back through File: %q, %v", got, err)
			}
			info, err := os.Stat(st.TempPath())
			if err != nil || info.Mode().Perm() != 0o444 {
				t.Errorf("staged copy mode %v (%v), want read-only from the start", info.Mode(), err)
			}
			st.Release()
			st.Release()
			if st.File() != nil || st.Head() != nil {
				t.Error("Release kept the file or the head")
			}
			if err := s.Commit([]*store.Staged{st}); err != nil {
				t.Fatal(err)
			}
			if b, err := os.ReadFile(s.Path(st.SHA256)); err != nil || string(b) != tt.content {
				t.Errorf("committed object: %q, %v", b, err)
			}
		})
	}
}

// The SM3 digest is the standard's (GB/T 32905-2016, appendix A example 1), computed in the
// same pass as SHA-256.
func TestStageSM3(t *testing.T) {
	s, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.Stage(strings.NewReader("abc"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"; st.SM3 != want {
		t.Errorf("SM3 %s, want %s", st.SM3, want)
	}
	if want := "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; st.SHA256 != want {
		t.Errorf("SHA-256 %s, want %s", st.SHA256, want)
	}
}
