package ocr

import (
	"image"
	"image/draw"
	"math"
)

// DetMaxSide caps the long side of the image the detector sees. PaddleOCR's default is 960,
// which shrinks the 12-point time separators of a 1080×2400 screenshot to 15 pixels; at 1280
// they keep 19, and detection costs half as much as at full size (about 0.5 s of CPU on a 1080×2400
// screenshot against 1.3 s). DetMinShort keeps the short side of a very long image (a scrolling
// screenshot) from shrinking below what the detector reads.
const (
	DetMaxSide  = 1280
	DetMinShort = 480
)

// Normalisation constants of the PP-OCRv4 detector (ImageNet's, applied to B, G, R planes in
// that order, as PaddleOCR reads images with OpenCV) and of the recogniser.
var (
	detMean = [3]float32{0.485, 0.456, 0.406}
	detStd  = [3]float32{0.229, 0.224, 0.225}
)

// RecHeight is the recogniser's input height; RecMinWidth its narrowest input (320 in PP-OCRv4,
// ratio 320/48).
const (
	RecHeight   = 48
	RecMinWidth = 320
)

// toRGBA returns img as an *image.RGBA with its origin at 0,0, converting when needed.
func toRGBA(img image.Image) *image.RGBA {
	if m, ok := img.(*image.RGBA); ok && m.Rect.Min == (image.Point{}) {
		return m
	}
	b := img.Bounds()
	m := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(m, m.Rect, img, b.Min, draw.Src)
	return m
}

// detSize is the detector's input size for an image of w×h: each side a multiple of 32 (at
// least 32), the long side at most maxSide unless the short side would fall under minShort.
func detSize(w, h, maxSide, minShort int) (rw, rh int) {
	ratio := 1.0
	if long := max(w, h); long > maxSide {
		ratio = float64(maxSide) / float64(long)
	}
	if short := min(w, h); float64(short)*ratio < float64(minShort) {
		ratio = min(1, float64(minShort)/float64(short))
	}
	round32 := func(v float64) int { return max(int(math.Round(v/32))*32, 32) }
	return round32(float64(w) * ratio), round32(float64(h) * ratio)
}

// detInput resizes src to rw×rh (bilinear, pixel centres aligned as OpenCV does) and returns the
// normalised planes B, G, R in NCHW order.
func detInput(src *image.RGBA, rw, rh int) []float32 {
	out := make([]float32, 3*rw*rh)
	plane := rw * rh
	var scale, shift [3]float32
	for c := 0; c < 3; c++ {
		scale[c] = 1 / (255 * detStd[c])
		shift[c] = -detMean[c] / detStd[c]
	}
	resample(src, rw, rh, func(x, y int, r, g, b float32) {
		i := y*rw + x
		out[i] = b*scale[0] + shift[0]
		out[plane+i] = g*scale[1] + shift[1]
		out[2*plane+i] = r*scale[2] + shift[2]
	})
	return out
}

// resample calls put for every pixel of a rw×rh bilinear resize of src, with 0–255 channel values.
func resample(src *image.RGBA, rw, rh int, put func(x, y int, r, g, b float32)) {
	sw, sh := src.Rect.Dx(), src.Rect.Dy()
	xs := make([]int, rw)
	xf := make([]float32, rw)
	fx := float64(sw) / float64(rw)
	for x := range rw {
		sx := (float64(x)+0.5)*fx - 0.5
		x0 := int(math.Floor(sx))
		f := sx - float64(x0)
		if x0 < 0 {
			x0, f = 0, 0
		}
		if x0 >= sw-1 {
			x0, f = sw-1, 0
		}
		xs[x], xf[x] = x0, float32(f)
	}
	fy := float64(sh) / float64(rh)
	for y := range rh {
		sy := (float64(y)+0.5)*fy - 0.5
		y0 := int(math.Floor(sy))
		g := float32(sy - float64(y0))
		if y0 < 0 {
			y0, g = 0, 0
		}
		if y0 >= sh-1 {
			y0, g = sh-1, 0
		}
		y1 := min(y0+1, sh-1)
		r0 := src.Pix[y0*src.Stride:]
		r1 := src.Pix[y1*src.Stride:]
		for x := range rw {
			x0 := xs[x]
			x1 := min(x0+1, sw-1)
			f := xf[x]
			var ch [3]float32
			for c := 0; c < 3; c++ {
				a := float32(r0[4*x0+c])*(1-f) + float32(r0[4*x1+c])*f
				b := float32(r1[4*x0+c])*(1-f) + float32(r1[4*x1+c])*f
				ch[c] = a*(1-g) + b*g
			}
			put(x, y, ch[0], ch[1], ch[2])
		}
	}
}

// recInput resizes each crop to height RecHeight keeping its aspect ratio (at most width),
// normalises to [-1, 1] and pads with zeros on the right: an N×3×RecHeight×width tensor.
func recInput(crops []*image.RGBA, width int) []float32 {
	plane := RecHeight * width
	out := make([]float32, len(crops)*3*plane)
	for n, c := range crops {
		w := recWidth(c.Rect.Dx(), c.Rect.Dy(), width)
		base := out[n*3*plane:]
		resample(c, w, RecHeight, func(x, y int, r, g, b float32) {
			i := y*width + x
			base[i] = b/127.5 - 1
			base[plane+i] = g/127.5 - 1
			base[2*plane+i] = r/127.5 - 1
		})
	}
	return out
}

// recWidth is the width a w×h crop takes at height RecHeight, capped at limit.
func recWidth(w, h, limit int) int {
	if h <= 0 {
		return 1
	}
	rw := int(math.Ceil(float64(RecHeight) * float64(w) / float64(h)))
	return max(1, min(rw, limit))
}

// batchWidth is the input width for a batch whose widest crop has aspect ratio maxRatio.
func batchWidth(maxRatio float64) int {
	return max(RecMinWidth, int(float64(RecHeight)*maxRatio))
}
