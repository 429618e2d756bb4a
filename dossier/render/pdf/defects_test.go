package pdf

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/webp"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/internal/hostile"
	"github.com/dossier-tool/dossier/dossier/parse"
	"github.com/dossier-tool/dossier/dossier/render/pdf/linebreak"
	"github.com/dossier-tool/dossier/templates"
)

// The library's SplitText loses a CJK character at every break it makes; the packet's own breaker
// must not. The first half documents the defect (and notices if a new version fixes it).
func TestLibrarySplitTextDropsCharacters(t *testing.T) {
	f := fpdf.New("P", "mm", "A4", "")
	f.AddUTF8FontFromBytes("cjk", "", templates.Font())
	f.SetFont("cjk", "", 11)
	f.AddPage()
	text := strings.Repeat("催收人员在协议达成后仍然每天来电", 6)
	lines := f.SplitText(text, 50)
	if got := len([]rune(strings.Join(lines, ""))); got == len([]rune(text)) {
		t.Logf("the library's SplitText kept all %d characters: the defect may be fixed", got)
	} else {
		t.Logf("the library's SplitText kept %d of %d characters over %d lines", got, len([]rune(text)), len(lines))
	}
	ours := linebreak.Break(text, 50, f.GetStringWidth)
	if len(ours) < 2 || strings.Join(ours, "") != text {
		t.Errorf("linebreak lost characters: %d lines, %q", len(ours), strings.Join(ours, ""))
	}
}

// Attachments are document-level: the page-anchored annotation the library offers writes an
// invalid file, so the packet must never contain one.
func TestNoAttachmentAnnotations(t *testing.T) {
	fx := newFixture(t)
	data := render(t, fx, Options{})
	if bytes.Contains(data, []byte("/FileAttachment")) {
		t.Error("the packet contains a file attachment annotation")
	}
	if !bytes.Contains(data, []byte("/EmbeddedFiles")) {
		t.Error("the packet has no /EmbeddedFiles name tree")
	}
}

// tinyWebP is a 1×1 lossless WebP.
var tinyWebP = hostile.TinyWebP

// Files that cannot be drawn still give a packet, with a page naming the file, its digest and why.
func TestUnrenderableFilesGetAPage(t *testing.T) {
	for _, tc := range []struct {
		name, file, mime string
		data             []byte
		why              string // "" when the file must be drawn
	}{
		{"corrupt jpeg", "broken.jpg", "image/jpeg", []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00garbage"), "图像文件损坏或格式不受支持"},
		{"truncated png", "cut.png", "image/png", encodePNG(screenshot(40, 40, 1))[:60], "图像文件损坏或格式不受支持"},
		{"encrypted pdf", "locked.pdf", "application/pdf", agreementPDF(t, true), "PDF 已加密，无法导入其页面"},
		{"garbage pdf", "bad.pdf", "application/pdf", []byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF"), "PDF 无法导入"},
		{"heic", "IMG_1.HEIC", "image/heic", []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00"), "HEIC 图像无法嵌入 PDF"},
		{"unknown type", "x.bin", "application/octet-stream", []byte{0, 1, 2}, "无法以页面形式呈现"},
		{"webp", "a.webp", "image/webp", tinyWebP, ""},
		{"16-bit png", "deep.png", "image/png", png16(t), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.file == "a.webp" {
				if _, err := webp.Decode(bytes.NewReader(tc.data)); err != nil {
					t.Fatalf("test image does not decode: %v", err)
				}
			}
			fx := newFixture(t)
			it := &fx.bundle.Items[2] // the screenshot slot, exhibit 3
			it.Name, it.MIME, it.Kind, it.Title = tc.file, tc.mime, parse.KindScreenshot, ""
			it.SHA256, it.Size = fx.store.put(tc.data), int64(len(tc.data))
			fx.bundle.Items = fx.bundle.Items[:3]
			path := writeTemp(t, render(t, fx, Options{}))
			text := squeeze(pdftotext(t, path, 0, 0, false))
			i := strings.Index(text, squeeze(evidence.Label("zh", 3)+" · 第1页"))
			if i < 0 {
				t.Fatal("exhibit 3 has no page")
			}
			page := text[i:]
			if tc.why == "" {
				if strings.Contains(page, "本证据无法在此显示") {
					t.Errorf("%s was not drawn: %s", tc.file, page[:min(400, len(page))])
				}
				return
			}
			for _, want := range []string{"本证据无法在此显示", tc.file, it.SHA256, squeeze(tc.why)} {
				if !strings.Contains(page, want) {
					t.Errorf("the page of %s lacks %q", tc.file, want)
				}
			}
		})
	}
}

// png16 is a 16-bit PNG, which the library refuses and the renderer re-encodes.
func png16(t *testing.T) []byte {
	t.Helper()
	img := imageRGBA64(20, 20)
	return encodePNG(img)
}

func TestLongMessageIsPrintedWholeInItsExhibit(t *testing.T) {
	fx := newFixture(t)
	long := strings.Repeat("您的欠款已逾期，请立即处理。", 40) + "结尾标记"
	for i := range fx.bundle.Events {
		if e := &fx.bundle.Events[i]; e.Channel == event.SMS && e.Exhibit == 2 {
			e.Text = long
			break
		}
	}
	path := writeTemp(t, render(t, fx, Options{}))
	text := squeeze(pdftotext(t, path, 0, 0, false))
	if n := strings.Count(text, "结尾标记"); n != 1 {
		t.Errorf("the end of the long message appears %d times, want once (in its exhibit, not the timeline)", n)
	}
	if !strings.Contains(text, squeeze(long)) {
		t.Error(fmt.Sprintf("the long message is not printed whole (%d runes)", len([]rune(long))))
	}
}

// The library's attachment keys (Attachement1, ..., Attachement10) are not in name-tree order from
// the tenth on, and its file specifications leave /F empty; the packet's own attachments have
// neither defect.
func TestAttachmentNameTree(t *testing.T) {
	fx := newFixture(t)
	data := render(t, fx, Options{})
	keys := regexp.MustCompile(`\((Attachment\d{6})\) \d+ 0 R`).FindAllSubmatch(data, -1)
	if len(keys) != len(fx.bundle.Items)+1 {
		t.Fatalf("%d keys in the name tree, want %d", len(keys), len(fx.bundle.Items)+1)
	}
	for i := 1; i < len(keys); i++ {
		if bytes.Compare(keys[i-1][1], keys[i][1]) >= 0 {
			t.Errorf("name tree keys out of order: %s before %s", keys[i-1][1], keys[i][1])
		}
	}
	if bytes.Contains(data, []byte("/F () ")) || bytes.Contains(data, []byte("Attachement")) {
		t.Error("a file specification kept the library's empty /F or key")
	}
}

// The packet once claimed PDF 1.5 while using the attachments' /UF, which PDF 1.7 defines; strict
// validators rejected it.
func TestVersionCoversContent(t *testing.T) {
	data := render(t, newFixture(t), Options{})
	if !bytes.Contains(data, []byte("/UF ")) {
		t.Fatal("the packet has no /UF entry: the test no longer tests anything")
	}
	if !bytes.HasPrefix(data, []byte("%PDF-1.7\n")) {
		t.Errorf("header %q, want %%PDF-1.7 for /UF", data[:8])
	}
	if bytes.Contains(data, []byte("/Version")) {
		t.Error("the catalog overrides the header's version")
	}
}
