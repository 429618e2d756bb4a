package ocr

import (
	"fmt"
	"image"
	"sort"
)

// Colour is an sRGB colour written "#rrggbb".
type Colour [3]uint8

func (c Colour) String() string { return fmt.Sprintf("#%02x%02x%02x", c[0], c[1], c[2]) }

// MarshalText writes the colour as "#rrggbb".
func (c Colour) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText reads "#rrggbb".
func (c *Colour) UnmarshalText(b []byte) error {
	_, err := fmt.Sscanf(string(b), "#%02x%02x%02x", &c[0], &c[1], &c[2])
	return err
}

// Reddish reports a colour apps use for missed calls: red clearly above green and blue.
func (c Colour) Reddish() bool {
	r, g, b := int(c[0]), int(c[1]), int(c[2])
	// A shrunken or twice-compressed screenshot blends thin red strokes with the background:
	// #ad797b is a missed call's name there.
	return r > 140 && r-g > 45 && r-b > 35 && 4*g < 3*r
}

// colours estimates a text crop's background (the median of its border pixels) and its ink (the
// mean of the twelfth of the pixels farthest from the background). Screens tell things by colour
// that OCR drops: a missed call's red name, the side a bubble's colour belongs to.
func colours(m *image.RGBA) (ink, bg Colour) {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	if w == 0 || h == 0 {
		return
	}
	px := func(x, y int) Colour {
		p := m.Pix[y*m.Stride+4*x:]
		return Colour{p[0], p[1], p[2]}
	}
	var border [3][]int
	add := func(c Colour) {
		for i := range 3 {
			border[i] = append(border[i], int(c[i]))
		}
	}
	for x := range w {
		add(px(x, 0))
		add(px(x, h-1))
	}
	for y := range h {
		add(px(0, y))
		add(px(w-1, y))
	}
	for i := range 3 {
		sort.Ints(border[i])
		bg[i] = uint8(border[i][len(border[i])/2])
	}
	type far struct {
		d int
		c Colour
	}
	all := make([]far, 0, w*h)
	for y := range h {
		for x := range w {
			c := px(x, y)
			d := 0
			for i := range 3 {
				d += abs(int(c[i]) - int(bg[i]))
			}
			all = append(all, far{d, c})
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].d > all[j].d })
	n := max(1, len(all)/12)
	var sum [3]int
	for _, f := range all[:n] {
		for i := range 3 {
			sum[i] += int(f.c[i])
		}
	}
	for i := range 3 {
		ink[i] = uint8(sum[i] / n)
	}
	return
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
