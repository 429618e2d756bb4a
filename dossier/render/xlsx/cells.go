package xlsx

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/width"

	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/money"
)

// excelEpoch is day 0 of the 1900 date system as Excel counts it after 1900-03-01 (Excel treats
// 1900 as a leap year, so serials from 61 on are days since 1899-12-30).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// firstSafeDay is the first day whose serial is unaffected by the 1900 leap-year bug.
var firstSafeDay = time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC)

// lastDay is the last day Excel can show.
var lastDay = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)

// serial converts the wall clock of t in loc to an Excel date serial. ok is false for times Excel
// cannot show as dates; those are written as text.
func serial(t time.Time, loc *time.Location) (float64, bool) {
	wall := t.In(loc)
	naive := time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), wall.Second(), wall.Nanosecond(), time.UTC)
	if naive.Before(firstSafeDay) || naive.After(lastDay) {
		return 0, false
	}
	days := int64(naive.Sub(excelEpoch).Hours()) / 24
	secs := naive.Sub(excelEpoch.AddDate(0, 0, int(days)))
	return float64(days) + secs.Seconds()/86400, true
}

// dateSerial is the serial of midnight of a calendar day.
func dateSerial(d caseconf.Date) (float64, bool) {
	return serial(time.Date(d.Y, time.Month(d.M), d.D, 0, 0, 0, 0, time.UTC), time.UTC)
}

// yuan converts fen to the double nearest the two-decimal amount; going through the decimal
// string keeps 0.1+0.2 style errors out of the conversion.
func yuan(a money.Amount) float64 {
	v, err := strconv.ParseFloat(a.String(), 64)
	if err != nil {
		return 0 // unreachable: Amount.String always prints a decimal
	}
	return v
}

// styles are the cell styles the workbook uses.
type styles struct {
	header, dateTime, date, duration, money, integer, link, highlight int
}

func newStyles(f *excelize.File) (*styles, error) {
	s := &styles{}
	dateTime, date, dur, mon := "yyyy-mm-dd hh:mm:ss", "yyyy-mm-dd", "[h]:mm:ss", "#,##0.00"
	var err error
	set := func(dst *int, st *excelize.Style) {
		if err != nil {
			return
		}
		*dst, err = f.NewStyle(st)
	}
	set(&s.header, &excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
		Border:    []excelize.Border{{Type: "bottom", Color: "8EA9DB", Style: 1}},
		Alignment: &excelize.Alignment{Vertical: "center"},
	})
	set(&s.dateTime, &excelize.Style{CustomNumFmt: &dateTime})
	set(&s.date, &excelize.Style{CustomNumFmt: &date})
	set(&s.duration, &excelize.Style{CustomNumFmt: &dur})
	set(&s.money, &excelize.Style{CustomNumFmt: &mon})
	set(&s.integer, &excelize.Style{NumFmt: 1})
	set(&s.link, &excelize.Style{Font: &excelize.Font{Color: "0563C1", Underline: "single"}})
	if err != nil {
		return nil, err
	}
	s.highlight, err = f.NewConditionalStyle(&excelize.Style{
		Font: &excelize.Font{Color: "9C0006"},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFC7CE"}},
	})
	return s, err
}

// cellWidth is the display width of a value in character units: a wide (CJK) rune counts two.
// Only the longest line of multi-line text counts.
func cellWidth(v any) float64 {
	switch v := v.(type) {
	case nil:
		return 0
	case string:
		return float64(textWidth(v))
	case excelize.Cell:
		return cellWidth(v.Value)
	case int:
		return float64(len(strconv.Itoa(v)))
	case int64:
		return float64(len(strconv.FormatInt(v, 10)))
	case float64:
		return float64(len(strconv.FormatFloat(v, 'f', 2, 64))) + 1
	}
	return float64(len(fmt.Sprint(v)))
}

// maxMeasured stops measuring text longer than any column is allowed to be.
const maxMeasured = 200

func textWidth(s string) int {
	best, cur := 0, 0
	for i, r := range s {
		if i > maxMeasured*4 {
			break
		}
		if r == '\n' {
			cur = 0
			continue
		}
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			cur += 2
		default:
			cur++
		}
		if cur > best {
			best = cur
		}
	}
	return best
}

// text makes a value safe and tidy for a string cell: invalid UTF-8 replaced, and NUL-like
// control characters (which XML cannot carry) dropped. It never makes a formula: string values
// are written as inline strings.
func text(s string) string {
	if s == "" {
		return ""
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.IndexFunc(s, xmlForbidden) >= 0 {
		s = strings.Map(func(r rune) rune {
			if xmlForbidden(r) {
				return -1
			}
			return r
		}, s)
	}
	return s
}

func xmlForbidden(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF
}

// str is a string cell value, or nil (no cell) for empty text.
func str(s string) any {
	s = text(s)
	if s == "" {
		return nil
	}
	return s
}

// joinInts writes "3, 7, 12", at most limit numbers followed by the count left out.
func joinInts(ns []int, limit int) string {
	var b strings.Builder
	for i, n := range ns {
		if i == limit {
			fmt.Fprintf(&b, " (+%d)", len(ns)-limit)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(n))
	}
	return b.String()
}

// hyperlinkFormula builds HYPERLINK("target","label") with the quotes of both doubled, the only
// escaping a string literal in a formula needs.
func hyperlinkFormula(target, label string) string {
	q := func(s string) string { return `"` + strings.ReplaceAll(text(s), `"`, `""`) + `"` }
	return "HYPERLINK(" + q(target) + "," + q(label) + ")"
}

// widthSlack allows for fonts wider than the one column widths are measured in: Calc and Excel
// substitute their own fonts, and a number that does not fit shows as "###".
const widthSlack = 1.15

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// cellWidth is the width of a cell as it is shown: a styled number takes the width of its number
// format's output (a date-time is "yyyy-mm-dd hh:mm:ss", nineteen characters), not of the serial.
func (rd *renderer) cellWidth(v any) float64 {
	c, ok := v.(excelize.Cell)
	if !ok {
		return cellWidth(v)
	}
	f, isNum := c.Value.(float64)
	switch {
	case c.Formula != "":
		return cellWidth(c.Value)
	case !isNum:
		if n, ok := c.Value.(int64); ok && c.StyleID == rd.st.integer {
			return float64(len(strconv.FormatInt(n, 10)))
		}
		return cellWidth(c.Value)
	case c.StyleID == rd.st.dateTime:
		return float64(len("2006-01-02 15:04:05"))
	case c.StyleID == rd.st.date:
		return float64(len("2006-01-02"))
	case c.StyleID == rd.st.duration:
		secs := int64(math.Round(f * 86400))
		return float64(len(fmt.Sprintf("%d:%02d:%02d", secs/3600, secs/60%60, secs%60)))
	case c.StyleID == rd.st.money:
		return float64(len(groupThousands(strconv.FormatFloat(f, 'f', 2, 64))))
	}
	return cellWidth(c.Value)
}

// groupThousands writes "1234567.50" as "1,234,567.50", as the #,##0.00 format shows it.
func groupThousands(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	return sign + b.String()
}
