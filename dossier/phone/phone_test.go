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
		{"beijing landline with country code", "+86 10 8888 6666", "01088886666"},
		{"beijing landline dialled at home", "010-8888-6666", "01088886666"},
		{"beijing landline behind 0086", "0086 10 8888 6666", "01088886666"},
		{"shanghai landline bracketed", "(021) 6888 8888", "02168888888"},
		{"hong kong with plus", "+852 9123 4567", "+85291234567"},
		{"hong kong with the 00 prefix", "00852 9123 4567", "+85291234567"},
		{"400 number", "400-123-4567", "4001234567"},
		{"400 number with country code", "+86 400 123 4567", "4001234567"},
		{"mobile behind 0086 dashed", "0086-159-0000-1111", "15900001111"},
		{"short service number", "10086", "10086"},
		{"service number behind +86", "+86 95188", "95188"},
		{"sms gateway number", "1069 0000 1234 56", "10690000123456"},
		{"code with star", "*86#", "*86#"},
		{"withheld -2", "-2", ""},
		{"a name is kept", "某催收", "某催收"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Normalize(tt.in); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"+86 10 8888 6666", "00852 9123 4567", "95188", "1069000012345678901234", "+", "00", "-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if again := Normalize(n); again != n {
			t.Fatalf("Normalize(%q) = %q but Normalize(%q) = %q", s, n, n, again)
		}
	})
}
