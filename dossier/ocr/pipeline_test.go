package ocr

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"math"
	"strings"
	"testing"
)

func TestDetSize(t *testing.T) {
	for _, tc := range []struct {
		name         string
		w, h, rw, rh int
	}{
		{"phone screenshot", 1080, 2400, 576, 1280},
		{"small image rounded to 32", 100, 50, 96, 64},
		{"tiny image at least 32", 10, 5, 32, 32},
		{"scrolling screenshot keeps a readable width", 720, 6000, 480, 4000},
		{"landscape capped on the long side", 4000, 3000, 1280, 960},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rw, rh := detSize(tc.w, tc.h, DetMaxSide, DetMinShort)
			if rw != tc.rw || rh != tc.rh {
				t.Errorf("detSize(%d, %d) = %d×%d, want %d×%d", tc.w, tc.h, rw, rh, tc.rw, tc.rh)
			}
		})
	}
}

func uniform(w, h int, c color.RGBA) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(m.Pix); i += 4 {
		m.Pix[i], m.Pix[i+1], m.Pix[i+2], m.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	return m
}

func TestDetInputPlanesAreBGRNormalised(t *testing.T) {
	src := uniform(50, 40, color.RGBA{255, 0, 51, 255})
	out := detInput(src, 64, 32)
	plane := 64 * 32
	if len(out) != 3*plane {
		t.Fatalf("len %d, want %d", len(out), 3*plane)
	}
	want := [3]float32{ // B, G, R
		(0.2 - 0.485) / 0.229,
		(0 - 0.456) / 0.224,
		(1 - 0.406) / 0.225,
	}
	for c := range 3 {
		for _, i := range []int{0, plane / 2, plane - 1} {
			if got := out[c*plane+i]; math.Abs(float64(got-want[c])) > 1e-4 {
				t.Errorf("plane %d pixel %d = %v, want %v", c, i, got, want[c])
			}
		}
	}
}

func TestResampleIsBilinearWithAlignedCentres(t *testing.T) {
	// A 2×1 image black|white upscaled to 4×1: OpenCV's INTER_LINEAR gives 0, 64, 191, 255.
	src := image.NewRGBA(image.Rect(0, 0, 2, 1))
	copy(src.Pix, []uint8{0, 0, 0, 255, 255, 255, 255, 255})
	var got []float32
	resample(src, 4, 1, func(x, y int, r, g, b float32) { got = append(got, r) })
	want := []float32{0, 63.75, 191.25, 255}
	for i := range want {
		if math.Abs(float64(got[i]-want[i])) > 1e-3 {
			t.Fatalf("resample = %v, want %v", got, want)
		}
	}
}

// fillRect paints probability p into the map over x0..x1, y0..y1 inclusive.
func fillRect(m probMap, x0, y0, x1, y1 int, p float32) {
	for y := y0; y <= y1; y++ {
		for x := x0; x <= x1; x++ {
			m.P[y*m.W+x] = p
		}
	}
}

func TestDBBoxes(t *testing.T) {
	m := probMap{W: 100, H: 60, P: make([]float32, 6000)}
	fillRect(m, 10, 20, 49, 29, 0.9) // a text line
	fillRect(m, 60, 5, 90, 12, 0.45) // above the pixel threshold, below the box threshold
	fillRect(m, 70, 40, 71, 41, 0.99)
	boxes := dbBoxes(m, defaultDB, 200, 120)
	if len(boxes) != 1 {
		t.Fatalf("got %d boxes %v, want 1", len(boxes), boxes)
	}
	// 39×9 between pixel centres, unclipped by 39·9·1.5/(2·48) = 5.48 on every side, doubled.
	want := Quad{{9, 29}, {109, 29}, {109, 69}, {9, 69}}
	if boxes[0] != want {
		t.Errorf("box %v, want %v", boxes[0], want)
	}
}

func TestDBBoxesRotatedLine(t *testing.T) {
	m := probMap{W: 200, H: 200, P: make([]float32, 40000)}
	ang := 20 * math.Pi / 180
	cx, cy := 100.0, 100.0
	for y := 0; y < 200; y++ {
		for x := 0; x < 200; x++ {
			dx, dy := float64(x)-cx, float64(y)-cy
			u := dx*math.Cos(ang) + dy*math.Sin(ang)
			v := -dx*math.Sin(ang) + dy*math.Cos(ang)
			if math.Abs(u) <= 60 && math.Abs(v) <= 8 {
				m.P[y*200+x] = 0.95
			}
		}
	}
	boxes := dbBoxes(m, defaultDB, 200, 200)
	if len(boxes) != 1 {
		t.Fatalf("got %d boxes, want 1", len(boxes))
	}
	b := boxes[0]
	got := math.Atan2(b[1].Y-b[0].Y, b[1].X-b[0].X) * 180 / math.Pi
	if math.Abs(got-20) > 2 {
		t.Errorf("angle %.1f°, want 20°", got)
	}
	w, h := dist(b[0], b[1]), dist(b[0], b[3])
	d := 120.0 * 16 * 1.5 / (2 * 136)
	if math.Abs(w-(120+2*d)) > 3 || math.Abs(h-(16+2*d)) > 3 {
		t.Errorf("box %.1f×%.1f, want about %.1f×%.1f", w, h, 120+2*d, 16+2*d)
	}
}

func TestSortBoxesReadingOrder(t *testing.T) {
	at := func(x, y float64) Quad { return Quad{{x, y}, {x + 10, y}, {x + 10, y + 5}, {x, y + 5}} }
	b := []Quad{at(50, 104), at(0, 100), at(0, 10), at(30, 200)}
	sortBoxes(b)
	want := []Quad{at(0, 10), at(0, 100), at(50, 104), at(30, 200)}
	for i := range want {
		if b[i] != want[i] {
			t.Fatalf("order %v, want %v", b, want)
		}
	}
}

func TestOrderBox(t *testing.T) {
	got := orderBox([4]Point{{10, 5}, {0, 5}, {10, 0}, {0, 0}})
	want := Quad{{0, 0}, {10, 0}, {10, 5}, {0, 5}}
	if got != want {
		t.Errorf("orderBox = %v, want %v", got, want)
	}
}

func TestHomographyMapsCorners(t *testing.T) {
	from := [4]Point{{0, 0}, {100, 0}, {100, 30}, {0, 30}}
	to := [4]Point{{12, 40}, {110, 52}, {104, 81}, {7, 70}}
	h := homography(from, to)
	for i, p := range from {
		d := h[6]*p.X + h[7]*p.Y + 1
		x, y := (h[0]*p.X+h[1]*p.Y+h[2])/d, (h[3]*p.X+h[4]*p.Y+h[5])/d
		if math.Abs(x-to[i].X) > 1e-6 || math.Abs(y-to[i].Y) > 1e-6 {
			t.Errorf("corner %d maps to (%.3f, %.3f), want %v", i, x, y, to[i])
		}
	}
}

func TestCropBox(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for y := range 30 {
		for x := range 40 {
			src.Pix[y*src.Stride+4*x] = uint8(x)
			src.Pix[y*src.Stride+4*x+1] = uint8(y)
		}
	}
	t.Run("upright box is the pixels it covers", func(t *testing.T) {
		c := cropBox(src, Quad{{5, 7}, {25, 7}, {25, 17}, {5, 17}})
		if c.Rect.Dx() != 20 || c.Rect.Dy() != 10 {
			t.Fatalf("size %v, want 20×10", c.Rect)
		}
		for _, p := range []image.Point{{0, 0}, {19, 9}, {7, 3}} {
			px := c.Pix[p.Y*c.Stride+4*p.X:]
			if int(px[0]) != 5+p.X || int(px[1]) != 7+p.Y {
				t.Errorf("pixel %v = (%d, %d), want (%d, %d)", p, px[0], px[1], 5+p.X, 7+p.Y)
			}
		}
	})
	t.Run("tall box is turned a quarter", func(t *testing.T) {
		c := cropBox(src, Quad{{2, 2}, {8, 2}, {8, 22}, {2, 22}})
		if c.Rect.Dx() != 20 || c.Rect.Dy() != 6 {
			t.Fatalf("size %v, want 20×6", c.Rect)
		}
		// numpy rot90: the top right corner of the crop becomes the top left.
		if px := c.Pix[0:]; px[0] != 2+5 || px[1] != 2 {
			t.Errorf("top left (%d, %d), want (7, 2)", px[0], px[1])
		}
	})
	t.Run("box beyond the edge repeats the border", func(t *testing.T) {
		c := cropBox(src, Quad{{30, 20}, {50, 20}, {50, 35}, {30, 35}})
		px := c.Pix[(c.Rect.Dy()-1)*c.Stride+4*(c.Rect.Dx()-1):]
		if px[0] != 39 || px[1] != 29 {
			t.Errorf("corner (%d, %d), want (39, 29)", px[0], px[1])
		}
	})
}

func TestRecInput(t *testing.T) {
	white := uniform(100, 24, color.RGBA{255, 255, 255, 255})
	black := uniform(30, 48, color.RGBA{0, 0, 0, 255})
	width := batchWidth(100.0 / 24)
	if width != RecMinWidth {
		t.Fatalf("batchWidth = %d, want %d", width, RecMinWidth)
	}
	out := recInput([]*image.RGBA{white, black}, width)
	plane := RecHeight * width
	if len(out) != 2*3*plane {
		t.Fatalf("len %d", len(out))
	}
	// The white crop is 200 wide at height 48, then zero padding; the black one 30 wide.
	if out[0] != 1 || out[199] != 1 || out[200] != 0 {
		t.Errorf("white row: %v %v %v, want 1 1 0", out[0], out[199], out[200])
	}
	b := out[3*plane:]
	if b[0] != -1 || b[29] != -1 || b[30] != 0 {
		t.Errorf("black row: %v %v %v, want -1 -1 0", b[0], b[29], b[30])
	}
	if got := recWidth(4000, 48, 1000); got != 1000 {
		t.Errorf("recWidth capped = %d", got)
	}
	if got := batchWidth(20); got != 960 {
		t.Errorf("batchWidth(20) = %d, want 960", got)
	}
}

func TestDecodeCTC(t *testing.T) {
	dict := Dictionary{"", "花", "呗", "1", " "}
	step := func(best int, p float32) []float32 {
		row := make([]float32, len(dict))
		for i := range row {
			row[i] = (1 - p) / float32(len(dict)-1)
		}
		row[best] = p
		return row
	}
	for _, tc := range []struct {
		name  string
		steps [][]float32
		text  string
		conf  float64
	}{
		{"repeats collapse, blanks separate", [][]float32{step(1, .9), step(1, .8), step(0, .9), step(2, .7), step(0, .9), step(3, .9), step(0, .9), step(3, .6)}, "花呗11", (0.9 + 0.7 + 0.9 + 0.6) / 4},
		{"only blanks", [][]float32{step(0, .9), step(0, .9)}, "", 0},
		{"space class", [][]float32{step(3, 1), step(4, 1), step(3, 1)}, "1 1", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var flat []float32
			for _, s := range tc.steps {
				flat = append(flat, s...)
			}
			text, conf := decodeCTC(flat, len(tc.steps), len(dict), dict)
			if text != tc.text || math.Abs(conf-tc.conf) > 1e-6 {
				t.Errorf("decodeCTC = %q %.4f, want %q %.4f", text, conf, tc.text, tc.conf)
			}
		})
	}
}

func TestReadDictionary(t *testing.T) {
	d, err := ReadDictionary(strings.NewReader("花\r\n呗\n1\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := Dictionary{"", "花", "呗", "1", " "}
	if strings.Join(d, "|") != strings.Join(want, "|") {
		t.Errorf("dictionary %q, want %q", d, want)
	}
	if _, err := ReadDictionary(strings.NewReader("")); err == nil {
		t.Error("empty dictionary accepted")
	}
}

// pngHeader is a PNG signature and an IHDR chunk claiming w×h, with nothing after.
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2
	binary.Write(&b, binary.BigEndian, uint32(13))
	chunk := append([]byte("IHDR"), ihdr...)
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

func TestDecodeRefusesHostileImages(t *testing.T) {
	var good bytes.Buffer
	if err := png.Encode(&good, uniform(20, 10, color.RGBA{1, 2, 3, 255})); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"pixel bomb", pngHeader(60000, 60000), "over the"},
		{"not an image", []byte("hello"), "read image header"},
		{"cut short after the header", good.Bytes()[:40], "decode png image"},
		{"empty", nil, "read image header"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(bytes.NewReader(tc.data))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Decode error %v, want one containing %q", err, tc.want)
			}
		})
	}
	if m, err := Decode(bytes.NewReader(good.Bytes())); err != nil || m.Bounds().Dx() != 20 {
		t.Errorf("good image: %v", err)
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"今天23：10":      "今天23:10",
		"还款１２０００元：请注意": "还款12000元：请注意",
		"ＶＩＰ客服":        "VIP客服",
		"花呗":           "花呗",
	} {
		if got := normalize(in); got != want {
			t.Errorf("normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestColours(t *testing.T) {
	m := uniform(40, 12, color.RGBA{149, 236, 105, 255}) // a WeChat green bubble
	for y := 3; y < 9; y++ {
		for x := 5; x < 35; x += 2 {
			copy(m.Pix[y*m.Stride+4*x:], []uint8{230, 40, 40, 255})
		}
	}
	ink, bg := colours(m)
	if bg != (Colour{149, 236, 105}) {
		t.Errorf("background %v", bg)
	}
	if !ink.Reddish() || ink != (Colour{230, 40, 40}) {
		t.Errorf("ink %v, want the red of the text", ink)
	}
	var c Colour
	if err := c.UnmarshalText([]byte(ink.String())); err != nil || c != ink {
		t.Errorf("round trip %v %v", c, err)
	}
}
