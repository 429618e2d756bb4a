package xlsx

import (
	"bytes"
	"errors"
	"regexp"
	"strings"

	"github.com/xuri/excelize/v2"
)

// excelize draws a column chart's category axis as a text axis (c:catAx), which lists every day
// label side by side, and reads the categories as strings. A date axis (c:dateAx, base unit
// days) spaces the days by time, labels them at a readable interval and keeps gaps as gaps; the
// categories then have to be a number reference to the date cells. dateAxis rewrites the chart
// part excelize stored accordingly (stored unprefixed; excelize adds the namespace prefixes
// when it writes the part). It expects exactly one chart in the workbook.
var (
	catAxRe     = regexp.MustCompile(`(?s)<catAx>(.*?)</catAx>`)
	catRefRe    = regexp.MustCompile(`(?s)<cat><strRef>(.*?)</strRef></cat>`)
	catOnlyRe   = regexp.MustCompile(`<lblAlgn [^>]*>(</lblAlgn>)?|<noMultiLvlLbl [^>]*>(</noMultiLvlLbl>)?`)
	lblOffsetRe = regexp.MustCompile(`(<lblOffset [^>]*>(</lblOffset>)?)`)
)

func dateAxis(f *excelize.File) error {
	var name string
	f.Pkg.Range(func(k, _ any) bool {
		if s, ok := k.(string); ok && strings.HasPrefix(s, "xl/charts/chart") && strings.HasSuffix(s, ".xml") {
			name = s
			return false
		}
		return true
	})
	if name == "" {
		return errors.New("no chart part to give a date axis")
	}
	v, _ := f.Pkg.Load(name)
	data, ok := v.([]byte)
	if !ok {
		return errors.New("chart part is not bytes")
	}
	if !catAxRe.Match(data) {
		return errors.New("chart has no category axis")
	}
	data = catAxRe.ReplaceAllFunc(data, func(m []byte) []byte {
		in := catAxRe.FindSubmatch(m)[1]
		// dateAx has neither lblAlgn nor noMultiLvlLbl; baseTimeUnit follows lblOffset.
		in = catOnlyRe.ReplaceAll(in, nil)
		in = lblOffsetRe.ReplaceAll(in, []byte(`$1<baseTimeUnit val="days"></baseTimeUnit>`))
		return append(append([]byte("<dateAx>"), in...), "</dateAx>"...)
	})
	data = catRefRe.ReplaceAll(data, []byte(`<cat><numRef>$1</numRef></cat>`))
	if !bytes.Contains(data, []byte("<baseTimeUnit")) {
		return errors.New("chart axis has no label offset to place the time unit after")
	}
	f.Pkg.Store(name, data)
	return nil
}
