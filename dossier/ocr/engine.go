package ocr

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // screenshots come as PNG or JPEG, some as WebP
	_ "image/png"
	"io"
	"os"
	"path/filepath"
	"sort"
	"sync"

	_ "golang.org/x/image/webp"
)

// MaxPixels caps the canvas of an image decoded for OCR, as the packet renderer caps the ones it
// embeds: a header claiming more is refused before any pixel is allocated.
const MaxPixels = 1 << 24

// MaxBytes caps how much of an image file is read.
const MaxBytes = 64 << 20

// MaxDecodeBytes caps what the images being read at once may hold decoded (the decoder's planes
// and coefficients and the RGBA copy the detector reads), across every worker: a 4096² CMYK
// progressive JPEG would hold 400 MB, a 16-bit RGBA PNG of that size 200 MB (add peaked at
// 850 and 570 MB on them). A 12-megapixel baseline phone photo costs 84 MB; an image costing
// more than this is not read and says why, and one that fits waits until the others release.
const MaxDecodeBytes = 96 << 20

// decoding is the budget MaxDecodeBytes shares among concurrent reads.
var decoding = struct {
	sync.Mutex
	cond *sync.Cond
	used int64
}{}

func init() { decoding.cond = sync.NewCond(&decoding.Mutex) }

func acquireDecode(n int64) {
	decoding.Lock()
	for decoding.used > 0 && decoding.used+n > MaxDecodeBytes {
		decoding.cond.Wait()
	}
	decoding.used += n
	decoding.Unlock()
}

func releaseDecode(n int64) {
	decoding.Lock()
	decoding.used -= n
	decoding.cond.Broadcast()
	decoding.Unlock()
}

// decodeCost estimates the bytes decoding an image whole holds until it has been read: the
// decoded planes (per the colour model), a progressive JPEG's coefficients (int32 per sample of
// every component) and the 8-bit RGBA copy.
func decodeCost(b []byte, format string, cfg image.Config) int64 {
	px := int64(cfg.Width) * int64(cfg.Height)
	var per int64
	switch format {
	case "jpeg":
		comps := int64(3)
		switch cfg.ColorModel {
		case color.GrayModel:
			comps = 1
		case color.CMYKModel:
			comps = 4
		}
		per = comps
		if progressiveJPEG(b) {
			per += comps * 4
		}
	case "png":
		switch cfg.ColorModel {
		case color.RGBA64Model, color.NRGBA64Model:
			per = 8
		case color.Gray16Model:
			per = 2
		case color.GrayModel:
			per = 1
		default:
			per = 4
		}
	default: // webp: the lossless decoder's ARGB words and the NRGBA result
		per = 8
	}
	return px * (per + 4)
}

// progressiveJPEG reports whether the first frame header of a JPEG is SOF2 (progressive, Huffman),
// walking the segments before it.
func progressiveJPEG(b []byte) bool {
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			return false
		}
		m := b[i+1]
		switch {
		case m == 0xFF:
			i++
			continue
		case m == 0xC2 || m == 0xC6 || m == 0xCA || m == 0xCE:
			return true
		case m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC:
			return false
		case m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7):
			i += 2
			continue
		}
		i += 2 + (int(b[i+2])<<8 | int(b[i+3]))
	}
	return false
}

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

// Decode reads an image of at most MaxBytes, MaxPixels and MaxDecodeBytes.
func Decode(r io.Reader) (image.Image, error) {
	b, format, _, err := readHeader(r)
	if err != nil {
		return nil, err
	}
	return decode(b, format)
}

func readHeader(r io.Reader) ([]byte, string, image.Config, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, "", image.Config{}, err
	}
	if len(b) > MaxBytes {
		return nil, "", image.Config{}, fmt.Errorf("image larger than %d MB", MaxBytes>>20)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, "", cfg, fmt.Errorf("read image header: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return nil, "", cfg, fmt.Errorf("%s image of %d×%d pixels is over the %d-pixel limit", format, cfg.Width, cfg.Height, MaxPixels)
	}
	if c := decodeCost(b, format, cfg); c > MaxDecodeBytes {
		return nil, "", cfg, fmt.Errorf("%s image of %d×%d pixels would need %d MB to decode, over the %d MB limit", format, cfg.Width, cfg.Height, c>>20, MaxDecodeBytes>>20)
	}
	return b, format, cfg, nil
}

func decode(b []byte, format string) (image.Image, error) {
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil && img == nil {
		return nil, fmt.Errorf("decode %s image: %w", format, err)
	}
	return img, nil
}

// ReadImage decodes an image (see Decode) and reads it, holding its share of MaxDecodeBytes
// until it is read.
func (e *Engine) ReadImage(r io.Reader) (*Page, error) {
	b, format, cfg, err := readHeader(r)
	if err != nil {
		return nil, err
	}
	cost := decodeCost(b, format, cfg)
	acquireDecode(cost)
	defer releaseDecode(cost)
	img, err := decode(b, format)
	if err != nil {
		return nil, err
	}
	return e.Read(img)
}

// ReadDecoded reads the image decode returns, holding cost bytes of MaxDecodeBytes (what
// decoding it holds, as DecodeCost estimates) until it is read; an image costing more is refused.
func (e *Engine) ReadDecoded(cost int64, decode func() (image.Image, error)) (*Page, error) {
	if cost > MaxDecodeBytes {
		return nil, fmt.Errorf("image would need %d MB to decode, over the %d MB limit", cost>>20, MaxDecodeBytes>>20)
	}
	acquireDecode(cost)
	defer releaseDecode(cost)
	img, err := decode()
	if err != nil {
		return nil, err
	}
	return e.Read(img)
}

// DecodeCost checks the header of an encoded image (JPEG, PNG, WebP) against MaxPixels and
// returns what decoding it whole holds, in bytes.
func DecodeCost(b []byte) (int64, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return 0, fmt.Errorf("read image header: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return 0, fmt.Errorf("%s image of %d×%d pixels is over the %d-pixel limit", format, cfg.Width, cfg.Height, MaxPixels)
	}
	return decodeCost(b, format, cfg), nil
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
