package ocr

import (
	"math"
	"sort"
)

// DB postprocess parameters of PP-OCRv4's detector (PaddleOCR's det_db_* defaults).
type dbParams struct {
	Thresh        float32 // a pixel is text when its probability exceeds this
	BoxThresh     float64 // a region is kept when its mean probability reaches this
	UnclipRatio   float64 // how far the shrunk region is grown back: area×ratio/perimeter
	MinSize       float64 // regions whose short side is smaller are noise
	MaxCandidates int
}

var defaultDB = dbParams{Thresh: 0.3, BoxThresh: 0.6, UnclipRatio: 1.5, MinSize: 3, MaxCandidates: 1000}

// probMap is the detector's output: one probability per pixel of the w×h input.
type probMap struct {
	W, H int
	P    []float32
}

// dbBoxes extracts text boxes from a probability map and scales them to an image of
// destW×destH. Boxes come back in reading order (top to bottom, then left to right).
func dbBoxes(m probMap, p dbParams, destW, destH int) []Quad {
	regions := components(m, p.Thresh, p.MaxCandidates)
	var boxes []Quad
	for _, hull := range regions {
		rect, short := miniBox(hull)
		if short < p.MinSize {
			continue
		}
		if boxScore(m, rect) < p.BoxThresh {
			continue
		}
		rect, short = unclip(rect, p.UnclipRatio)
		if short < p.MinSize+2 {
			continue
		}
		var q Quad
		for i, pt := range rect {
			q[i] = Point{
				X: clamp(math.Round(pt.X/float64(m.W)*float64(destW)), 0, float64(destW-1)),
				Y: clamp(math.Round(pt.Y/float64(m.H)*float64(destH)), 0, float64(destH-1)),
			}
		}
		if dist(q[0], q[1]) <= 3 || dist(q[0], q[3]) <= 3 {
			continue
		}
		boxes = append(boxes, q)
	}
	sortBoxes(boxes)
	return boxes
}

// components labels the 8-connected regions of pixels above thresh and returns the convex
// hull of each (pixel centres), at most max of them, in the order their first pixel is met.
func components(m probMap, thresh float32, maxN int) [][]Point {
	label := make([]int32, m.W*m.H)
	var hulls [][]Point
	var stack []int32
	// Per region, the leftmost and rightmost pixel of each row: their hull is the region's.
	left := make([]int, m.H)
	right := make([]int, m.H)
	for y := range left {
		left[y] = -1
	}
	var next int32
	for start := range label {
		if label[start] != 0 || m.P[start] <= thresh {
			continue
		}
		if len(hulls) >= maxN {
			break
		}
		next++
		label[start] = next
		top, bottom := start/m.W, start/m.W
		stack = append(stack[:0], int32(start))
		for len(stack) > 0 {
			i := int(stack[len(stack)-1])
			stack = stack[:len(stack)-1]
			x, y := i%m.W, i/m.W
			if left[y] < 0 {
				left[y], right[y] = x, x
			} else {
				left[y], right[y] = min(left[y], x), max(right[y], x)
			}
			top, bottom = min(top, y), max(bottom, y)
			for dy := -1; dy <= 1; dy++ {
				ny := y + dy
				if ny < 0 || ny >= m.H {
					continue
				}
				for dx := -1; dx <= 1; dx++ {
					nx := x + dx
					if nx < 0 || nx >= m.W {
						continue
					}
					j := ny*m.W + nx
					if label[j] == 0 && m.P[j] > thresh {
						label[j] = next
						stack = append(stack, int32(j))
					}
				}
			}
		}
		pts := make([]Point, 0, 2*(bottom-top+1))
		for y := top; y <= bottom; y++ {
			if left[y] < 0 {
				continue
			}
			pts = append(pts, Point{float64(left[y]), float64(y)})
			if right[y] != left[y] {
				pts = append(pts, Point{float64(right[y]), float64(y)})
			}
			left[y] = -1
		}
		hulls = append(hulls, convexHull(pts))
	}
	return hulls
}

// convexHull is Andrew's monotone chain; the hull comes back counter-clockwise in image
// coordinates' mathematical sense, without repeated points.
func convexHull(pts []Point) []Point {
	sort.Slice(pts, func(i, j int) bool {
		if pts[i].X != pts[j].X {
			return pts[i].X < pts[j].X
		}
		return pts[i].Y < pts[j].Y
	})
	if len(pts) < 3 {
		return pts
	}
	cross := func(o, a, b Point) float64 { return (a.X-o.X)*(b.Y-o.Y) - (a.Y-o.Y)*(b.X-o.X) }
	h := make([]Point, 0, 2*len(pts))
	for _, p := range pts {
		for len(h) >= 2 && cross(h[len(h)-2], h[len(h)-1], p) <= 0 {
			h = h[:len(h)-1]
		}
		h = append(h, p)
	}
	lower := len(h) + 1
	for i := len(pts) - 2; i >= 0; i-- {
		p := pts[i]
		for len(h) >= lower && cross(h[len(h)-2], h[len(h)-1], p) <= 0 {
			h = h[:len(h)-1]
		}
		h = append(h, p)
	}
	return h[:len(h)-1]
}

// minAreaRect is the smallest rectangle around a convex hull (rotating calipers: one side of
// it lies on a hull edge). It returns the four corners and the rectangle's sides.
func minAreaRect(hull []Point) (corners [4]Point, w, h float64) {
	switch len(hull) {
	case 0:
		return
	case 1:
		return [4]Point{hull[0], hull[0], hull[0], hull[0]}, 0, 0
	}
	best := math.Inf(1)
	for i := range hull {
		a, b := hull[i], hull[(i+1)%len(hull)]
		l := dist(a, b)
		if l == 0 {
			continue
		}
		ux, uy := (b.X-a.X)/l, (b.Y-a.Y)/l
		minU, maxU, minV, maxV := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
		for _, p := range hull {
			u := p.X*ux + p.Y*uy
			v := -p.X*uy + p.Y*ux
			minU, maxU = min(minU, u), max(maxU, u)
			minV, maxV = min(minV, v), max(maxV, v)
		}
		area := (maxU - minU) * (maxV - minV)
		if area < best-1e-9 {
			best = area
			at := func(u, v float64) Point { return Point{u*ux - v*uy, u*uy + v*ux} }
			corners = [4]Point{at(minU, minV), at(maxU, minV), at(maxU, maxV), at(minU, maxV)}
			w, h = maxU-minU, maxV-minV
		}
	}
	return
}

// miniBox is PaddleOCR's get_mini_boxes: the minimum area rectangle ordered top left, top
// right, bottom right, bottom left, and its short side.
func miniBox(hull []Point) (Quad, float64) {
	c, w, h := minAreaRect(hull)
	return orderBox(c), min(w, h)
}

// orderBox orders four corners as get_mini_boxes does: of the two leftmost, the upper is the top
// left; of the two rightmost, the upper is the top right.
func orderBox(c [4]Point) Quad {
	pts := c
	sort.SliceStable(pts[:], func(i, j int) bool { return pts[i].X < pts[j].X })
	tl, bl := pts[0], pts[1]
	if pts[1].Y <= pts[0].Y {
		tl, bl = pts[1], pts[0]
	}
	tr, br := pts[2], pts[3]
	if pts[3].Y <= pts[2].Y {
		tr, br = pts[3], pts[2]
	}
	return Quad{tl, tr, br, bl}
}

// boxScore is box_score_fast: the mean probability of the pixels the box covers.
func boxScore(m probMap, q Quad) float64 {
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range q {
		x0, y0 = min(x0, p.X), min(y0, p.Y)
		x1, y1 = max(x1, p.X), max(y1, p.Y)
	}
	ix0 := int(clamp(math.Floor(x0), 0, float64(m.W-1)))
	ix1 := int(clamp(math.Ceil(x1), 0, float64(m.W-1)))
	iy0 := int(clamp(math.Floor(y0), 0, float64(m.H-1)))
	iy1 := int(clamp(math.Ceil(y1), 0, float64(m.H-1)))
	var sum float64
	var n int
	for y := iy0; y <= iy1; y++ {
		for x := ix0; x <= ix1; x++ {
			if inside(q, Point{float64(x), float64(y)}) {
				sum += float64(m.P[y*m.W+x])
				n++
			}
		}
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

// inside reports whether p lies in the convex quad or within half a pixel of its edges (the
// pixels cv2.fillPoly paints).
func inside(q Quad, p Point) bool {
	sign := 0.0
	for i := range q {
		a, b := q[i], q[(i+1)%4]
		l := dist(a, b)
		if l == 0 {
			continue
		}
		c := ((b.X-a.X)*(p.Y-a.Y) - (b.Y-a.Y)*(p.X-a.X)) / l
		if sign == 0 && math.Abs(c) > 0.5 {
			sign = math.Copysign(1, c)
		}
		if sign != 0 && c*sign < -0.5 {
			return false
		}
	}
	return true
}

// unclip grows a rectangle by area×ratio/perimeter on every side, the offset the DB paper
// derives for restoring a shrunk text region (PaddleOCR does it with a rounded pyclipper offset
// and takes the minimum area rectangle of that, which for a rectangle is this one).
func unclip(q Quad, ratio float64) (Quad, float64) {
	w, h := dist(q[0], q[1]), dist(q[0], q[3])
	if w == 0 || h == 0 {
		return q, 0
	}
	d := w * h * ratio / (2 * (w + h))
	ux, uy := (q[1].X-q[0].X)/w, (q[1].Y-q[0].Y)/w
	vx, vy := (q[3].X-q[0].X)/h, (q[3].Y-q[0].Y)/h
	move := func(p Point, su, sv float64) Point {
		return Point{p.X + d*(su*ux+sv*vx), p.Y + d*(su*uy+sv*vy)}
	}
	return Quad{move(q[0], -1, -1), move(q[1], 1, -1), move(q[2], 1, 1), move(q[3], -1, 1)}, min(w, h) + 2*d
}

// sortBoxes puts boxes in reading order as PaddleOCR's sorted_boxes does: by the top left
// corner, top to bottom, then left to right among boxes whose tops are within 10 pixels.
func sortBoxes(b []Quad) {
	sort.SliceStable(b, func(i, j int) bool {
		if b[i][0].Y != b[j][0].Y {
			return b[i][0].Y < b[j][0].Y
		}
		return b[i][0].X < b[j][0].X
	})
	for i := 0; i < len(b)-1; i++ {
		for j := i; j >= 0; j-- {
			if math.Abs(b[j+1][0].Y-b[j][0].Y) < 10 && b[j+1][0].X < b[j][0].X {
				b[j], b[j+1] = b[j+1], b[j]
			} else {
				break
			}
		}
	}
}

func dist(a, b Point) float64 { return math.Hypot(a.X-b.X, a.Y-b.Y) }

func clamp(v, lo, hi float64) float64 { return max(lo, min(hi, v)) }
