//go:build stress

package rararchive

import (
	"bytes"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// TestMemory measures the peak resident memory of reading hostile RAR archives, each in a
// process of its own: go test -tags stress -run 'TestMemory$' -v ./dossier/parse/rararchive/
func TestMemory(t *testing.T) {
	files := bills(t)
	cases := []struct {
		name string
		data []byte
	}{
		{"rar5 stored bills (baseline)", rar5(files...)},
		{"rar5 4 GiB window declared", rar5(files[1], rar5File{name: "big.bin", data: []byte{0, 1, 2, 3}, size: 8 << 30, comp: 3<<7 | 15<<10 | 1<<6, mtime: when})},
		{"rar4 PPMd model of 256 MiB", rar4("a.txt", append([]byte{0xa5, 0xff}, bytes.Repeat([]byte{0x55, 0xaa, 0x13, 0x77}, 1<<18)...), 64<<20, 0x35)},
	}
	for _, tc := range cases {
		file := t.TempDir() + "/x.rar"
		os.WriteFile(file, tc.data, 0o644)
		cmd := exec.Command(os.Args[0], "-test.run=TestMemoryChild", "-test.v")
		cmd.Env = append(os.Environ(), "RAR_MEMORY_FILE="+file)
		start := time.Now()
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("%s: %v\n%s", tc.name, err, out)
			continue
		}
		hwm := "?"
		if m := regexp.MustCompile(`peak RSS (\d+) kB`).FindSubmatch(out); m != nil {
			kb, _ := strconv.Atoi(string(m[1]))
			hwm = strconv.Itoa(kb >> 10)
		}
		t.Logf("%-32s peak RSS %4s MiB  %5.2fs", tc.name, hwm, time.Since(start).Seconds())
		if m := regexp.MustCompile(`(?m)^.*result: .*$`).Find(out); m != nil {
			t.Logf("    %s", bytes.TrimSpace(m))
		}
	}
}

func TestMemoryChild(t *testing.T) {
	file := os.Getenv("RAR_MEMORY_FILE")
	if file == "" {
		t.Skip("run by TestMemory")
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	res, _, err := run(t, data, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("result: %s %s", res.Summary.String(), warnings(res))
	status, _ := os.ReadFile("/proc/self/status")
	if m := regexp.MustCompile(`VmHWM:\s+(\d+) kB`).FindSubmatch(status); m != nil {
		t.Logf("peak RSS %s kB", m[1])
	}
}
