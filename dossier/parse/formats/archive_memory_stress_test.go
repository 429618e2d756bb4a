//go:build stress

package formats

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier/parse"
	"github.com/dossier-tool/dossier/dossier/parse/rararchive"
	"github.com/dossier-tool/dossier/dossier/parse/sevenz"
)

// TestArchiveMemory measures the peak resident memory of reading hostile archives, each in a
// process of its own: go test -tags stress -run TestArchiveMemory -v ./dossier/parse/formats/
// Members are read the way ingest reads them (stored, then parsed again when they are archives
// themselves), with the bytes discarded.
func TestArchiveMemory(t *testing.T) {
	if _, err := exec.LookPath("7z"); err != nil {
		t.Skip("7z (p7zip-full) is needed to build the archives")
	}
	dir := t.TempDir()
	build := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	sevenZip := func(name string, args ...string) []byte {
		out := filepath.Join(dir, name)
		cmd := exec.Command("7z", append([]string{"a", "-bd", "-bso0", out}, args...)...)
		cmd.Dir = dir
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("7z: %v %s", err, b)
		}
		b, _ := os.ReadFile(out)
		return b
	}
	os.WriteFile(filepath.Join(dir, "bill.csv"), bytes.Repeat([]byte("交易时间,金额\n"), 1000), 0o644)
	plain := sevenZip("plain.7z", "-m0=LZMA", "-mhc=off", "bill.csv")
	// 256 MiB of zeros through a real 64 MiB dictionary: the window is filled, every page touched.
	zeros := filepath.Join(dir, "zeros.bin")
	zf, err := os.Create(zeros)
	if err != nil {
		t.Fatal(err)
	}
	for range 256 {
		zf.Write(make([]byte, 1<<20))
	}
	zf.Close()
	full := sevenZip("full.7z", "-m0=LZMA:d=64m", "zeros.bin")
	os.Remove(zeros)
	// Twenty archives, each inside the next, each declaring a 64 MiB dictionary.
	nested := plain
	for i := range 20 {
		nested = setDict(nested, 64<<20)
		os.WriteFile(filepath.Join(dir, "inner.7z"), nested, 0o644)
		os.Remove(filepath.Join(dir, "outer.7z"))
		nested = sevenZip("outer.7z", "-m0=LZMA", "-mhc=off", "inner.7z")
		_ = i
	}
	nested = setDict(nested, 64<<20)
	cases := map[string]string{
		"7z baseline (small LZMA)":             build("plain.7z", plain),
		"7z 64 MiB dictionary, 256 MiB output": build("full.7z", full),
		"7z 4 GiB dictionary declared":         build("dict.7z", setDict(plain, 0xffffffff)),
		"7z 1 TiB header declared":             build("header.7z", setHeaderSize(plain, 1<<40)),
		"7z 2^31 files declared":               build("files.7z", forgeHeader(plain, []byte{1, 5, 0xf0, 0xff, 0xff, 0xff, 0x7f, 0, 0})),
		"7z nested 20 deep, 64 MiB each":       build("nested.7z", nested),
	}
	for name, file := range cases {
		cmd := exec.Command(os.Args[0], "-test.run=TestArchiveMemoryChild", "-test.v")
		cmd.Env = append(os.Environ(), "ARCHIVE_MEMORY_FILE="+file)
		start := time.Now()
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("%s: %v\n%s", name, err, out)
			continue
		}
		hwm := "?"
		if m := regexp.MustCompile(`peak RSS (\d+) kB`).FindSubmatch(out); m != nil {
			kb, _ := strconv.Atoi(string(m[1]))
			hwm = strconv.Itoa(kb >> 10)
		}
		t.Logf("%-40s peak RSS %4s MiB  %6.2fs", name, hwm, time.Since(start).Seconds())
		for _, line := range regexp.MustCompile(`(?m)^.*(depth \d+|archive,).*$`).FindAll(out, 4) {
			t.Logf("    %s", bytes.TrimSpace(line))
		}
	}
}

func TestArchiveMemoryChild(t *testing.T) {
	file := os.Getenv("ARCHIVE_MEMORY_FILE")
	if file == "" {
		t.Skip("run by TestArchiveMemory")
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	res := parseArchive(t, file, data, 0)
	t.Logf("%s: %s", res.Summary.String(), res.Warnings)
	status, _ := os.ReadFile("/proc/self/status")
	if m := regexp.MustCompile(`VmHWM:\s+(\d+) kB`).FindSubmatch(status); m != nil {
		t.Logf("peak RSS %s kB", m[1])
	}
}

func parseArchive(t *testing.T, name string, data []byte, depth int) *parse.Result {
	var p parse.Parser = sevenz.Parser{}
	if bytes.HasPrefix(data, []byte("Rar!")) {
		p = rararchive.Parser{}
	}
	in := &parse.Input{Name: filepath.Base(name), Size: int64(len(data)), Data: bytes.NewReader(data),
		Derive: func(e parse.Embedded, r io.Reader) (parse.Derived, error) {
			var b bytes.Buffer
			if _, err := io.Copy(&b, io.LimitReader(r, 1<<20)); err != nil {
				return parse.Derived{}, err
			}
			if _, err := io.Copy(io.Discard, r); err != nil {
				return parse.Derived{}, err
			}
			if depth < 16 && bytes.HasPrefix(b.Bytes(), []byte{'7', 'z', 0xbc, 0xaf}) {
				res := parseArchive(t, e.Name, b.Bytes(), depth+1)
				t.Logf("depth %d: %s %v", depth+1, res.Summary.String(), res.Warnings)
			}
			return parse.Derived{}, nil
		}}
	res, err := p.Parse(in)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func forgeHeader(data, header []byte) []byte {
	out := bytes.Clone(data)
	off := binary.LittleEndian.Uint64(out[12:])
	out = append(out[:32+off], header...)
	binary.LittleEndian.PutUint64(out[20:], uint64(len(header)))
	binary.LittleEndian.PutUint32(out[28:], crc32.ChecksumIEEE(header))
	binary.LittleEndian.PutUint32(out[8:], crc32.ChecksumIEEE(out[12:32]))
	return out
}

func setDict(data []byte, size uint32) []byte {
	off := binary.LittleEndian.Uint64(data[12:])
	n := binary.LittleEndian.Uint64(data[20:])
	h := bytes.Clone(data[32+off : 32+off+n])
	coder := []byte{0x23, 0x03, 0x01, 0x01, 0x05}
	for i := 0; ; {
		j := bytes.Index(h[i:], coder)
		if j < 0 {
			break
		}
		binary.LittleEndian.PutUint32(h[i+j+len(coder)+1:], size)
		i += j + len(coder)
	}
	return forgeHeader(data, h)
}

func setHeaderSize(data []byte, n uint64) []byte {
	out := bytes.Clone(data)
	binary.LittleEndian.PutUint64(out[20:], n)
	binary.LittleEndian.PutUint32(out[8:], crc32.ChecksumIEEE(out[12:32]))
	return out
}
