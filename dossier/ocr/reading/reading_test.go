package reading_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier"
	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/ingest"
	"github.com/dossier-tool/dossier/dossier/ocr"
	"github.com/dossier-tool/dossier/dossier/ocr/internal/textimg"
	"github.com/dossier-tool/dossier/dossier/ocr/reading"
	"github.com/dossier-tool/dossier/dossier/render/pdf"
	"github.com/dossier-tool/dossier/dossier/verify"
)

// newCase makes a case holding one screenshot that says lines.
func newCase(t *testing.T, lines ...string) *dossier.Case {
	t.Helper()
	dir := t.TempDir()
	c, err := dossier.Init(filepath.Join(dir, "case"), dossier.InitOptions{Title: "测试"})
	if err != nil {
		t.Fatal(err)
	}
	p := screenshot(t, dir, "Screenshot_20250128-233252.png", lines...)
	if _, err := c.Add(context.Background(), []string{p}, dossier.AddOptions{}); err != nil {
		t.Fatal(err)
	}
	return c
}

// screenshot writes a PNG named name in dir that says lines, and returns its path.
func screenshot(t *testing.T, dir, name string, lines ...string) string {
	t.Helper()
	f, err := textimg.NewFace(40)
	if err != nil {
		t.Fatal(err)
	}
	m := image.NewRGBA(image.Rect(0, 0, 1080, 100*(len(lines)+1)))
	draw.Draw(m, m.Rect, image.White, image.Point{}, draw.Src)
	for i, l := range lines {
		f.Draw(m, 40, 100*(i+1), l, color.Black)
	}
	p := filepath.Join(dir, name)
	out, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(out, m); err != nil {
		t.Fatal(err)
	}
	out.Close()
	return p
}

// storeFixture stores as the reading of an exhibit a fixture of package screen: what the engine
// read from a rendered screen.
func storeFixture(t *testing.T, c *dossier.Case, exhibit int, name string) {
	t.Helper()
	items, err := c.Items()
	if err != nil {
		t.Fatal(err)
	}
	it := items[exhibit-1]
	b, err := os.ReadFile("../screen/testdata/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	r := reading.Reading{Item: it.ID, Exhibit: it.Exhibit, SHA256: it.SHA256, Engine: reading.Engine()}
	if err := json.Unmarshal(b, &r.Page); err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(r)
	if err := c.Folder.WriteReading(it.ID, it.Exhibit, data, time.Now()); err != nil {
		t.Fatal(err)
	}
}

func engine(t *testing.T) func() (*ocr.Engine, error) {
	e, err := ocr.Open(ocr.Dir())
	if err != nil {
		t.Skipf("OCR engine not available (%v); %s", err, ocr.HowToEnable)
	}
	t.Cleanup(func() { e.Close() })
	return func() (*ocr.Engine, error) { return e, nil }
}

func TestReadTextGoesIntoTheTimeline(t *testing.T) {
	c := newCase(t, "您的花呗已逾期", "请立即还款")
	res, err := c.ReadText(context.Background(), nil, dossier.ReadTextOptions{OCROptions: dossier.OCROptions{Engine: engine(t)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || res[0].Lines != 2 || res[0].Exhibit != 1 {
		t.Fatalf("results %+v, want exhibit 1 with 2 lines", res)
	}
	_, evs, err := c.Timeline()
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) == 0 || evs[0].Channel != event.Screenshot || evs[0].Text != "您的花呗已逾期\n请立即还款" {
		t.Errorf("timeline %+v, want the screenshot with its text", evs)
	}
}

func TestReadingOfOtherBytesIsIgnored(t *testing.T) {
	c := newCase(t, "x")
	items, err := c.Items()
	if err != nil {
		t.Fatal(err)
	}
	it := items[0]
	for _, tc := range []struct {
		name string
		r    reading.Reading
	}{
		{"other original", reading.Reading{Item: it.ID, SHA256: strings.Repeat("0", 64)}},
		{"other item", reading.Reading{Item: "someone-else", SHA256: it.SHA256}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.r.Lines = []ocr.Line{{Text: "伪造的文字", Confidence: 1}}
			b, _ := json.Marshal(tc.r)
			if err := c.Folder.WriteReading(it.ID, it.Exhibit, b, time.Now()); err != nil {
				t.Fatal(err)
			}
			if _, err := reading.Load(c.Folder, &it); err == nil {
				t.Error("Load accepted a reading of other bytes")
			}
			_, evs, err := c.Timeline()
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range evs {
				if strings.Contains(e.Text, "伪造") {
					t.Errorf("timeline carries the text of a foreign reading: %+v", e)
				}
			}
		})
	}
}

func TestOCROffLeavesImagesUnread(t *testing.T) {
	c := newCase(t, "x")
	var off error
	res, err := c.ReadText(context.Background(), nil, dossier.ReadTextOptions{OCROptions: dossier.OCROptions{
		Engine: func() (*ocr.Engine, error) { return ocr.Open(t.TempDir()) },
		Off:    func(err error) { off = err },
	}})
	if err != nil || len(res) != 0 {
		t.Fatalf("ReadText = %v, %v; want nothing read and no error", res, err)
	}
	if off == nil || !strings.Contains(off.Error(), ocr.DetModel) {
		t.Errorf("Off told %v, want the missing model named", off)
	}
}

// TestChatScreenEventsAndCorrections stores a reading made from a rendered chat screen (the
// fixture of package screen) and checks what the timeline makes of it, before and after a
// correction in case.yaml.
func TestChatScreenEventsAndCorrections(t *testing.T) {
	c := newCase(t, "x")
	storeFixture(t, c, 1, "chat_wechat_light")
	messages := func() []event.Event {
		_, evs, err := c.Timeline()
		if err != nil {
			t.Fatal(err)
		}
		var out []event.Event
		for _, e := range evs {
			if e.Channel == event.Chat {
				out = append(out, e)
			}
		}
		return out
	}
	ms := messages()
	if len(ms) != 3 {
		t.Fatalf("%d messages, want 3: %+v", len(ms), ms)
	}
	// The screenshot was taken 2025-01-28 23:32 (its name); 昨天 22:32 is the 27th.
	if got := ms[0].Time.Format("2006-01-02 15:04"); got != "2025-01-27 22:32" || ms[0].Direction != event.In || ms[0].Exhibit != 1 {
		t.Errorf("first message %s %s exhibit %d", got, ms[0].Direction, ms[0].Exhibit)
	}
	if !strings.Contains(ms[0].Text, "12000元") {
		t.Fatalf("first message %q", ms[0].Text)
	}

	yaml, err := os.ReadFile(c.Folder.CaseYAML())
	if err != nil {
		t.Fatal(err)
	}
	fix := "\nocr_corrections:\n  - {exhibit: 1, line: 6, text: \"人员，关于您的花呗欠款130\"}\n"
	if err := os.WriteFile(c.Folder.CaseYAML(), append(yaml, fix...), 0o644); err != nil {
		t.Fatal(err)
	}
	ms = messages()
	if len(ms) != 3 || !strings.Contains(ms[0].Text, "13000元") {
		t.Fatalf("corrected message %q", ms[0].Text)
	}
}

// A reading edited, removed or planted after the fact is found by verify.
func TestVerifyFindsAlteredReadings(t *testing.T) {
	c := newCase(t, "x")
	items, _ := c.Items()
	it := items[0]
	r := reading.Reading{Item: it.ID, Exhibit: it.Exhibit, SHA256: it.SHA256, Page: ocr.Page{Lines: []ocr.Line{{Text: "原文", Confidence: 0.99}}}}
	data, _ := json.Marshal(r)
	if err := c.Folder.WriteReading(it.ID, it.Exhibit, data, time.Now()); err != nil {
		t.Fatal(err)
	}
	check := func(want string) {
		t.Helper()
		rep, err := verify.Case(c.Folder.Dir)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range rep.Problems {
			got = append(got, p.Detail)
		}
		if all := strings.Join(got, "; "); want == "" && all != "" || want != "" && !strings.Contains(all, want) {
			t.Errorf("problems %q, want %q", all, want)
		}
	}
	check("")
	path := c.Folder.ReadingPath(it.ID)
	if err := os.WriteFile(path, []byte(strings.Replace(string(data), "原文", "改过", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	check("was changed after it was recorded")
	os.Remove(path)
	check("is missing")
	if err := os.WriteFile(filepath.Join(filepath.Dir(path), "planted.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	check("never recorded")
}

// The sample call-history screenshot, as the engine read it (the fixture of package screen):
// its row "159 0000 1111 (8)" is eight missed calls, over the sample case's six a day, and the
// night findings of its rows say how many calls each row stands for.
func TestSampleCallRowsCountInFindings(t *testing.T) {
	dir := t.TempDir()
	c, err := dossier.Init(filepath.Join(dir, "case"), dossier.InitOptions{Title: "测试"})
	if err != nil {
		t.Fatal(err)
	}
	yaml, err := os.ReadFile("../../../samples/case.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(c.Folder.CaseYAML(), yaml, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Add(context.Background(), []string{"../../../samples/evidence/screenshots/Screenshot_20250128-233252.png"}, dossier.AddOptions{}); err != nil {
		t.Fatal(err)
	}
	storeFixture(t, c, 1, "sample_calls")
	_, rep, err := c.Findings(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range rep.Findings {
		if f.Rule == "unanswered-attempts" || f.Rule == "night-contact" {
			got = append(got, f.Rule+" "+f.Message)
		}
	}
	want := []string{
		"night-contact 2025-01-28 22:15:00 15900001111（某某资产催收员）来电，处于 22:00–08:00 禁止催收时段",
		"night-contact 2025-01-28 22:47:00 某某律所催收专员 来电（未接），处于 22:00–08:00 禁止催收时段；截图中该行合并显示 3 次来电，只显示最后一次的时间",
		"night-contact 2025-01-28 23:10:00 15900001111（某某资产催收员）来电（未接），处于 22:00–08:00 禁止催收时段；截图中该行合并显示 8 次来电，只显示最后一次的时间",
		"unanswered-attempts 2025-01-28 15900001111（某某资产催收员）未接来电 8 次（含截图中合并显示的 8 次），超过每日 6 次",
	}
	sameLines(t, "findings", got, want)
}

// An SMS thread seen both in an SMS Backup & Restore file and in a screenshot of the SMS app (the
// sample case's, as the engine read it) is one event per message, the backup's, citing both
// exhibits; the same words sent on another day stay a message of their own.
func TestScreenMessagesFoldIntoTheBackup(t *testing.T) {
	dir := t.TempDir()
	c, err := dossier.Init(filepath.Join(dir, "case"), dossier.InitOptions{Title: "测试"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"../../../samples/evidence/screenshots/mmexport1738763400000.jpg", "testdata/sms-20250206080000.xml"} {
		if _, err := c.Add(context.Background(), []string{p}, dossier.AddOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	storeFixture(t, c, 1, "sample_sms")
	_, evs, err := c.Timeline()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range evs {
		if e.Channel == event.Screenshot {
			continue
		}
		got = append(got, fmt.Sprintf("%s %s %s %s %v %s", e.Time.Format("01-02 15:04:05"), e.Channel, e.Direction, e.TimeSource, e.Exhibits, e.Text))
	}
	want := []string{
		"02-03 22:58:10 sms in content [2] 今晚不回电话将视为恶意拖欠，我们将联系您的通讯录好友",
		"02-04 23:05:42 sms in content [1 2] 【某某资产】您的欠款已转交法务部门处理，请尽快联系",
		"02-05 22:58:07 sms in content [1 2] 今晚不回电话将视为恶意拖欠，我们将联系您的通讯录好友",
		"02-05 22:58:51 sms out content [1 2] 已按协议还款，请停止联系",
	}
	sameLines(t, "timeline", got, want)
}

func sameLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if g, w := strings.Join(got, "\n"), strings.Join(want, "\n"); g != w {
		t.Errorf("%s\n%s\nwant\n%s", what, g, w)
	}
}

// A scanned agreement (img2pdf's PDF of a grey JPEG page and a black-and-white PNG page, no text
// of its own) is read at add, page by page, and the packet lays the words over its pages: the
// text pdftotext finds on the exhibit's pages has the agreement's title, number and amounts.
func TestScannedAgreementIsReadAndSearchable(t *testing.T) {
	eng := engine(t)
	dir := t.TempDir()
	c, err := dossier.Init(filepath.Join(dir, "case"), dossier.InitOptions{Title: "测试"})
	if err != nil {
		t.Fatal(err)
	}
	var read []reading.Result
	_, err = c.Add(context.Background(), []string{"../../parse/pdfdoc/testdata/scanned-agreement.pdf"},
		dossier.AddOptions{Describe: ingest.Describe{Kind: "agreement"}, OCR: &dossier.OCROptions{Engine: eng, Done: func(r []reading.Result) { read = r }}})
	if err != nil {
		t.Fatal(err)
	}
	if len(read) != 1 || read[0].Warning != "" || read[0].Lines < 15 {
		t.Fatalf("add read %+v, want the agreement's lines", read)
	}
	items, _ := c.Items()
	r, err := reading.Load(c.Folder, &items[0])
	if err != nil || r == nil || len(r.Pages) != 2 || len(r.Lines) != 0 {
		t.Fatalf("reading %+v, %v; want two pages", r, err)
	}
	page1 := ""
	for _, l := range r.Pages[0].Lines {
		page1 += l.Text + "\n"
	}
	t.Logf("page 1 read as:\n%s", page1)
	if r.Pages[0].Number != 1 || r.Pages[0].Box[2] < 590 || r.Pages[0].Box[3] < 835 {
		t.Errorf("page 1 at %v, want the whole A4 page", r.Pages[0].Box)
	}

	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skipf("pdftotext not installed (poppler-utils): %v", err)
	}
	var buf bytes.Buffer
	if err := c.PDF(&buf, pdf.Options{}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "packet.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	// The exhibit's pages are those stamped 证据1 · 第N页 that show the agreement's pages.
	var exhibit []string
	for _, pg := range strings.Split(string(out), "\f") {
		if strings.Contains(pg, "证据1 · 第") {
			exhibit = append(exhibit, pg)
		}
	}
	text := strings.Join(exhibit, "\n")
	for _, want := range []string{"分期还款协议", "协议编号：HB2025012900321", "重庆蚂蚁消费金融有限公司", "人民币12000.00元", "每期还款1000.00元",
		"附件：还款计划", "第12期", "合计", "12000.00元"} {
		if !strings.Contains(text, want) {
			t.Errorf("the packet's pages of the agreement lack %q:\n%s", want, text)
		}
	}
}

// Ctrl-C during the reading stops it between images: the images read so far are stored (the
// case verifies clean) and the rest are left for dossier ocr.
func TestReadingStops(t *testing.T) {
	c := newCase(t, "第一张")
	dir := t.TempDir()
	texts := []string{"第二张", "第三张", "第四张", "第五张", "第六张", "第七张", "第八张"}
	for i, text := range texts {
		p := screenshot(t, dir, fmt.Sprintf("Screenshot_20250129-1000%02d.png", i), text)
		if _, err := c.Add(context.Background(), []string{p}, dossier.AddOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res, err := c.ReadText(ctx, nil, dossier.ReadTextOptions{OCROptions: dossier.OCROptions{Engine: engine(t),
		Progress: func(done, total int) { cancel() }}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want the cancellation", err)
	}
	// The images the workers began before the cancellation reached them are read too: how many
	// depends on the scheduler, not on the code, so only "not all" is certain.
	if len(res) == 0 || len(res) >= 1+len(texts) {
		t.Fatalf("%d of %d images read, want the reading stopped", len(res), 1+len(texts))
	}
	stored := 0
	items, _ := c.Items()
	for i := range items {
		if r, _ := c.Reading(&items[i]); r != nil {
			stored++
		}
	}
	if stored != len(res) {
		t.Errorf("%d readings stored, %d read", stored, len(res))
	}
	rep, err := verify.Case(c.Folder.Dir)
	if err != nil || !rep.OK() {
		t.Fatalf("verify after a stopped reading: %v %+v", err, rep)
	}
}
