package serve

import (
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The web app's thumbnails of PDF evidence, its packet page previews and the packets dropped on
// it to verify never go through the system's temporary folder: with $TMPDIR unusable (a file,
// not a folder) all three still work.
func TestNothingThroughTMPDIR(t *testing.T) {
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm (poppler-utils) not installed")
	}
	agreement, err := os.ReadFile("../../samples/evidence/agreement/分期还款协议.pdf")
	if err != nil {
		t.Fatal(err)
	}
	a := start(t, Options{}).login()
	a.newCase("c1")
	if st := a.upload("c1", map[string]string{"分期还款协议.pdf": string(agreement)}, url.Values{}); st["error"] != nil {
		t.Fatalf("add: %v", st)
	}
	var j struct{ Job string }
	_ = json.Unmarshal([]byte(a.post("/c/c1/build", url.Values{"what": {"packet"}, "letter": {"complaint"}}, 200)), &j)
	if st := a.wait(j.Job); st["error"] != nil {
		t.Fatalf("build: %v", st)
	}
	notADir := filepath.Join(t.TempDir(), "tmpfile")
	if err := os.WriteFile(notADir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", notADir)
	for _, path := range []string{"/c/c1/thumb/1", "/c/c1/preview/1"} {
		if b := a.get(path, 200); !strings.HasPrefix(b, "\xff\xd8") {
			t.Errorf("%s is not a JPEG (%d bytes)", path, len(b))
		}
	}
	pdf := a.get("/c/c1/download/packet.pdf", 200)
	var v struct {
		OK   bool
		Text string
	}
	_ = json.Unmarshal([]byte(a.postBody("/verify", strings.NewReader(pdf), map[string]string{"X-Name": "packet.pdf"}, 200)), &v)
	if !v.OK {
		t.Errorf("verify of the packet: %+v", v)
	}
	entries, _ := os.ReadDir(a.root)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".dossier-") {
			t.Errorf("%s left in the served folder", e.Name())
		}
	}
}
