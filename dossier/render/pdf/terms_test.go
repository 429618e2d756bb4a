package pdf

import (
	"strings"
	"testing"

	"github.com/dossier-tool/dossier/dossier/event"
)

// A Chinese packet once printed finding ids (night-contact-1), MIME types (application/pdf),
// parsers' part markers ([image/png: 证据3]) and bare file names as titles.
func TestChinesePacketSpeaksChinese(t *testing.T) {
	fx := newFixture(t)
	fx.bundle.Items[0].Title = "" // calls.xml, a call log
	fx.bundle.Events = append(fx.bundle.Events, event.Event{Time: at("2025-02-16 10:00"), Channel: event.MMS, Direction: event.In,
		Counterpart: "15900001111", Role: "collector", Exhibit: 2, Text: "请看附件 [image/png: 证据3]"})
	sortEvents(fx.bundle.Events)
	for _, tc := range []struct {
		lang       string
		want, gone []string
	}{
		{"zh", []string{"[图片：证据3]", "违规一·1", "通话记录 calls.xml", "PDF 文档"},
			[]string{"night-contact-1", "application/pdf", "image/png", "[image/png"}},
		{"en", []string{"[image: 证据3]", "PDF document", "Breach 1.1"}, []string{"application/pdf", "[image/png"}},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			text := squeeze(pdftotext(t, writeTemp(t, render(t, fx, Options{Lang: tc.lang})), 0, 0, false))
			for _, s := range tc.want {
				if !strings.Contains(text, squeeze(s)) {
					t.Errorf("%q not in the packet", s)
				}
			}
			for _, s := range tc.gone {
				if strings.Contains(text, squeeze(s)) {
					t.Errorf("%q still in the packet", s)
				}
			}
		})
	}
}
