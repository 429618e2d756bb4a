// Package templates holds the assets every rendered document needs and that must travel inside the
// binary: the letter templates, the CJK font the PDF packet embeds (with its licence) and nothing
// that depends on the machine the program runs on.
//
// Letters are text/template files named letters/<kind>.<lang>.tmpl, where kind is complaint
// (to the platform), mediation (application to a consumer association) or regulator (to 12378 or
// the local financial regulator) and lang is zh or en. A user may override any of them by putting a
// file with the same relative name in a folder of their own (see Open); the data a template
// receives is documented by the renderer that executes it (package render/pdf, type LetterData).
//
// Two fonts are embedded because no single free glyf-outline font covers both scripts well:
// Droid Sans Fallback Full (Apache License 2.0: fonts/LICENSE, attribution in fonts/NOTICE) has the
// CJK ideographs and full-width punctuation but no Latin letters or digits at all, and DejaVu Sans
// (Bitstream Vera licence, fonts/DejaVu-LICENSE) has Latin, digits and general punctuation. The
// renderer picks one per character. TrueType collections and CFF-flavoured OpenType fonts are
// deliberately not used: the PDF library subsets only glyf TrueType fonts.
//
// The PDF library reads only a font's Basic Multilingual Plane (cmap format 4), so characters
// beyond it — emoji, flags, CJK Extension B and later — and symbols neither main font has are
// drawn by the renderer itself as glyph outlines from the fallback fonts (FallbackFonts), in
// order: Symbola (emoji, pictographs, arrows, dingbats; "free for any use", fonts/Symbola-LICENSE)
// and HanaMinB (CJK Extensions B, C, D, E and F; Hanazono Font License or SIL OFL 1.1,
// fonts/Hanazono-LICENSE). Both are the files Debian ships (fonts-symbola, fonts-hanazono),
// gzip-compressed as they are and decompressed only when a document first needs them.
package templates

import (
	"bytes"
	"compress/gzip"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sync"
)

//go:embed letters/*.tmpl fonts/LICENSE fonts/NOTICE fonts/DejaVu-LICENSE fonts/Symbola-LICENSE fonts/Hanazono-LICENSE
var assets embed.FS

//go:embed fonts/Symbola.ttf.gz fonts/HanaMinB.ttf.gz
var fallbackFS embed.FS

//go:embed fonts/DroidSansFallbackFull.ttf
var font []byte

//go:embed fonts/DejaVuSans.ttf
var latinFont []byte

// FS is the embedded tree: letters/ and the font licences in fonts/ (the fonts themselves are
// returned by Font and LatinFont).
var FS fs.FS = assets

// Letter kinds.
const (
	Complaint = "complaint"
	Mediation = "mediation"
	Regulator = "regulator"
)

// Kinds lists the letter kinds in the order they are offered to users.
var Kinds = []string{Complaint, Mediation, Regulator}

// Font returns the bytes of the embedded CJK TrueType font. The slice is shared: do not modify it.
func Font() []byte { return font }

// LatinFont returns the bytes of the embedded Latin TrueType font, for letters, digits and the
// punctuation the CJK font lacks. The slice is shared: do not modify it.
func LatinFont() []byte { return latinFont }

// FallbackFont is one font of the fallback chain.
type FallbackFont struct {
	Name string
	file string
	once sync.Once
	data []byte
	err  error
}

// Data returns the font's bytes, decompressed on the first call. The slice is shared: do not
// modify it.
func (f *FallbackFont) Data() ([]byte, error) {
	f.once.Do(func() {
		gz, err := fallbackFS.ReadFile(f.file)
		if err != nil {
			f.err = err
			return
		}
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			f.err = fmt.Errorf("font %s: %w", f.Name, err)
			return
		}
		// The embedded files are known; the cap only guards against a corrupted build.
		f.data, f.err = io.ReadAll(io.LimitReader(zr, 64<<20))
	})
	return f.data, f.err
}

var fallbacks = []*FallbackFont{
	{Name: "Symbola", file: "fonts/Symbola.ttf.gz"},
	{Name: "HanaMinB", file: "fonts/HanaMinB.ttf.gz"},
}

// FallbackFonts returns the fallback fonts in the order they are tried.
func FallbackFonts() []*FallbackFont { return fallbacks }

// LetterName is the relative path of a letter template: letters/complaint.zh.tmpl.
func LetterName(kind, lang string) string { return "letters/" + kind + "." + lang + ".tmpl" }

// ErrUnknownLetter is returned for a letter kind or language that has no template.
var ErrUnknownLetter = errors.New("unknown letter")

// Letter returns the text of a letter template, taken from override when it holds a file of the
// same name (override may be nil) and from the embedded set otherwise. The second result names
// where it came from, for error messages.
func Letter(override fs.FS, kind, lang string) (text, origin string, err error) {
	name := LetterName(kind, lang)
	if override != nil {
		b, err := fs.ReadFile(override, name)
		switch {
		case err == nil:
			return string(b), name + " (user templates)", nil
		case !errors.Is(err, fs.ErrNotExist):
			return "", "", fmt.Errorf("read template %s: %w", name, err)
		}
	}
	b, err := assets.ReadFile(name)
	if err != nil {
		return "", "", fmt.Errorf("%w %q in language %q: choose complaint, mediation or regulator and zh or en", ErrUnknownLetter, kind, lang)
	}
	return string(b), name, nil
}
