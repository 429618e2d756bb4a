package ocr

import (
	"image"
	"math"
)

// cropBox cuts the quad out of src and maps it onto an upright rectangle by a perspective
// transform (PaddleOCR's get_rotate_crop_image): the rectangle's sides are the longer of each
// pair of opposite edges; pixels outside the image repeat the border. A result at least 1.5
// times taller than wide is vertical text and is turned a quarter counter-clockwise.
func cropBox(src *image.RGBA, q Quad) *image.RGBA {
	w := int(max(dist(q[0], q[1]), dist(q[2], q[3])))
	h := int(max(dist(q[0], q[3]), dist(q[1], q[2])))
	w, h = max(w, 1), max(h, 1)
	hm := homography([4]Point{{0, 0}, {float64(w), 0}, {float64(w), float64(h)}, {0, float64(h)}}, q)
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	sw, sh := src.Rect.Dx(), src.Rect.Dy()
	for y := range h {
		for x := range w {
			fx, fy := float64(x), float64(y)
			d := hm[6]*fx + hm[7]*fy + 1
			sx := (hm[0]*fx + hm[1]*fy + hm[2]) / d
			sy := (hm[3]*fx + hm[4]*fy + hm[5]) / d
			bilinear(src, sw, sh, sx, sy, dst.Pix[y*dst.Stride+4*x:])
		}
	}
	if float64(h) >= 1.5*float64(w) {
		return rotate90(dst)
	}
	return dst
}

// bilinear writes the colour of src at (x, y) into px, clamping to the border.
func bilinear(src *image.RGBA, sw, sh int, x, y float64, px []uint8) {
	x = clamp(x, 0, float64(sw-1))
	y = clamp(y, 0, float64(sh-1))
	x0, y0 := int(x), int(y)
	x1, y1 := min(x0+1, sw-1), min(y0+1, sh-1)
	fx, fy := x-float64(x0), y-float64(y0)
	r0, r1 := src.Pix[y0*src.Stride:], src.Pix[y1*src.Stride:]
	for c := 0; c < 4; c++ {
		a := float64(r0[4*x0+c])*(1-fx) + float64(r0[4*x1+c])*fx
		b := float64(r1[4*x0+c])*(1-fx) + float64(r1[4*x1+c])*fx
		px[c] = uint8(math.Round(a*(1-fy) + b*fy))
	}
}

// rotate90 turns an image a quarter counter-clockwise (numpy's rot90).
func rotate90(m *image.RGBA) *image.RGBA {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	r := image.NewRGBA(image.Rect(0, 0, h, w))
	for y := range h {
		for x := range w {
			copy(r.Pix[(w-1-x)*r.Stride+4*y:][:4], m.Pix[y*m.Stride+4*x:][:4])
		}
	}
	return r
}

// homography returns the 3×3 projective map (h22 = 1, row-major, 8 values) taking each from[i]
// to to[i], by solving the 8 linear equations with Gaussian elimination.
func homography(from, to [4]Point) [8]float64 {
	var a [8][9]float64
	for i := range 4 {
		x, y, u, v := from[i].X, from[i].Y, to[i].X, to[i].Y
		a[2*i] = [9]float64{x, y, 1, 0, 0, 0, -u * x, -u * y, u}
		a[2*i+1] = [9]float64{0, 0, 0, x, y, 1, -v * x, -v * y, v}
	}
	for c := range 8 {
		p := c
		for r := c + 1; r < 8; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		a[c], a[p] = a[p], a[c]
		if math.Abs(a[c][c]) < 1e-12 {
			continue // degenerate quad: leave this unknown at zero
		}
		for r := range 8 {
			if r == c {
				continue
			}
			f := a[r][c] / a[c][c]
			for k := c; k < 9; k++ {
				a[r][k] -= f * a[c][k]
			}
		}
	}
	var h [8]float64
	for i := range 8 {
		if a[i][i] != 0 {
			h[i] = a[i][8] / a[i][i]
		}
	}
	return h
}
