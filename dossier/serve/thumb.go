package serve

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/image/draw"
)

// maxThumbPixels bounds the images decoded for a thumbnail (a phone screenshot is 3 MP, a
// camera photo 12 to 50): a hostile file that declares more is shown without one.
const maxThumbPixels = 64 << 20

// thumbSize is the longest side of a thumbnail.
const thumbSize = 200

var thumbCache = struct {
	sync.Mutex
	m map[string][]byte
}{m: map[string][]byte{}}

// thumb serves a small JPEG of an image exhibit, or of a PDF's first page when pdftoppm is
// installed; other kinds have none (404, the page shows the kind instead).
func (s *Server) thumb(w http.ResponseWriter, r *http.Request, cc *caseCtx) {
	it, ok := itemByNumber(cc, r.PathValue("n"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	thumbCache.Lock()
	b, ok := thumbCache.m[it.SHA256]
	thumbCache.Unlock()
	if !ok {
		var err error
		switch {
		case strings.HasPrefix(it.MIME, "image/jpeg"), strings.HasPrefix(it.MIME, "image/png"), strings.HasPrefix(it.MIME, "image/gif"):
			b, err = imageThumb(cc.c.Folder.Store.Path(it.SHA256))
		case strings.HasPrefix(it.MIME, "application/pdf") && s.pdftopm != "":
			b, err = pdfPage(r.Context(), s.pdftopm, cc.c.Folder.Store.Path(it.SHA256), 1, 24)
		default:
			err = os.ErrNotExist
		}
		if err != nil {
			b = nil
		}
		thumbCache.Lock()
		if len(thumbCache.m) > 4096 {
			thumbCache.m = map[string][]byte{}
		}
		thumbCache.m[it.SHA256] = b
		thumbCache.Unlock()
	}
	if b == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Cache-Control", "private, max-age=3600")
	_, _ = w.Write(b)
}

func imageThumb(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cfg, format, err := image.DecodeConfig(f)
	if err != nil {
		return nil, err
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > maxThumbPixels {
		return nil, os.ErrInvalid
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	var img image.Image
	switch format {
	case "jpeg":
		img, err = jpeg.Decode(f)
	case "png":
		img, err = png.Decode(f)
	case "gif":
		img, err = gif.Decode(f)
	default:
		return nil, os.ErrInvalid
	}
	if err != nil {
		return nil, err
	}
	sw, sh := cfg.Width, cfg.Height
	tw, th := thumbSize, thumbSize
	if sw > sh {
		th = max(1, sh*thumbSize/sw)
	} else {
		tw = max(1, sw*thumbSize/sh)
	}
	dst := image.NewRGBA(image.Rect(0, 0, tw, th))
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, img.Bounds(), draw.Src, nil)
	var buf bytes.Buffer
	err = jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 75})
	return buf.Bytes(), err
}

// pdfPage renders one page of a PDF to JPEG with poppler's pdftoppm, bounded in time and size.
// The page comes back on pdftoppm's standard output (no output root given), so nothing drawn
// from the evidence is written to a temporary folder.
func pdfPage(ctx context.Context, pdftoppm, path string, n, dpi int) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	num := itoa(n)
	cmd := exec.CommandContext(ctx, pdftoppm, "-jpeg", "-r", itoa(dpi), "-f", num, "-l", num, "-singlefile", path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	b, rerr := io.ReadAll(io.LimitReader(out, maxPagePreview+1))
	if len(b) > maxPagePreview {
		cmd.Process.Kill()
	}
	werr := cmd.Wait()
	switch {
	case rerr != nil:
		return nil, rerr
	case len(b) > maxPagePreview:
		return nil, fmt.Errorf("page %d of %s: preview over %d bytes", n, filepath.Base(path), maxPagePreview)
	case werr != nil:
		return nil, werr
	}
	return b, nil
}

// maxPagePreview caps the JPEG of one previewed page (a page at 30 dpi is tens of kilobytes).
const maxPagePreview = 16 << 20

func itoa(n int) string { return strconv.Itoa(n) }
