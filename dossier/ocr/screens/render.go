package screens

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Chromium finds the headless browser (Debian's chromium package).
func Chromium() (string, error) {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("chromium not found (Debian: apt-get install chromium fonts-noto-cjk)")
}

// flags keep the browser off the network and out of the user's profile.
var flags = []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
	"--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
	"--disable-extensions", "--mute-audio"}

// Render draws each page (HTML of one screen) with its style. Pages of one scale are laid side
// by side in frames of a single browser window, a few at a time, and cut apart afterwards: one
// browser start costs more than several screens.
func Render(ctx context.Context, pages []string, styles []Style) ([]image.Image, error) {
	bin, err := Chromium()
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "dossier-screens-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	out := make([]image.Image, len(pages))
	byScale := map[int][]int{}
	var scales []int
	for i, st := range styles {
		if _, ok := byScale[st.Scale]; !ok {
			scales = append(scales, st.Scale)
		}
		byScale[st.Scale] = append(byScale[st.Scale], i)
	}
	n := 0
	for _, sc := range scales {
		idx := byScale[sc]
		for len(idx) > 0 {
			var batch []int
			width := 0
			for len(idx) > 0 && len(batch) < 6 && (width+styles[idx[0]].Width)*sc <= 7200 {
				width += styles[idx[0]].Width
				batch, idx = append(batch, idx[0]), idx[1:]
			}
			if len(batch) == 0 {
				batch, idx = idx[:1], idx[1:]
			}
			n++
			if err := renderBatch(ctx, bin, filepath.Join(tmp, fmt.Sprint(n)), pages, styles, batch, out); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

func renderBatch(ctx context.Context, bin, base string, pages []string, styles []Style, batch []int, out []image.Image) error {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html><head><meta charset="utf-8"><style>html,body{margin:0;padding:0;overflow:hidden}iframe{position:absolute;top:0;border:0}</style></head><body>`)
	x, h := 0, 0
	for _, i := range batch {
		st := styles[i]
		fmt.Fprintf(&b, `<iframe style="left:%dpx;width:%dpx;height:%dpx" srcdoc="%s"></iframe>`, x, st.Width, st.Height, html.EscapeString(pages[i]))
		x += st.Width
		h = max(h, st.Height)
	}
	b.WriteString(`</body></html>`)
	if err := os.WriteFile(base+".html", []byte(b.String()), 0o644); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	args := append(append([]string{}, flags...), fmt.Sprintf("--force-device-scale-factor=%d", styles[batch[0]].Scale),
		fmt.Sprintf("--window-size=%d,%d", x, h), "--virtual-time-budget=3000", "--user-data-dir="+base+".profile",
		"--screenshot="+base+".png", "file://"+base+".html")
	cmd := exec.CommandContext(ctx, bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("chromium: %w: %s", err, lastLine(stderr.String()))
	}
	f, err := os.Open(base + ".png")
	if err != nil {
		return fmt.Errorf("chromium wrote no screenshot: %w: %s", err, lastLine(stderr.String()))
	}
	defer f.Close()
	all, err := png.Decode(f)
	if err != nil {
		return fmt.Errorf("chromium screenshot: %w", err)
	}
	x = 0
	for _, i := range batch {
		st := styles[i]
		sc := st.Scale
		r := image.Rect(x*sc, 0, (x+st.Width)*sc, st.Height*sc)
		m := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
		draw.Draw(m, m.Rect, all, r.Min, draw.Src)
		out[i] = m
		x += st.Width
	}
	return nil
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// Encode writes a rendered screen as the style says: JPEG of its quality, or PNG.
func Encode(m image.Image, st Style) ([]byte, error) {
	var b bytes.Buffer
	var err error
	if st.JPEG > 0 {
		err = jpeg.Encode(&b, m, &jpeg.Options{Quality: st.JPEG})
	} else {
		err = png.Encode(&b, m)
	}
	return b.Bytes(), err
}
