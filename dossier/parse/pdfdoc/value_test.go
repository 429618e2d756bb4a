package pdfdoc

import (
	"reflect"
	"testing"
)

func TestParseValue(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     any
		n        int
	}{
		{"trailer", "\n<<\n/Size 12\n/Root 11 0 R\n/Info 10 0 R\n/ID [<0a1b> (x\\)y)]\n>>\nstartxref", map[string]any{
			"Size": int64(12), "Root": Ref{11, 0}, "Info": Ref{10, 0}, "ID": []any{[]byte{0x0a, 0x1b}, []byte("x)y")}}, 61}, // up to the end of >>
		{"name then dict", "/Names << /EmbeddedFiles << /Names [] >> >>", Name("Names"), 6},
		{"numbers", " % comment\n -3.5 true", -3.5, 16},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, n, err := ParseValue([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(v, tc.want) || n != tc.n {
				t.Errorf("got %#v after %d bytes, want %#v after %d", v, n, tc.want, tc.n)
			}
		})
	}
	for _, bad := range []string{"", "<< /A ", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"} {
		if _, _, err := ParseValue([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
