package dossier

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/dossier-tool/dossier/dossier/evidence"
)

// Names that are not UTF-8 (GBK bytes, as unzipping a Chinese-Windows zip leaves them on Linux)
// are kept exactly, shown decoded, and leave the untouched case verifying clean: before, every
// such item made verify report "index line was rewritten".
func TestNonUTF8FileNames(t *testing.T) {
	gbk := func(s string) string {
		b, err := simplifiedchinese.GBK.NewEncoder().String(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	src := filepath.Join(t.TempDir(), "src")
	folder := filepath.Join(src, gbk("催收记录"))
	files := map[string]string{ // raw path → the name the list should show
		filepath.Join(folder, gbk("截图一")+".txt"): "截图一.txt",
		filepath.Join(src, gbk("通话")+"\xff.csv"): "", // not GB18030 either: shown with U+FFFD
		filepath.Join(src, "普通.txt"):             "普通.txt",
	}
	if err := os.MkdirAll(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	i := 0
	for p := range files {
		i++
		if err := os.WriteFile(p, []byte("第"+strconv.Itoa(i)+"件\n"), 0o644); err != nil {
			t.Skipf("the file system refuses names that are not UTF-8: %v", err)
		}
	}
	dir := filepath.Join(t.TempDir(), "case")
	c, err := Init(dir, InitOptions{Title: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Add(context.Background(), []string{src}, AddOptions{}); err != nil {
		t.Fatal(err)
	}
	items, err := c.Items()
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != len(files) {
		t.Fatalf("%d items, want %d", len(items), len(files))
	}
	for _, it := range items {
		raw := it.Name
		if it.NameRaw != "" {
			if raw, err = strconv.Unquote(it.NameRaw); err != nil {
				t.Fatalf("%s: name_raw %q: %v", it.Name, it.NameRaw, err)
			}
		}
		path := filepath.Join(src, raw)
		if it.AddedRaw != "" {
			added, err := strconv.Unquote(it.AddedRaw)
			if err != nil {
				t.Fatal(err)
			}
			path = added
		}
		want, ok := files[path]
		if !ok {
			t.Errorf("%s: raw name %q, path %q: not a file added", it.Name, raw, path)
			continue
		}
		if want == "" {
			want = strings.ToValidUTF8(raw, "\uFFFD")
		}
		if it.Name != want {
			t.Errorf("name %q, want %q", it.Name, want)
		}
	}
	// The index reads back byte for byte, line by line, as verify reads it.
	index, err := os.ReadFile(c.Folder.IndexPath())
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(index)), "\n") {
		var it evidence.Item
		if err := json.Unmarshal([]byte(line), &it); err != nil {
			t.Fatal(err)
		}
		again, _ := json.Marshal(&it)
		if string(again) != line {
			t.Errorf("index line does not round-trip:\n%s\n%s", line, again)
		}
	}
	rep, err := Verify(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != 0 {
		t.Errorf("verify of the untouched case: %+v", rep.Problems)
	}
}
