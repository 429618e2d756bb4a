package calllogcsv

import (
	"strings"
	"unicode"
)

// field is a column the parser understands.
type field int

const (
	fieldNumber field = iota
	fieldName
	fieldStart    // date and time in one cell
	fieldDate     // a date-only column, joined with fieldTime
	fieldTime     // a time-only column, or a combined one when no other start column exists
	fieldDuration // any of the duration spellings
	fieldType
	fieldCount
)

// aliases maps a normalised header cell to the column it names. Phone managers and phones word
// their headers differently and there is no standard, so this is deliberately generous; a header
// row is accepted only when it names at least a number and a time, which keeps free text out.
var aliases = map[string]field{
	"号码": fieldNumber, "电话号码": fieldNumber, "对方号码": fieldNumber, "手机号码": fieldNumber,
	"电话": fieldNumber, "手机号": fieldNumber, "来电号码": fieldNumber, "通话号码": fieldNumber,
	"number": fieldNumber, "phone": fieldNumber, "phonenumber": fieldNumber, "phone number": fieldNumber,
	"telephone": fieldNumber, "tel": fieldNumber, "caller": fieldNumber, "mobile": fieldNumber,

	"姓名": fieldName, "联系人": fieldName, "名称": fieldName, "联系人姓名": fieldName, "备注名": fieldName,
	"name": fieldName, "contact": fieldName, "contact name": fieldName, "contactname": fieldName,

	"通话时间": fieldStart, "开始时间": fieldStart, "起始时间": fieldStart, "呼叫时间": fieldStart,
	"来电时间": fieldStart, "通话开始时间": fieldStart, "通话日期": fieldStart,
	"start": fieldStart, "start time": fieldStart, "starttime": fieldStart, "call time": fieldStart,
	"call date": fieldStart, "datetime": fieldStart, "date time": fieldStart, "date/time": fieldStart,
	"timestamp": fieldStart,

	"日期": fieldDate, "date": fieldDate,
	"时间": fieldTime, "time": fieldTime,

	"通话时长": fieldDuration, "时长": fieldDuration, "持续时间": fieldDuration, "通话时长秒": fieldDuration,
	"duration": fieldDuration, "call duration": fieldDuration, "length": fieldDuration,

	"类型": fieldType, "呼叫类型": fieldType, "通话类型": fieldType, "通话状态": fieldType, "状态": fieldType,
	"type": fieldType, "call type": fieldType, "calltype": fieldType, "direction": fieldType,
	"status": fieldType,
}

// normHeader folds a header cell to the form the alias table uses: no BOM, no surrounding space,
// lower case, inner runs of space collapsed, and a trailing unit in brackets ("通话时长(秒)",
// "Duration (s)") removed.
func normHeader(s string) string {
	s = strings.TrimPrefix(s, "\ufeff")
	s = strings.TrimSpace(s)
	for _, open := range []string{"(", "（", "["} {
		if i := strings.Index(s, open); i > 0 {
			s = s[:i]
		}
	}
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// layout is the column position of each understood field; -1 when absent.
type layout struct {
	col   [fieldCount]int
	width int // cells in the header row, trailing empty cells dropped
	names []string
}

// mapHeader reads a candidate header row. ok is true when it names a number and a time.
func mapHeader(cells []string) (layout, bool) {
	var l layout
	for i := range l.col {
		l.col[i] = -1
	}
	for i, c := range cells {
		f, known := aliases[normHeader(c)]
		if !known || l.col[f] >= 0 {
			continue
		}
		l.col[f] = i
		l.names = append(l.names, strings.TrimSpace(strings.TrimPrefix(c, "\ufeff")))
	}
	l.width = len(trimTrailingEmpty(cells))
	if l.col[fieldStart] < 0 && l.col[fieldDate] >= 0 && l.col[fieldTime] < 0 {
		// A lone "date" column in these exports carries the full timestamp.
		l.col[fieldStart], l.col[fieldDate] = l.col[fieldDate], -1
	}
	if l.col[fieldStart] < 0 && l.col[fieldTime] >= 0 && l.col[fieldDate] < 0 {
		l.col[fieldStart], l.col[fieldTime] = l.col[fieldTime], -1
	}
	hasTime := l.col[fieldStart] >= 0 || (l.col[fieldDate] >= 0 && l.col[fieldTime] >= 0)
	return l, l.col[fieldNumber] >= 0 && hasTime
}

// maxCol is the right-most column a row must reach to be read.
func (l *layout) maxCol() int {
	m := -1
	for _, c := range l.col {
		m = max(m, c)
	}
	return m
}

func trimTrailingEmpty(cells []string) []string {
	n := len(cells)
	for n > 0 && strings.TrimSpace(cells[n-1]) == "" {
		n--
	}
	return cells[:n]
}
