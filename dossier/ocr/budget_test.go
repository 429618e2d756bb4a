package ocr

import (
	"bytes"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Images whose decoding would hold more than MaxDecodeBytes are refused before a pixel is
// decoded (add peaked at 850 MB on a 4096² progressive CMYK JPEG and 570 MB on a 4096² 16-bit
// RGBA PNG, both within MaxPixels); an ordinary phone photo still decodes.
func TestDecodeMemoryBudget(t *testing.T) {
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("..", "render", "pdf", "testdata", "images", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var photo bytes.Buffer
	if err := jpeg.Encode(&photo, image.NewYCbCr(image.Rect(0, 0, 4000, 3000), image.YCbCrSubsampleRatio420), nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		data    []byte
		refused bool
	}{
		{"progressive CMYK JPEG 4096²", read("cmyk-progressive-4096.jpg"), true},
		{"16-bit RGBA PNG 4096²", read("rgba16-4096.png"), true},
		{"baseline 12-megapixel photo", photo.Bytes(), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(bytes.NewReader(tc.data))
			switch {
			case tc.refused && (err == nil || !strings.Contains(err.Error(), "MB to decode")):
				t.Errorf("want refused for its decode cost, got %v", err)
			case !tc.refused && err != nil:
				t.Errorf("want decoded, got %v", err)
			}
		})
	}
}

func TestProgressiveJPEG(t *testing.T) {
	var base bytes.Buffer
	jpeg.Encode(&base, image.NewGray(image.Rect(0, 0, 8, 8)), nil)
	if progressiveJPEG(base.Bytes()) {
		t.Error("a baseline JPEG read as progressive")
	}
	b, err := os.ReadFile(filepath.Join("..", "render", "pdf", "testdata", "images", "cmyk-progressive-4096.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	if !progressiveJPEG(b) {
		t.Error("a progressive JPEG not read as progressive")
	}
	for n := 0; n < 40; n++ { // cut short anywhere, no panic
		progressiveJPEG(b[:n])
	}
}
