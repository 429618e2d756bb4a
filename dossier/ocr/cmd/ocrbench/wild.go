package main

import (
	"bytes"
	"image"
	"image/jpeg"
	"math/rand/v2"

	"golang.org/x/image/draw"

	"github.com/dossier-tool/dossier/dossier/ocr/screens"
)

// The -wild set: screens that did not come straight from the renderer, as users' screenshots
// often do not. Half are drawn in Droid Sans Fallback (the CJK font of older Android phones, in
// none of the renderer's own styles); every one is then scaled down to 45–80% (WeChat and QQ
// shrink a forwarded image that is not sent as the original) with bilinear filtering and
// compressed twice as JPEG (quality 35–70, then 50–80: saved, forwarded, saved again), which
// leaves blocking and ringing around the glyphs that a single high-quality encode does not.

// wildFont is the font the -wild set draws half of its screens in.
const wildFont = "Droid Sans Fallback"

func wildStyles(r *rand.Rand, set []screens.Labelled) {
	for i := range set {
		if r.IntN(2) == 0 {
			set[i].Style.Font = wildFont
		}
	}
}

// degrade scales m down and compresses it twice.
func degrade(r *rand.Rand, m image.Image) ([]byte, error) {
	f := 0.45 + 0.35*r.Float64()
	b := m.Bounds()
	small := image.NewRGBA(image.Rect(0, 0, max(1, int(float64(b.Dx())*f)), max(1, int(float64(b.Dy())*f))))
	draw.BiLinear.Scale(small, small.Rect, m, b, draw.Src, nil)
	var once bytes.Buffer
	if err := jpeg.Encode(&once, small, &jpeg.Options{Quality: 35 + r.IntN(36)}); err != nil {
		return nil, err
	}
	again, err := jpeg.Decode(&once)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	err = jpeg.Encode(&out, again, &jpeg.Options{Quality: 50 + r.IntN(31)})
	return out.Bytes(), err
}
