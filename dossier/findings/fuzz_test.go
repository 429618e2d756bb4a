package findings

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/money"
)

// fuzzEvents turns bytes into a timeline: the first bytes pick the quiet window and thresholds,
// then each 8-byte record is one event (time offset, channel, direction, counterpart, status,
// holder, amount) over the sample case's numbers, so the rules actually fire.
func fuzzEvents(data []byte) (edits []string, evs []event.Event) {
	if len(data) >= 4 {
		edits = []string{
			`quiet_start: "22:00", quiet_end: "08:00", max_unanswered_per_day: 6, max_connected_per_day: 3`,
			fmt.Sprintf(`quiet_start: "%02d:%02d", quiet_end: "%02d:00", max_unanswered_per_day: %d, max_connected_per_day: %d`,
				data[0]%24, data[1]%60, data[2]%24, data[3]%8, data[3]/32),
		}
		data = data[4:]
	}
	channels := []event.Channel{event.Call, event.SMS, event.MMS, event.Chat, event.Email, event.Recording, event.Payment, event.Screenshot, "bogus"}
	directions := []event.Direction{event.In, event.Out, event.None}
	parties := []string{collector1, collector2, creditor, wechatColl, mailColl, spouse, friend, self, "", "13600000000", "花呗", "借呗"}
	statuses := []string{event.StatusMissed, event.StatusAnswered, event.StatusRejected, event.StatusBlocked, event.StatusVoicemail, "还款成功", ""}
	holders := [][2]string{{"", ""}, {"李四", HolderFamily}, {"王五", HolderThirdParty}, {"张三", "self"}}
	base := time.Date(2025, 1, 20, 0, 0, 0, 0, time.UTC)
	for len(data) >= 8 {
		rec := data[:8]
		data = data[8:]
		e := event.Event{
			Time:        base.Add(time.Duration(binary.BigEndian.Uint16(rec[0:2])) * 4 * time.Minute),
			Channel:     channels[int(rec[2])%len(channels)],
			Direction:   directions[int(rec[3])%len(directions)],
			Counterpart: parties[int(rec[4])%len(parties)],
			Status:      statuses[int(rec[5])%len(statuses)],
			Exhibit:     int(rec[6] % 9),
			Exhibits:    []int{int(rec[6] % 9), int(rec[7] % 5)},
		}
		if rec[5]&0x80 != 0 {
			e.Duration = event.Seconds(int64(rec[7]) - 20)
		}
		if e.Channel == event.Payment {
			e.Kind = event.KindRepayment
			a := money.Amount(int64(int8(rec[7])) * 5000)
			e.Amount = &a
		}
		h := holders[int(rec[6]>>4)%len(holders)]
		e.Holder, e.HolderRole = h[0], h[1]
		if rec[0]&0x80 != 0 {
			e.Time = time.Time{} // an event with no known time
		}
		evs = append(evs, e)
	}
	return edits, sorted(evs...)
}

func FuzzEvaluate(f *testing.F) {
	f.Add([]byte{22, 0, 8, 6})
	f.Add([]byte{13, 0, 14, 0x66, 0, 10, 0, 0, 0, 0, 1, 1, 0, 11, 0, 0, 0, 0, 1, 1})
	f.Add(bytes.Repeat([]byte{0, 7, 0, 0, 0, 0, 1, 0}, 12))
	f.Add(bytes.Repeat([]byte{1, 2, 6, 1, 10, 6, 7, 200}, 6))
	f.Fuzz(func(t *testing.T, data []byte) {
		edits, evs := fuzzEvents(data)
		c := newCase(t, edits...)
		r := Evaluate(c, evs, now)
		sum := 0
		for _, n := range r.Totals {
			sum += n
		}
		if sum != len(r.Findings) {
			t.Fatalf("totals add up to %d, %d findings", sum, len(r.Findings))
		}
		ids := map[string]bool{}
		for _, fd := range r.Findings {
			if ids[fd.ID] || fd.Message == "" || fd.Source == "" {
				t.Fatalf("finding %+v: duplicate id or missing message/source", fd)
			}
			ids[fd.ID] = true
			if fd.Rule != RuleMissedInstallment && len(fd.Events) == 0 {
				t.Fatalf("finding %+v cites no event", fd)
			}
			if fd.Threshold > 0 && fd.Count <= fd.Threshold {
				t.Fatalf("finding %+v: count not above threshold", fd)
			}
		}
		limit := money.MustParse("200.00") // the case.yaml payment
		for _, e := range evs {
			if e.Kind == event.KindRepayment && e.Amount != nil {
				limit += max(*e.Amount, -*e.Amount)
			}
		}
		var paid money.Amount
		for _, row := range r.Schedule {
			if row.Paid > row.Amount || row.PaidByDue > row.Paid || row.Paid < 0 {
				t.Fatalf("row %+v: impossible amounts", row)
			}
			paid += row.Paid
		}
		if paid > limit {
			t.Fatalf("schedule applies %s, more than the %s paid", paid, limit)
		}
		if err := WriteText(io.Discard, r, c); err != nil {
			t.Fatal(err)
		}
		if err := WriteJSON(io.Discard, r); err != nil {
			t.Fatal(err)
		}
	})
}
