package pdf

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/findings"
	"github.com/dossier-tool/dossier/dossier/vocab"
)

// Words the data carries in the program's own notation — finding ids, MIME types, the
// "[image/png: 证据3]" markers parsers leave in message text, titles that are only a file name —
// are printed in the packet's language instead.

// title is an item's title; an item whose title is only its file name is named by its kind:
// 通话记录 calls-20250415.xml.
func (d *doc) title(it *evidence.Item) string {
	if it.Title != "" && it.Title != it.Name {
		return it.Title
	}
	if k := vocab.Kind(d.lang, it.Kind); k != "" && k != it.Kind {
		return k + " " + it.Name
	}
	return it.Name
}

// findingLabel names a finding by its category, the place of its rule in that category and its
// own number: 违规一·1 (Breach 1.1) for night-contact-1 when night contact is the first breach
// rule the report lists. The rule's full name heads the row's text; the label stays short enough
// for its column.
func (d *doc) findingLabel(fd *findings.Finding) string {
	n := strings.TrimPrefix(fd.ID, fd.Rule+"-")
	if fd.Rule == "" || n == fd.ID {
		return fd.ID
	}
	category := func(f *findings.Finding) string {
		if f.Category != "" {
			return f.Category
		}
		return findings.CategoryOf(f.Rule)
	}
	place := 0
	var seen []string
	for i := range d.r.Findings {
		f := &d.r.Findings[i]
		if category(f) != category(fd) || slices.Contains(seen, f.Rule) {
			continue
		}
		seen = append(seen, f.Rule)
		if f.Rule == fd.Rule {
			place = len(seen)
			break
		}
	}
	cat := map[string][2]string{
		findings.CategoryBreach:       {"违规", "Breach"},
		findings.CategoryInconsistent: {"不符", "Inconsistency"},
		findings.CategoryPerformance:  {"履约", "Performance"},
	}[category(fd)]
	if cat[0] == "" || place == 0 {
		return vocab.Rule(d.lang, fd.Rule) + "·" + n
	}
	if d.lang == "zh" {
		return cat[0] + chineseNumeral(place) + "·" + n
	}
	return fmt.Sprintf("%s %d.%s", cat[1], place, n)
}

func chineseNumeral(n int) string {
	digits := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n < 10:
		return digits[n]
	case n < 20:
		return "十" + digits[n-10]
	case n < 100:
		return digits[n/10] + "十" + digits[n%10]
	}
	return strconv.Itoa(n)
}

// partMarker is how a parser names a non-text part inside a message: "[image/png: 证据3]".
var partMarker = regexp.MustCompile(`\[((?:image|audio|video|application|text)/[A-Za-z0-9.+-]+): ([^\]]*)\]`)

// markers rewrites part markers in the packet's language: [图片：证据3].
func (d *doc) markers(s string) string {
	if !strings.Contains(s, "/") {
		return s
	}
	return partMarker.ReplaceAllStringFunc(s, func(m string) string {
		g := partMarker.FindStringSubmatch(m)
		major, _, _ := strings.Cut(g[1], "/")
		label := vocab.MIME(d.lang, major+"/")
		if label == "" || strings.Contains(label, "/") {
			label = vocab.MIME(d.lang, g[1])
		}
		if d.lang == "zh" {
			return "[" + label + "：" + g[2] + "]"
		}
		return "[" + label + ": " + g[2] + "]"
	})
}
