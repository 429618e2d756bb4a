// Package textimg draws text onto images with the fonts dossier embeds, for the OCR tests and the
// labelled benchmark set: CJK from Droid Sans Fallback, Latin letters, digits and punctuation it
// lacks from DejaVu Sans, as the packet renderer picks them.
package textimg

import (
	"image"
	"image/color"
	"image/draw"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"github.com/dossier-tool/dossier/templates"
)

var (
	once      sync.Once
	cjk, latn *opentype.Font
	parseErr  error
)

func fonts() (*opentype.Font, *opentype.Font, error) {
	once.Do(func() {
		cjk, parseErr = opentype.Parse(templates.Font())
		if parseErr == nil {
			latn, parseErr = opentype.Parse(templates.LatinFont())
		}
	})
	return cjk, latn, parseErr
}

// Face is a pair of faces at one size.
type Face struct {
	cjk, latin font.Face
	cjkFont    *sfnt.Font
	buf        sfnt.Buffer
}

// NewFace returns the faces at size pixels.
func NewFace(size float64) (*Face, error) {
	c, l, err := fonts()
	if err != nil {
		return nil, err
	}
	opt := &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone}
	cf, err := opentype.NewFace(c, opt)
	if err != nil {
		return nil, err
	}
	lf, err := opentype.NewFace(l, opt)
	if err != nil {
		return nil, err
	}
	return &Face{cjk: cf, latin: lf, cjkFont: c}, nil
}

func (f *Face) pick(r rune) font.Face {
	if r < 0x2E80 {
		return f.latin
	}
	return f.cjk
}

// Width is the advance of s in pixels.
func (f *Face) Width(s string) int {
	var w fixed.Int26_6
	for _, r := range s {
		a, _ := f.pick(r).GlyphAdvance(r)
		w += a
	}
	return w.Ceil()
}

// Draw writes s with its baseline at (x, y) in colour c.
func (f *Face) Draw(dst draw.Image, x, y int, s string, c color.Color) {
	dot := fixed.P(x, y)
	src := image.NewUniform(c)
	for _, r := range s {
		face := f.pick(r)
		dr, mask, mp, adv, ok := face.Glyph(dot, r)
		if ok {
			draw.DrawMask(dst, dr, src, image.Point{}, mask, mp, draw.Over)
		}
		dot.X += adv
	}
}
