package pdf

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier/sign"
)

func testSigner(t testing.TB, at time.Time) *sign.Signer {
	t.Helper()
	key, err := sign.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	cert, err := sign.Certificate(key, sign.Subject{CaseID: "01a233e1-bd82-75c6-8951-b291eb0805c2", Complainant: "张三"}, at.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return &sign.Signer{Key: key, Cert: cert, Time: at}
}

// renderSigned renders the fixture's first items as a signed packet.
func renderSigned(t testing.TB, s *sign.Signer, items int) []byte {
	t.Helper()
	fx := newFixture(t)
	fx.bundle.Items = fx.bundle.Items[:items]
	var buf bytes.Buffer
	if err := Render(&buf, fx.bundle, fx.report, Options{Sign: s}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A signed packet: readers see one signature covering the whole file (poppler's pdfsig, which
// checks the CMS with NSS), qpdf finds the file sound, the cover shows the 电子签章 box, and the
// same case signed at the same time is the same file.
func TestSignedPacket(t *testing.T) {
	at := time.Date(2025, 4, 15, 20, 30, 0, 0, time.FixedZone("CST", 8*3600))
	s := testSigner(t, at)
	data := renderSigned(t, s, 4)
	if again := renderSigned(t, s, 4); !bytes.Equal(data, again) {
		t.Error("the same case signed at the same time gives different bytes")
	}
	p, err := ReadPacket(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Signatures) != 1 {
		t.Fatalf("%d signatures", len(p.Signatures))
	}
	br := p.Signatures[0].ByteRange
	if len(br) != 4 || br[0] != 0 || br[2]+br[3] != int64(len(data)) || data[br[1]] != '<' || data[br[2]-1] != '>' {
		t.Fatalf("byte range %v does not cover the file of %d bytes around the hole", br, len(data))
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "packet.pdf")
	os.WriteFile(path, data, 0o644)
	if _, err := exec.LookPath("pdfsig"); err != nil {
		t.Log("pdfsig (poppler-utils) is not installed; the signature is checked by dossier only")
	} else {
		out, err := exec.Command("pdfsig", path).CombinedOutput()
		if err != nil {
			t.Fatalf("pdfsig: %v\n%s", err, out)
		}
		for _, want := range []string{"Signature is Valid", "Total document signed", "ETSI.CAdES.detached"} {
			if !strings.Contains(string(out), want) {
				t.Errorf("pdfsig does not say %q:\n%s", want, out)
			}
		}
	}
	if _, err := exec.LookPath("qpdf"); err == nil {
		if out, err := exec.Command("qpdf", "--check", path).CombinedOutput(); err != nil {
			t.Errorf("qpdf --check: %v\n%s", err, out)
		}
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		out, err := exec.Command("pdftotext", "-f", "1", "-l", "1", path, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"电子签章", "2025-04-15 20:30:00 +08:00", s.Fingerprint()} {
			if !strings.Contains(string(out), want) {
				t.Errorf("the cover does not show %q:\n%s", want, out)
			}
		}
	}
}
