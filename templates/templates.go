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
package templates

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
)

//go:embed letters/*.tmpl fonts/LICENSE fonts/NOTICE fonts/DejaVu-LICENSE
var assets embed.FS

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
