package ocr

import (
	"image"
	"image/color"
	"image/draw"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/dossier-tool/dossier/dossier/ocr/internal/textimg"
)

var (
	engineOnce sync.Once
	engine     *Engine
	engineErr  error
)

// testEngine opens the engine from Dir(), or skips: `make test` installs the models first
// (`make ocr`), so only a machine that cannot fetch them gets here without them.
func testEngine(t testing.TB) *Engine {
	t.Helper()
	engineOnce.Do(func() { engine, engineErr = Open(Dir()) })
	if engineErr != nil {
		t.Skipf("OCR engine not available (%v); %s", engineErr, HowToEnable)
	}
	return engine
}

// page draws lines of text, one per row, on a plain background.
func drawPage(t testing.TB, w int, size float64, fg, bg color.Color, lines ...string) *image.RGBA {
	t.Helper()
	f, err := textimg.NewFace(size)
	if err != nil {
		t.Fatal(err)
	}
	step := int(size * 2)
	m := image.NewRGBA(image.Rect(0, 0, w, step*(len(lines)+1)))
	draw.Draw(m, m.Rect, image.NewUniform(bg), image.Point{}, draw.Src)
	for i, l := range lines {
		f.Draw(m, int(size), step*(i+1), l, fg)
	}
	return m
}

func TestReadEndToEnd(t *testing.T) {
	e := testEngine(t)
	lines := []string{
		"您的花呗已逾期，请今天23:00前还款12000元",
		"如不处理将联系您的家人和单位",
		"客服电话 95188",
	}
	for _, tc := range []struct {
		name   string
		fg, bg color.Color
	}{
		{"light", color.Black, color.White},
		{"dark", color.RGBA{230, 230, 230, 255}, color.RGBA{25, 25, 25, 255}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img := drawPage(t, 1080, 42, tc.fg, tc.bg, lines...)
			p, err := e.Read(img)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, l := range p.Lines {
				got = append(got, l.Text)
				t.Logf("%.3f %v %s", l.Confidence, l.Box, l.Text)
			}
			// The recogniser drops spaces between CJK and digits; nothing else may differ.
			if strings.Join(got, "\n") != strings.ReplaceAll(strings.Join(lines, "\n"), " ", "") {
				t.Errorf("read\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(lines, "\n"))
			}
		})
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if engine != nil {
		engine.Close()
	}
	os.Exit(code)
}
