package dossier

import (
	"math"
	"runtime/debug"
	"testing"

	"github.com/dossier-tool/dossier/dossier/evidence"
)

// A large timeline gets the tighter collector and a soft memory limit that grows with it; a
// small one keeps the defaults, and a limit or GOGC the user set lower stays.
func TestTightenGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	tests := []struct {
		name                 string
		events               []int
		userPercent          int
		userLimit, wantLimit int64
		wantPercent          int
	}{
		{"small case keeps the defaults", []int{200_000, 50_000}, 100, math.MaxInt64, math.MaxInt64, 100},
		{"just past the threshold gets the floor", []int{250_001}, 100, math.MaxInt64, memLimitFloor, gcPercent},
		{"a million events", []int{600_000, 400_000}, 100, math.MaxInt64, 1_000_000 * memLimitPerEvent, gcPercent},
		{"four million events", []int{4_000_000}, 100, math.MaxInt64, 4_000_000 * memLimitPerEvent, gcPercent},
		{"the user's lower limit and GOGC stay", []int{1_000_000}, 20, 100 << 20, 100 << 20, 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			debug.SetGCPercent(tt.userPercent)
			debug.SetMemoryLimit(tt.userLimit)
			var items []evidence.Item
			for _, n := range tt.events {
				items = append(items, evidence.Item{Events: n})
			}
			tightenGC(items)
			if got := debug.SetMemoryLimit(-1); got != tt.wantLimit {
				t.Errorf("memory limit %d, want %d", got, tt.wantLimit)
			}
			if got := debug.SetGCPercent(tt.userPercent); got != tt.wantPercent {
				t.Errorf("GOGC %d, want %d", got, tt.wantPercent)
			}
		})
	}
}
