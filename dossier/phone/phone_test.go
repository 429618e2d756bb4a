package phone

import "testing"

func TestNormalize(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "15900001111", "15900001111"},
		{"plus86 spaced", "+86 159 0000 1111", "15900001111"},
		{"0086 dashed", "0086-159-0000-1111", "15900001111"},
		{"86 without plus", "8615900001111", "15900001111"},
		{"service number", "95188", "95188"},
		{"landline", "(021) 6888-8888", "02168888888"},
		{"fullwidth digits", "１５９００００１１１１", "15900001111"},
		{"withheld -1", "-1", ""},
		{"null", "null", ""},
		{"unknown", "(Unknown)", ""},
		{"foreign kept", "+48123456789", "+48123456789"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Normalize(tt.in); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
