package pdf

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/templates"
)

// textScreen draws lines of text as a phone screenshot would show them, CJK from the CJK font and
// everything else from the Latin one, and returns the image and the reading an OCR engine would
// make of it: each line's text and box.
func textScreen(t testing.TB, lines []string) (*image.RGBA, []evidence.TextLine) {
	t.Helper()
	face := func(data []byte) font.Face {
		f, err := opentype.Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		fc, err := opentype.NewFace(f, &opentype.FaceOptions{Size: 40, DPI: 72, Hinting: font.HintingFull})
		if err != nil {
			t.Fatal(err)
		}
		return fc
	}
	cjk, latin := face(templates.Font()), face(templates.LatinFont())
	const w, lh = 1000, 90
	img := image.NewRGBA(image.Rect(0, 0, w, lh*len(lines)+40))
	draw.Draw(img, img.Rect, image.NewUniform(color.RGBA{250, 250, 250, 255}), image.Point{}, draw.Src)
	var read []evidence.TextLine
	for i, l := range lines {
		base := 20 + lh*i + 60
		dot := fixed.I(30)
		for _, r := range l {
			fc := latin
			if r > 0x2E80 {
				fc = cjk
			}
			dr := &font.Drawer{Dst: img, Src: image.NewUniform(color.RGBA{20, 20, 20, 255}), Face: fc, Dot: fixed.Point26_6{X: dot, Y: fixed.I(base)}}
			dr.DrawString(string(r))
			dot = dr.Dot.X
		}
		m := latin.Metrics()
		read = append(read, evidence.TextLine{Text: l, X0: 30, Y0: base - m.Ascent.Ceil(), X1: dot.Ceil(), Y1: base + m.Descent.Ceil()})
	}
	return img, read
}

// redactFixture is the fixture with its PDFs turned into files of no drawable type (rendering their
// pages to images is slow and tested elsewhere) and the PNG screenshot replaced by a screen that
// shows the complainant's phone and ID-card numbers, the family's number spaced out, and a
// collector's number, which stays legible; ocr says whether OCR has read it.
func redactFixture(t *testing.T, ocr bool) (*fixture, *evidence.Item) {
	fx := newFixture(t)
	for i := range fx.bundle.Items {
		if fx.bundle.Items[i].MIME == "application/pdf" {
			fx.bundle.Items[i].MIME = "application/octet-stream"
		}
	}
	img, lines := textScreen(t, []string{
		"张三您好请回电 13900001234",
		"ID 110101199001011234 ok",
		"wife 138 0013 8000",
		"agent 15900001111 call",
	})
	it := &fx.bundle.Items[2]
	data := encodePNG(img)
	it.SHA256, it.Size = fx.store.put(data), int64(len(data))
	if ocr {
		fx.bundle.Text = map[string][]evidence.TextLine{it.ID: lines}
		fx.bundle.Read = map[string]bool{it.ID: true}
	}
	return fx, it
}

var redactedValues = []string{"13900001234", "110101199001011234", "13800138000"}

// imageDigits extracts every image of a packet (pdfimages) and returns, per image, the digits
// tesseract reads on it.
func imageDigits(t *testing.T, packet []byte) []string {
	dir := t.TempDir()
	path := filepath.Join(dir, "packet.pdf")
	if err := os.WriteFile(path, packet, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(tool(t, "pdfimages"), "-png", path, filepath.Join(dir, "img")).CombinedOutput(); err != nil {
		t.Fatalf("pdfimages: %v\n%s", err, out)
	}
	pngs, _ := filepath.Glob(filepath.Join(dir, "img-*.png"))
	var out []string
	for _, p := range pngs {
		text, err := exec.Command(tool(t, "tesseract"), p, "-", "--psm", "6").Output()
		if err != nil {
			t.Fatalf("tesseract %s: %v", p, err)
		}
		out = append(out, digitsOf(string(text)))
	}
	return out
}

func digitsOf(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r == 'X' {
			return r
		}
		return -1
	}, s)
}

// Numbers inside a screenshot were once embedded as the screenshot showed them, in a redacted
// packet too. Now every image of a redacted packet, extracted and read by another OCR engine,
// shows none of the masked values (the same check on the unredacted packet finds them, so it can
// fail), the collector's number is still legible, and the invisible text layer carries the
// masked text, never the value.
func TestScreenshotNumbersMasked(t *testing.T) {
	fx, _ := redactFixture(t, true)
	plain := imageDigits(t, render(t, fx, Options{NoAttach: true}))
	for _, v := range append(redactedValues, "15900001111") {
		if !anyContains(plain, v) {
			t.Fatalf("tesseract does not read %s on the unredacted screenshot (read %q): the check proves nothing", v, plain)
		}
	}
	packet := render(t, fx, Options{Redact: true})
	seen := imageDigits(t, packet)
	for _, v := range redactedValues {
		if anyContains(seen, v) {
			t.Errorf("%s is legible in an image of the redacted packet", v)
		}
	}
	if !anyContains(seen, "15900001111") {
		t.Errorf("the collector's number is masked too (read %q)", seen)
	}
	text := squeeze(pdftotext(t, writeTemp(t, packet), 0, 0, false))
	for _, v := range redactedValues {
		if strings.Contains(digitsOf(text), v) {
			t.Errorf("%s is in the redacted packet's text", v)
		}
	}
	for _, want := range []string{"张三您好请回电***********", "ID******************ok", "agent15900001111call"} {
		if !strings.Contains(text, want) {
			t.Errorf("the text layer lacks %q", want)
		}
	}
}

// A screenshot OCR has not read cannot be searched for numbers: a redacted packet leaves it out,
// says why and how to have it read on its exhibit page, and lists it in the integrity appendix;
// no image of it is in the file. An unredacted packet still shows it.
func TestUnreadImagesLeftOutOfRedactedPacket(t *testing.T) {
	fx, _ := redactFixture(t, false)
	count := func(packet []byte) int {
		out, err := exec.Command(tool(t, "pdfimages"), "-list", writeTemp(t, packet)).Output()
		if err != nil {
			t.Fatalf("pdfimages: %v", err)
		}
		return bytes.Count(out, []byte("\n")) - 2 // two heading lines
	}
	shown := count(render(t, fx, Options{}))
	if shown < 3 {
		t.Fatalf("the unredacted packet has %d images, want the cover's QR code and the two screenshots", shown)
	}
	for _, lang := range []string{"zh", "en"} {
		packet := render(t, fx, Options{Redact: true, Lang: lang})
		if n := count(packet); n != shown-2 {
			t.Errorf("%s: the redacted packet has %d images, want %d: the unread screenshots are in it", lang, n, shown-2)
		}
		if jpg := fx.store[fx.bundle.Items[3].SHA256]; bytes.Contains(packet, jpg) {
			t.Errorf("%s: the unread JPEG's bytes are in the redacted packet", lang)
		}
		text := squeeze(pdftotext(t, writeTemp(t, packet), 0, 0, false))
		if n := strings.Count(text, squeeze(text2(lang, "why.unchecked"))); n != 2 {
			t.Errorf("%s: the notice is on %d exhibit pages, want 2", lang, n)
		}
		list := evidence.Label(lang, 3) + text2(lang, "list.sep") + evidence.Label(lang, 4)
		if want := squeeze(strings.Replace(text2(lang, "redact.leftout"), "%s", list, 1)); !strings.Contains(text, want) {
			t.Errorf("%s: the integrity appendix does not say %q", lang, want)
		}
	}
}

// Which parts of an image's OCR lines are painted over, and what the text layer says instead.
func TestImageRedactionSpans(t *testing.T) {
	c := loadCase(t)
	b := &evidence.Bundle{Case: c}
	line := func(s string, y int) evidence.TextLine {
		return evidence.TextLine{Text: s, X0: 10, Y0: y, X1: 10 + 20*len([]rune(s)), Y1: y + 30}
	}
	for _, tc := range []struct {
		name  string
		lines []evidence.TextLine
		want  []string // the text layer
		boxes int      // boxes painted
		whole bool     // the first box spans the whole first line
	}{
		{"phone in a sentence", []evidence.TextLine{line("请回电13900001234谢谢", 0)}, []string{"请回电***********谢谢"}, 1, false},
		{"collector stays", []evidence.TextLine{line("催收 15900001111", 0)}, []string{"催收 15900001111"}, 0, false},
		{"OCR misread O for 0", []evidence.TextLine{line("电话 139OOOO1234 ok", 0)}, []string{"电话 *********** ok"}, 1, false},
		{"number over two lines", []evidence.TextLine{line("身份证号码是1101011990", 0), line("01011234 请核对", 40)},
			[]string{"身份证号码是**********", "******** 请核对"}, 2, false},
		{"grouped number is one box", []evidence.TextLine{line("配偶电话：138 0013 8000，有事请找她", 0)}, []string{"配偶电话：*** **** ****，有事请找她"}, 1, false},
		{"corrected line masked whole", []evidence.TextLine{{Text: "家人13800138000", X0: 10, Y0: 0, X1: 300, Y1: 30, Corrected: true}}, []string{"家人***********"}, 1, true},
		{"number is most of the line", []evidence.TextLine{line("13900001234", 0)}, []string{"***********"}, 1, true},
		{"other mobile keeps its ends", []evidence.TextLine{line("朋友 13700001111 的电话", 0)}, []string{"朋友 137****1111 的电话"}, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := redactImage(newRedactor(c), b, tc.lines, 2000, 2000)
			if strings.Join(r.lines, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("text layer %q, want %q", r.lines, tc.want)
			}
			if len(r.masks) != tc.boxes {
				t.Fatalf("%d boxes %v, want %d", len(r.masks), r.masks, tc.boxes)
			}
			if tc.boxes > 0 {
				l := tc.lines[0]
				whole := r.masks[0].Min.X <= l.X0 && r.masks[0].Max.X >= l.X1
				if whole != tc.whole {
					t.Errorf("box %v over line %v: whole line %v, want %v", r.masks[0], l, whole, tc.whole)
				}
				if r.masks[0].Min.Y > l.Y0 || r.masks[0].Max.Y < l.Y1 {
					t.Errorf("box %v does not cover the line's height %d–%d", r.masks[0], l.Y0, l.Y1)
				}
			}
		})
	}
}

// A redacted imported page was once pixels only: a search found nothing on it. Now it carries an
// invisible text layer from PDFium's characters: pdftotext gives the page's words, the collector's
// number and the agreement's reference, and none of the masked values.
func TestRedactedImportedPageHasText(t *testing.T) {
	f := fpdf.New("P", "mm", "A4", "")
	f.AddUTF8FontFromBytes("cjk", "", templates.Font())
	f.AddUTF8FontFromBytes("latin", "", templates.LatinFont())
	f.SetCreationDate(time.Date(2025, 1, 29, 10, 0, 0, 0, time.UTC))
	f.AddPage()
	f.SetFont("cjk", "", 16)
	f.Text(20, 30, "分期还款协议")
	f.SetFont("cjk", "", 11)
	f.Text(20, 45, "乙方：张三")
	f.SetFont("latin", "", 11)
	f.Text(20, 55, "ID 110101199001011234, mobile 139 0000 1234")
	f.Text(20, 65, "Reference HB2025012900321, agent 15900001111")
	var pdfData bytes.Buffer
	if err := f.Output(&pdfData); err != nil {
		t.Fatal(err)
	}
	fx := newFixture(t)
	it := onlyPDF(fx, pdfData.Bytes(), false)
	path := writeTemp(t, render(t, fx, Options{Redact: true}))
	stamp := fmt.Sprintf("%s · 第1页", evidence.Label("zh", it.Exhibit))
	var page, raw string
	for _, p := range strings.Split(pdftotext(t, path, 0, 0, false), "\f") {
		if strings.Contains(p, stamp) {
			page, raw = squeeze(p), p
			break
		}
	}
	if page == "" {
		t.Fatalf("no page stamped %s", stamp)
	}
	if want := "ID ******************, mobile *** **** ****"; !strings.Contains(raw, want) {
		t.Errorf("the redacted page's words are not spaced as the page's: want %q in\n%s", want, raw)
	}
	for _, want := range []string{"分期还款协议", "乙方：张三", "ReferenceHB2025012900321,agent15900001111", "ID******************,mobile***********"} {
		if !strings.Contains(page, want) {
			t.Errorf("the redacted page's text lacks %q:\n%s", want, page)
		}
	}
	for _, v := range []string{"110101199001011234", "13900001234"} {
		if strings.Contains(digitsOf(page), v) {
			t.Errorf("the redacted page's text gives %s", v)
		}
	}
}

// A scanned page has its numbers in pixels, which PDFium has no characters for: a redacted
// packet paints them over where OCR read them on the page, so no image of the packet shows them.
func TestScannedPageNumbersMasked(t *testing.T) {
	img, read := textScreen(t, []string{"张三您好请回电 13900001234", "agent 15900001111 call"})
	const left, top, width = 20.0, 20.0, 170.0 // where the scan lies on the page, in mm
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCreationDate(time.Date(2025, 1, 29, 10, 0, 0, 0, time.UTC))
	f.AddPage()
	f.RegisterImageOptionsReader("scan", fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(encodePNG(img)))
	f.ImageOptions("scan", left, top, width, 0, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	var pdfData bytes.Buffer
	if err := f.Output(&pdfData); err != nil {
		t.Fatal(err)
	}
	mm := width / float64(img.Rect.Dx()) // per pixel
	units := func(origin float64, px int) int {
		return int((origin + float64(px)*mm) * 72 / 25.4 * evidence.PageUnits)
	}
	var lines []evidence.TextLine
	for _, l := range read {
		lines = append(lines, evidence.TextLine{Text: l.Text, Page: 1, X0: units(left, l.X0), Y0: units(top, l.Y0), X1: units(left, l.X1), Y1: units(top, l.Y1)})
	}
	fx := newFixture(t)
	it := onlyPDF(fx, pdfData.Bytes(), true)
	fx.bundle.Text = map[string][]evidence.TextLine{it.ID: lines}
	fx.bundle.Read = map[string]bool{it.ID: true}
	if plain := imageDigits(t, render(t, fx, Options{NoAttach: true})); !anyContains(plain, "13900001234") {
		t.Fatalf("tesseract does not read the number on the unredacted scan (read %q): the check proves nothing", plain)
	}
	packet := render(t, fx, Options{Redact: true})
	seen := imageDigits(t, packet)
	if anyContains(seen, "13900001234") {
		t.Error("the complainant's phone is legible on the redacted scan")
	}
	if !anyContains(seen, "15900001111") {
		t.Errorf("the collector's number is masked too (read %q)", seen)
	}
	if text := digitsOf(pdftotext(t, writeTemp(t, packet), 0, 0, false)); strings.Contains(text, "13900001234") {
		t.Error("the redacted scan's text layer gives the phone number")
	}

	// Without a reading the scan cannot be checked: its page is left out, said so, and listed.
	fx.bundle.Read, fx.bundle.Text = nil, nil
	packet = render(t, fx, Options{Redact: true})
	if seen := imageDigits(t, packet); anyContains(seen, "13900001234") || anyContains(seen, "15900001111") {
		t.Errorf("the unread scan is in the redacted packet (read %q)", seen)
	}
	text := squeeze(pdftotext(t, writeTemp(t, packet), 0, 0, false))
	if !strings.Contains(text, squeeze(text2("zh", "why.page.unchecked"))) {
		t.Error("the unread scan's page does not say why it is not shown")
	}
	entry := fmt.Sprintf(text2("zh", "redact.leftout.pages"), evidence.Label("zh", it.Exhibit), "1")
	if want := squeeze(fmt.Sprintf(text2("zh", "redact.leftout"), entry)); !strings.Contains(text, want) {
		t.Errorf("the integrity appendix does not say %q", want)
	}
}

// BenchmarkRedactedPacket renders the fixture redacted: its agreement's two pages through PDFium
// and its screenshot painted over. peak-heap-MiB is what the render holds at most (collected
// eagerly), PDFium's compiled code included; the command's peak RSS is in rasterize.go.
func BenchmarkRedactedPacket(b *testing.B) {
	fx := newFixture(b)
	img, lines := textScreen(b, []string{"请回电 13900001234"})
	it := &fx.bundle.Items[2]
	data := encodePNG(img)
	it.SHA256, it.Size = fx.store.put(data), int64(len(data))
	fx.bundle.Text = map[string][]evidence.TextLine{it.ID: lines}
	fx.bundle.Read = map[string]bool{it.ID: true}
	var peak uint64
	for b.Loop() {
		peak = max(peak, heapPeak(func() { render(b, fx, Options{Redact: true}) }))
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}

// A picture pasted into a page of text (a photographed ID card in a Word document) holds numbers
// PDFium has no characters for, and OCR reads only scanned pages: a redacted packet covers it,
// keeps the page's text, and says which pages it covered. A full-page picture under text (a scan
// with its own text layer, a letterhead) is the page itself and stays.
func TestPicturesInsideTextPagesCovered(t *testing.T) {
	card, _ := textScreen(t, []string{"身份证 110101199001011234", "电话 13900001234"})
	letterhead := image.NewRGBA(image.Rect(0, 0, 60, 85))
	draw.Draw(letterhead, letterhead.Rect, image.NewUniform(color.RGBA{R: 0xF0, G: 0xF4, B: 0xFF, A: 0xFF}), image.Point{}, draw.Src)
	f := fpdf.New("P", "mm", "A4", "")
	f.AddUTF8FontFromBytes("cjk", "", templates.Font())
	f.SetCreationDate(time.Date(2025, 1, 29, 10, 0, 0, 0, time.UTC))
	f.AddPage()
	f.RegisterImageOptionsReader("letterhead", fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(encodePNG(letterhead)))
	f.ImageOptions("letterhead", 0, 0, 210, 297, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	f.SetFont("cjk", "", 14)
	f.Text(20, 30, "身份证复印件")
	f.RegisterImageOptionsReader("card", fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(encodePNG(card)))
	f.ImageOptions("card", 20, 40, 170, 0, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	var pdfData bytes.Buffer
	if err := f.Output(&pdfData); err != nil {
		t.Fatal(err)
	}
	fx := newFixture(t)
	it := onlyPDF(fx, pdfData.Bytes(), true)
	if plain := imageDigits(t, render(t, fx, Options{NoAttach: true})); !anyContains(plain, "13900001234") {
		t.Fatalf("tesseract does not read the number on the unredacted page's picture (read %q): the check proves nothing", plain)
	}
	packet := render(t, fx, Options{Redact: true})
	if seen := imageDigits(t, packet); anyContains(seen, "110101199001011234") || anyContains(seen, "13900001234") {
		t.Errorf("the pasted ID card is legible on the redacted page (read %q)", seen)
	}
	text := squeeze(pdftotext(t, writeTemp(t, packet), 0, 0, false))
	if !strings.Contains(text, "身份证复印件") {
		t.Error("the page's own text is gone from the redacted packet")
	}
	entry := fmt.Sprintf(text2("zh", "redact.leftout.pages"), evidence.Label("zh", it.Exhibit), "1")
	if want := squeeze(fmt.Sprintf(text2("zh", "redact.covered"), entry)); !strings.Contains(text, want) {
		t.Errorf("the integrity appendix does not say %q", want)
	}
}

// A page of an imported PDF with nothing to mask is copied as it is, also in a redacted packet:
// its own text, exact, and no picture of it; only the page holding a number is rendered.
func TestRedactedPacketCopiesCleanPages(t *testing.T) {
	f := fpdf.New("P", "mm", "A4", "")
	f.AddUTF8FontFromBytes("cjk", "", templates.Font())
	f.SetCreationDate(time.Date(2025, 1, 29, 10, 0, 0, 0, time.UTC))
	f.AddPage()
	f.SetFont("cjk", "", 12)
	f.Text(20, 30, "乙方：张三 身份证号 110101199001011234")
	f.AddPage()
	f.Text(20, 30, "第二页 还款计划 每期1000.00元")
	var pdfData bytes.Buffer
	if err := f.Output(&pdfData); err != nil {
		t.Fatal(err)
	}
	fx := newFixture(t)
	onlyPDF(fx, pdfData.Bytes(), true)
	path := writeTemp(t, render(t, fx, Options{Redact: true}))
	out, err := exec.Command(tool(t, "pdfimages"), "-list", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	for _, l := range strings.Split(string(out), "\n")[2:] {
		if f := strings.Fields(l); len(f) > 0 && f[0] != "1" { // page 1 is the cover and its QR code
			rows++
		}
	}
	if rows != 1 {
		t.Errorf("%d pictures on the redacted packet's pages, want 1 (the page with the ID number):\n%s", rows, out)
	}
	text := pdftotext(t, path, 0, 0, false)
	if !strings.Contains(text, "第二页 还款计划 每期1000.00元") {
		t.Error("the clean page's own text is not in the redacted packet as it was")
	}
	if strings.Contains(digitsOf(text), "110101199001011234") {
		t.Error("the ID number is in the redacted packet's text")
	}
}

// onlyPDF makes the fixture's agreement exhibit hold data and turns its other PDFs (and, with
// noPictures, its pictures) into plain files, so that only data's pages are drawn.
func onlyPDF(fx *fixture, data []byte, noPictures bool) *evidence.Item {
	var it *evidence.Item
	for i := range fx.bundle.Items {
		x := &fx.bundle.Items[i]
		switch {
		case x.Name == "协议.pdf":
			it = x
		case x.MIME == "application/pdf" || noPictures && strings.HasPrefix(x.MIME, "image/"):
			x.MIME = "application/octet-stream"
		}
	}
	it.SHA256, it.Size = fx.store.put(data), int64(len(data))
	return it
}

// anyContains reports whether one of all holds v.
func anyContains(all []string, v string) bool {
	for _, d := range all {
		if strings.Contains(d, v) {
			return true
		}
	}
	return false
}
