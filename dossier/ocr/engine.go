package ocr

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // screenshots come as PNG or JPEG, some as WebP
	_ "image/png"
	"io"
	"os"
	"path/filepath"
	"sort"

	_ "golang.org/x/image/webp"
)

// MaxPixels caps the canvas of an image decoded for OCR, as the packet renderer caps the ones it
// embeds: a header claiming more is refused before any pixel is allocated.
const MaxPixels = 1 << 24

// MaxBytes caps how much of an image file is read.
const MaxBytes = 64 << 20

// DropScore is the confidence under which a recognised line is dropped (PaddleOCR's
// drop_score).
const DropScore = 0.5

// recBatch is how many crops the recogniser reads at once (PaddleOCR's rec_batch_num).
const recBatch = 6

// net runs one model on one float32 tensor and returns the first output and its shape.
type net interface {
	run(input []float32, shape []int64) ([]float32, []int64, error)
	close() error
}

// Engine reads text from images. It is safe for concurrent use.
type Engine struct {
	det, rec net
	dict     Dictionary
}

// Open loads the models from dir (usually Dir()). Without the files, or in a build without
// cgo, the error wraps ErrUnavailable.
func Open(dir string) (*Engine, error) {
	if err := checkDir(dir); err != nil {
		return nil, err
	}
	kb, err := os.ReadFile(filepath.Join(dir, Keys))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	dict, err := ReadDictionary(bytes.NewReader(kb))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrUnavailable, Keys, err)
	}
	det, rec, err := openNets(dir)
	if err != nil {
		return nil, err
	}
	return &Engine{det: det, rec: rec, dict: dict}, nil
}

// Close releases the models.
func (e *Engine) Close() error {
	return errors.Join(e.det.close(), e.rec.close())
}

// Decode reads an image of at most MaxBytes and MaxPixels.
func Decode(r io.Reader) (image.Image, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxBytes {
		return nil, fmt.Errorf("image larger than %d MB", MaxBytes>>20)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("read image header: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return nil, fmt.Errorf("%s image of %d×%d pixels is over the %d-pixel limit", format, cfg.Width, cfg.Height, MaxPixels)
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil && img == nil {
		return nil, fmt.Errorf("decode %s image: %w", format, err)
	}
	return img, nil
}

// ReadImage decodes an image (see Decode) and reads it.
func (e *Engine) ReadImage(r io.Reader) (*Page, error) {
	img, err := Decode(r)
	if err != nil {
		return nil, err
	}
	return e.Read(img)
}

// Read finds and recognises the lines of text on img.
func (e *Engine) Read(img image.Image) (*Page, error) {
	src := toRGBA(img)
	w, h := src.Rect.Dx(), src.Rect.Dy()
	page := &Page{Width: w, Height: h, Lines: []Line{}}
	if w < 4 || h < 4 {
		return page, nil
	}
	boxes, err := e.detect(src)
	if err != nil {
		return nil, err
	}
	texts, confs, crops, err := e.recognise(src, boxes)
	if err != nil {
		return nil, err
	}
	for i, q := range boxes {
		if confs[i] < DropScore || texts[i] == "" {
			continue
		}
		ink, bg := colours(crops[i])
		page.Lines = append(page.Lines, Line{Text: normalize(texts[i]), Confidence: round3(confs[i]), Box: q.ints(), Ink: ink, Background: bg})
	}
	return page, nil
}

func (e *Engine) detect(src *image.RGBA) ([]Quad, error) {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	rw, rh := detSize(w, h, DetMaxSide, DetMinShort)
	out, shape, err := e.det.run(detInput(src, rw, rh), []int64{1, 3, int64(rh), int64(rw)})
	if err != nil {
		return nil, fmt.Errorf("text detection: %w", err)
	}
	if len(shape) != 4 || shape[2] != int64(rh) || shape[3] != int64(rw) || len(out) < rw*rh {
		return nil, fmt.Errorf("text detection: unexpected output shape %v for input %d×%d", shape, rw, rh)
	}
	return dbBoxes(probMap{W: rw, H: rh, P: out[:rw*rh]}, defaultDB, w, h), nil
}

func (e *Engine) recognise(src *image.RGBA, boxes []Quad) ([]string, []float64, []*image.RGBA, error) {
	crops := make([]*image.RGBA, len(boxes))
	ratio := make([]float64, len(boxes))
	order := make([]int, len(boxes))
	for i, q := range boxes {
		crops[i] = cropBox(src, q)
		ratio[i] = float64(crops[i].Rect.Dx()) / float64(crops[i].Rect.Dy())
		order[i] = i
	}
	// Similar widths together, so that little of each batch is padding.
	sort.SliceStable(order, func(a, b int) bool { return ratio[order[a]] < ratio[order[b]] })
	texts := make([]string, len(boxes))
	confs := make([]float64, len(boxes))
	for s := 0; s < len(order); s += recBatch {
		idx := order[s:min(s+recBatch, len(order))]
		batch := make([]*image.RGBA, len(idx))
		maxRatio := float64(RecMinWidth) / RecHeight
		for j, i := range idx {
			batch[j] = crops[i]
			maxRatio = max(maxRatio, ratio[i])
		}
		width := batchWidth(maxRatio)
		out, shape, err := e.rec.run(recInput(batch, width), []int64{int64(len(idx)), 3, RecHeight, int64(width)})
		if err != nil {
			return nil, nil, nil, fmt.Errorf("text recognition: %w", err)
		}
		if len(shape) != 3 || shape[0] != int64(len(idx)) || int64(len(out)) != shape[0]*shape[1]*shape[2] {
			return nil, nil, nil, fmt.Errorf("text recognition: unexpected output shape %v", shape)
		}
		steps, classes := int(shape[1]), int(shape[2])
		for j, i := range idx {
			texts[i], confs[i] = decodeCTC(out[j*steps*classes:(j+1)*steps*classes], steps, classes, e.dict)
		}
	}
	return texts, confs, crops, nil
}

func round3(v float64) float64 { return float64(int(v*1000+0.5)) / 1000 }
