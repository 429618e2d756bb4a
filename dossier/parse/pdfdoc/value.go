package pdfdoc

// Name is a PDF name as ParseValue returns it, without its slash.
type Name string

// Ref is an indirect reference as ParseValue returns it.
type Ref struct{ Num, Gen int }

// ParseValue reads one PDF object from the start of b, for a writer that reads back dictionaries
// of its own output (a trailer, a catalog): the same lexer and caps as the reader, with the
// values as plain Go types — a dictionary is map[string]any, an array []any, a name Name, a
// string []byte, an indirect reference Ref, a number int64 or float64, a boolean bool, null nil.
// n is how many bytes of b the object took, the white space and comments before it included.
func ParseValue(b []byte) (v any, n int, err error) {
	l := &lexer{buf: b, eof: true}
	o, err := l.object(0)
	if err != nil {
		return nil, l.pos, err
	}
	return plain(o), l.pos, nil
}

func plain(o any) any {
	switch x := o.(type) {
	case dict:
		m := make(map[string]any, len(x))
		for k, v := range x {
			m[k] = plain(v)
		}
		return m
	case array:
		a := make([]any, len(x))
		for i, v := range x {
			a[i] = plain(v)
		}
		return a
	case name:
		return Name(x)
	case pdfString:
		return []byte(x)
	case ref:
		return Ref{Num: x.num, Gen: x.gen}
	}
	return o
}
