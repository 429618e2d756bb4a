package casefolder

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestFind(t *testing.T) {
	root := t.TempDir()
	caseDir := filepath.Join(root, "mycase")
	if _, err := Init(caseDir, InitOptions{Title: "t", Language: "zh", Timezone: "Asia/Shanghai"}); err != nil {
		t.Fatal(err)
	}
	deep := filepath.Join(caseDir, "out", "a", "b")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(root, "elsewhere")
	if err := os.MkdirAll(outside, 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, from, want string
		err              error
	}{
		{"the case folder itself", caseDir, caseDir, nil},
		{"a folder below it", filepath.Join(caseDir, "out"), caseDir, nil},
		{"three levels below", deep, caseDir, nil},
		{"a folder beside it", outside, "", ErrNoCase},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Find(tt.from)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err %v, want %v", err, tt.err)
			}
			if got != tt.want {
				t.Errorf("Find(%s) = %s, want %s", tt.from, got, tt.want)
			}
		})
	}
}
