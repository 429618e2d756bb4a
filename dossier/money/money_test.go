package money

import (
	"encoding/json"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, in, want string
		bad            bool
	}{
		{name: "plain", in: "1000.00", want: "1000.00"},
		{name: "one decimal", in: "1234.5", want: "1234.50"},
		{name: "no decimals", in: "95", want: "95.00"},
		{name: "yuan sign", in: "¥300.00", want: "300.00"},
		{name: "fullwidth yuan sign", in: "￥1,000.10", want: "1000.10"},
		{name: "padded", in: "  12.30\t", want: "12.30"},
		{name: "negative", in: "-0.50", want: "-0.50"},
		{name: "leading dot", in: ".5", want: "0.50"},
		{name: "three decimals", in: "1.005", bad: true},
		{name: "empty", in: "", bad: true},
		{name: "dot only", in: ".", bad: true},
		{name: "letters", in: "12a", bad: true},
		{name: "float-looking sum", in: "0.1", want: "0.10"},
		{name: "too large", in: "12345678901234567", bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if tt.bad {
				if err == nil {
					t.Fatalf("Parse(%q) = %v, want error", tt.in, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if got.String() != tt.want {
				t.Errorf("Parse(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestExactSum(t *testing.T) {
	var sum Amount
	for i := 0; i < 10; i++ {
		sum += MustParse("0.10")
	}
	if sum != MustParse("1.00") {
		t.Fatalf("ten times 0.10 = %s", sum)
	}
}

func TestJSONRoundTrip(t *testing.T) {
	a := MustParse("1000.05")
	b, _ := json.Marshal(a)
	if string(b) != `"1000.05"` {
		t.Fatalf("marshal: %s", b)
	}
	var back Amount
	if err := json.Unmarshal(b, &back); err != nil || back != a {
		t.Fatalf("unmarshal: %v %v", back, err)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"1000.00", "¥1,000.10", "-0.5", ".", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := Parse(s)
		if err != nil {
			return
		}
		back, err := Parse(a.String())
		if err != nil || back != a {
			t.Fatalf("%q -> %s -> %v (%v)", s, a, back, err)
		}
	})
}
