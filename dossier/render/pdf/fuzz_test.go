package pdf

import (
	"bytes"
	"io"
	"testing"

	"github.com/dossier-tool/dossier/dossier/event"
)

// FuzzRender feeds arbitrary text, names, types and bytes through every drawing path: a packet is
// always produced and nothing panics.
func FuzzRender(f *testing.F) {
	fx := newFixture(f)
	for _, it := range fx.bundle.Items[:8] {
		f.Add(longParagraph, it.Name, it.MIME, it.Kind, fx.store[it.SHA256])
	}
	f.Add("（（（（“《", "", "image/png", "", []byte("\x89PNG\r\n\x1a\n"))
	f.Fuzz(func(t *testing.T, text, name, mime, kind string, data []byte) {
		fx := newFixture(t)
		it := &fx.bundle.Items[0]
		it.Name, it.MIME, it.Kind, it.Title, it.Purpose = name, mime, kind, text, text
		it.SHA256, it.Size = fx.store.put(data), int64(len(data))
		fx.bundle.Items = fx.bundle.Items[:1]
		fx.bundle.Events = []event.Event{{Time: fx.bundle.Stamp, Channel: event.SMS, Direction: event.In, Text: text, Counterpart: text, Exhibit: 1, Seq: 1}}
		fx.bundle.Case.Narrative = text
		var buf bytes.Buffer
		if err := Render(&buf, fx.bundle, fx.report, Options{NoAttach: true, Redact: len(text)%2 == 0}); err != nil {
			t.Fatalf("Render: %v", err)
		}
		if _, err := ReadPacket(bytes.NewReader(buf.Bytes()), int64(buf.Len())); err != nil {
			t.Fatalf("ReadPacket of a rendered packet: %v", err)
		}
	})
}

// FuzzWalkPNG: any bytes give a header that plans a drawable image, or an error; never a panic.
func FuzzWalkPNG(f *testing.F) {
	f.Add(encodePNG(screenshot(20, 10, 1)))
	f.Add(rgbaPNG())
	f.Add(palettedPNG())
	f.Add(pngSignature)
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := walkPNG(bytes.NewReader(data), io.Discard)
		if err != nil {
			return
		}
		if p := h.plan(); p.kind == asPNGData && (p.colors == 0 || p.depth == 0 || p.depth > 8) {
			t.Fatalf("pass-through plan %+v", p)
		}
	})
}
