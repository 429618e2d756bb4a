package templates

import (
	"errors"
	"io/fs"
	"testing"
	"testing/fstest"
)

func TestEveryLetterExists(t *testing.T) {
	for _, kind := range Kinds {
		for _, lang := range []string{"zh", "en"} {
			t.Run(kind+"."+lang, func(t *testing.T) {
				text, origin, err := Letter(nil, kind, lang)
				if err != nil || len(text) < 100 || origin != LetterName(kind, lang) {
					t.Errorf("Letter(%s, %s) = %d bytes from %q, %v", kind, lang, len(text), origin, err)
				}
			})
		}
	}
}

func TestLetterOverride(t *testing.T) {
	over := fstest.MapFS{"letters/complaint.zh.tmpl": {Data: []byte("mine")}}
	for _, tc := range []struct {
		name, kind, lang, want string
		err                    error
	}{
		{"overridden", Complaint, "zh", "mine", nil},
		{"falls back to embedded", Mediation, "zh", "", nil},
		{"unknown kind", "appeal", "zh", "", ErrUnknownLetter},
		{"unknown language", Complaint, "fr", "", ErrUnknownLetter},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text, _, err := Letter(over, tc.kind, tc.lang)
			if !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			if tc.want != "" && text != tc.want {
				t.Errorf("text = %q, want %q", text, tc.want)
			}
		})
	}
}

func TestFontsAndLicences(t *testing.T) {
	for name, b := range map[string][]byte{"cjk": Font(), "latin": LatinFont()} {
		// A TrueType font starts with the version 1.0 tag; collections ("ttcf") and CFF ("OTTO") do not work.
		if len(b) < 4 || string(b[:4]) != "\x00\x01\x00\x00" {
			t.Errorf("%s font is not a glyf TrueType font", name)
		}
	}
	for _, f := range []string{"fonts/LICENSE", "fonts/NOTICE", "fonts/DejaVu-LICENSE"} {
		if b, err := fs.ReadFile(FS, f); err != nil || len(b) < 500 {
			t.Errorf("%s: %d bytes, %v", f, len(b), err)
		}
	}
}

func TestFallbackFontsDecompress(t *testing.T) {
	for _, f := range FallbackFonts() {
		data, err := f.Data()
		if err != nil || len(data) < 1<<20 || string(data[:4]) != "\x00\x01\x00\x00" {
			t.Errorf("%s: %d bytes, %v", f.Name, len(data), err)
		}
	}
}
