package pdf

import (
	"bytes"
	"os"
	"testing"
)

func render(t testing.TB, fx *fixture, opt Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, fx.bundle, fx.report, opt); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return buf.Bytes()
}

func TestRenderSmoke(t *testing.T) {
	fx := newFixture(t)
	out := render(t, fx, Options{})
	if dir := os.Getenv("PDF_OUT"); dir != "" {
		os.WriteFile(dir, out, 0o644)
	}
}
