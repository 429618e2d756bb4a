package pdf

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/dossier-tool/dossier/dossier/manifest"
	"github.com/dossier-tool/dossier/templates"
)

func render(t testing.TB, fx *fixture, opt Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, fx.bundle, fx.report, opt); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return buf.Bytes()
}

// tool returns the path of an external program or skips the test.
func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s not installed (poppler-utils / qpdf): %v", name, err)
	}
	return p
}

func writeTemp(t *testing.T, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "packet.pdf")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// pdftotext extracts the text of pages first..last (0 means all).
func pdftotext(t *testing.T, path string, first, last int, layout bool) string {
	t.Helper()
	args := []string{"-enc", "UTF-8"}
	if first > 0 {
		args = append(args, "-f", fmt.Sprint(first), "-l", fmt.Sprint(last))
	}
	if layout {
		args = append(args, "-layout")
	}
	out, err := exec.Command(tool(t, "pdftotext"), append(args, path, "-")...).Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// squeeze drops what text extraction adds: line breaks and spaces.
func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\n', '\r', '\t', '\f':
			return -1
		}
		return r
	}, s)
}

func TestTextComesBackOut(t *testing.T) {
	fx := newFixture(t)
	for _, lang := range []string{"zh", "en"} {
		for _, letter := range templates.Kinds {
			t.Run(lang+"-"+letter, func(t *testing.T) {
				path := writeTemp(t, render(t, fx, Options{Lang: lang, Letter: letter}))
				text := squeeze(pdftotext(t, path, 0, 0, false))
				want := []string{longParagraph, "某某资产催收员", "关于您花呗欠款的催收通知", "我已经和支付宝签了分期协议，每个月按时还。",
					"110101199001011234", "13900001234"}
				if lang == "zh" {
					want = append(want, fx.texts...)
				} else {
					want = append(want, "Exhibit3·page1", "Evidencelist", "HEICimagescannotbeembeddedinaPDF")
				}
				for _, s := range want {
					if !strings.Contains(text, squeeze(s)) {
						t.Errorf("%q not found in the extracted text", s)
					}
				}
			})
		}
	}
}

func TestQPDFCheck(t *testing.T) {
	fx := newFixture(t)
	for name, opt := range map[string]Options{"default": {}, "redacted-noattach": {Redact: true, NoAttach: true}} {
		t.Run(name, func(t *testing.T) {
			path := writeTemp(t, render(t, fx, opt))
			out, err := exec.Command(tool(t, "qpdf"), "--check", path).CombinedOutput()
			if err != nil || !bytes.Contains(out, []byte("No syntax or stream encoding errors")) || bytes.Contains(out, []byte("WARNING")) {
				t.Fatalf("qpdf --check: %v\n%s", err, out)
			}
		})
	}
}

func TestAttachmentsMatchDigests(t *testing.T) {
	fx := newFixture(t)
	data := render(t, fx, Options{})
	path := writeTemp(t, data)
	dir := t.TempDir()
	if out, err := exec.Command(tool(t, "pdfdetach"), "-saveall", "-o", dir, path).CombinedOutput(); err != nil {
		t.Fatalf("pdfdetach: %v\n%s", err, out)
	}
	man, err := os.ReadFile(filepath.Join(dir, manifest.FileName))
	if err != nil {
		t.Fatal(err)
	}
	m, err := manifest.Parse(bytes.NewReader(man))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := manifest.DigestOf(man), manifest.Build(fx.bundle).Digest(); got != want {
		t.Errorf("manifest digest %s, want %s", got, want)
	}
	if len(m.Items) != len(fx.bundle.Items) {
		t.Fatalf("manifest lists %d items, want %d", len(m.Items), len(fx.bundle.Items))
	}
	for _, e := range m.Items {
		b, err := os.ReadFile(filepath.Join(dir, e.File))
		if err != nil {
			t.Errorf("exhibit %d: %v", e.Exhibit, err)
			continue
		}
		sum := sha256.Sum256(b)
		if hex.EncodeToString(sum[:]) != e.SHA256 {
			t.Errorf("exhibit %d (%s): attachment digest differs from the manifest", e.Exhibit, e.File)
		}
	}

	// The package's own reader finds the same files, checksums and the cover digest.
	p, err := ReadPacket(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if p.ManifestDigest != manifest.DigestOf(man) {
		t.Errorf("ReadPacket digest %q, want %q", p.ManifestDigest, manifest.DigestOf(man))
	}
	if len(p.Files) != len(m.Items)+1 || p.Files[0].Name != manifest.FileName {
		t.Fatalf("ReadPacket found %d files (first %q), want manifest + %d", len(p.Files), p.Files[0].Name, len(m.Items))
	}
	for i, f := range p.Files {
		b, err := f.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		sum := md5.Sum(b)
		if f.CheckSum != hex.EncodeToString(sum[:]) || f.Size != int64(len(b)) {
			t.Errorf("%s: /CheckSum %s /Size %d, content md5 %x size %d", f.Name, f.CheckSum, f.Size, sum, len(b))
		}
		if i > 0 {
			if e := m.Items[i-1]; f.Name != e.File || manifest.DigestOf(b) != e.SHA256 {
				t.Errorf("file %d is %s (%s), want %s (%s)", i, f.Name, manifest.DigestOf(b), e.File, e.SHA256)
			}
		}
	}
}

func TestNoAttachKeepsManifest(t *testing.T) {
	fx := newFixture(t)
	data := render(t, fx, Options{NoAttach: true})
	p, err := ReadPacket(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Files) != 1 || p.Files[0].Name != manifest.FileName {
		t.Errorf("files %v, want only the manifest", p.Files)
	}
}

func TestEvidenceListPagesAreTrue(t *testing.T) {
	fx := newFixture(t)
	path := writeTemp(t, render(t, fx, Options{}))
	out, err := exec.Command(tool(t, "pdfinfo"), path).Output()
	if err != nil {
		t.Fatal(err)
	}
	var pages int
	if m := regexp.MustCompile(`Pages:\s+(\d+)`).FindSubmatch(out); m != nil {
		fmt.Sscan(string(m[1]), &pages)
	}
	pageText := make([]string, pages+1)
	stamp := regexp.MustCompile(`证据(\d+) · 第1页`)
	firstPage := map[string]int{}
	for p := 1; p <= pages; p++ {
		pageText[p] = pdftotext(t, path, p, p, true)
		for _, m := range stamp.FindAllStringSubmatch(pageText[p], -1) {
			if _, seen := firstPage[m[1]]; !seen {
				firstPage[m[1]] = p
			}
		}
		if want := fmt.Sprintf("第%d页/共%d页", p, pages); p > 1 && !strings.Contains(pageText[p], want) {
			t.Errorf("page %d: footer %q missing", p, want)
		}
	}
	all := strings.Join(pageText, "\n")
	for _, it := range fx.bundle.Items {
		m := regexp.MustCompile(`(\d+)\s+` + it.SHA256[:10]).FindStringSubmatch(all)
		if m == nil {
			t.Errorf("exhibit %d: no page number before its digest in the evidence list", it.Exhibit)
			continue
		}
		if got, want := m[1], fmt.Sprint(firstPage[fmt.Sprint(it.Exhibit)]); got != want {
			t.Errorf("exhibit %d: evidence list says page %s, its stamp first appears on page %s", it.Exhibit, got, want)
		}
	}
}

func TestByteIdentical(t *testing.T) {
	fx := newFixture(t)
	a := render(t, fx, Options{})
	b := render(t, fx, Options{})
	if !bytes.Equal(a, b) {
		i := 0
		for i < len(a) && i < len(b) && a[i] == b[i] {
			i++
		}
		t.Fatalf("two renders differ at byte %d of %d/%d: %q vs %q", i, len(a), len(b), a[i:min(i+60, len(a))], b[i:min(i+60, len(b))])
	}
}

func TestJPEGEmbeddedAsIs(t *testing.T) {
	fx := newFixture(t)
	data := render(t, fx, Options{NoAttach: true}) // no attachments: the bytes can only be the image stream
	jpg := fx.store[fx.bundle.Items[3].SHA256]
	if !bytes.Contains(data, jpg) {
		t.Error("the JPEG's bytes are not in the PDF as they are")
	}
}

func TestRedaction(t *testing.T) {
	fx := newFixture(t)
	path := writeTemp(t, render(t, fx, Options{Redact: true}))
	text := squeeze(pdftotext(t, path, 0, 0, false))
	for _, secret := range []string{"110101199001011234", "13900001234", "13800138000", "6222021234567890123", "13700001111"} {
		if strings.Contains(text, secret) {
			t.Errorf("%s is printed despite redaction", secret)
		}
	}
	for _, kept := range []string{"15900001111", "17700002222", "95188", "1101**********1234", "139****1234", "138****8000", "6222***********0123"} {
		if !strings.Contains(text, kept) {
			t.Errorf("%s should be printed", kept)
		}
	}
	if !strings.Contains(text, squeeze(text2("zh", "cover.redacted"))) {
		t.Error("the packet does not say it is redacted")
	}
}

func text2(lang, key string) string { return text(lang, key) }

func TestRedactor(t *testing.T) {
	r := newRedactor(loadCase(t))
	for _, tc := range []struct{ name, in, want string }{
		{"id card", "身份证110101199001011234。", "身份证1101**********1234。"},
		{"id card with X", "11010119900101123X", "1101**********123X"},
		{"own phone", "电话13900001234", "电话139****1234"},
		{"plus 86", "+86 13800138000", "+86 138****8000"},
		{"collector kept", "15900001111来电", "15900001111来电"},
		{"creditor kept", "95188", "95188"},
		{"bank card 16", "卡号6222021234567890", "卡号6222********7890"},
		{"digest untouched", "a13900001234b 9f13900001234", "a13900001234b 9f13900001234"},
		{"amount untouched", "1000.00", "1000.00"},
		{"spaced phone", "电话 139 0000 1234。", "电话 139 **** 1234。"},
		{"dashed collector kept", "159-0000-1111", "159-0000-1111"},
		{"two spaced phones", "139 0000 1234 138 0013 8000", "139 **** 1234 138 **** 8000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := r.apply(tc.in); got != tc.want {
				t.Errorf("apply(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestTemplateOverride(t *testing.T) {
	fx := newFixture(t)
	over := fstest.MapFS{"letters/complaint.zh.tmpl": {Data: []byte("# 自定义投诉书\n{{.Complainant.Name}}致{{.Respondent.Name}}：共{{.ExhibitCount}}项证据。\n")}}
	path := writeTemp(t, render(t, fx, Options{Templates: over}))
	text := squeeze(pdftotext(t, path, 0, 0, false))
	if !strings.Contains(text, "张三致重庆蚂蚁消费金融有限公司：共13项证据。") {
		t.Error("the overriding template was not used")
	}
	bad := fstest.MapFS{"letters/complaint.zh.tmpl": {Data: []byte("{{.NoSuchField}}")}}
	if err := Render(&bytes.Buffer{}, fx.bundle, fx.report, Options{Templates: bad}); err == nil || !strings.Contains(err.Error(), "complaint.zh.tmpl") {
		t.Errorf("a broken template gave %v, want an error naming it", err)
	}
}

func TestUnknownLetterAndLanguage(t *testing.T) {
	fx := newFixture(t)
	for _, opt := range []Options{{Letter: "nonsense"}, {Lang: "fr"}} {
		if err := Render(&bytes.Buffer{}, fx.bundle, fx.report, opt); err == nil {
			t.Errorf("%+v: no error", opt)
		}
	}
	if err := Render(&bytes.Buffer{}, nil, nil, Options{}); err == nil {
		t.Error("nil bundle: no error")
	}
}
