package rararchive

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier/internal/golden"
	"github.com/dossier-tool/dossier/dossier/internal/parsetest"
	"github.com/dossier-tool/dossier/dossier/parse"
	"github.com/dossier-tool/dossier/dossier/parse/container"
)

// No free tool writes RAR, so the fixtures are built here byte by byte from RARLAB's format
// description (technote.htm for RAR 5, the RAR 2.9 notes for RAR 4): stored members, which is
// what WinRAR writes with -m0 and for files that do not compress (screenshots, recordings).

func vint(v uint64) []byte {
	var b []byte
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v != 0 {
			c |= 0x80
		}
		b = append(b, c)
		if v == 0 {
			return b
		}
	}
}

// rar5Block frames header fields (type first) and the data that follows the header.
func rar5Block(fields []byte, data []byte) []byte {
	size := vint(uint64(len(fields)))
	crc := crc32.ChecksumIEEE(append(append([]byte{}, size...), fields...))
	out := binary.LittleEndian.AppendUint32(nil, crc)
	out = append(append(out, size...), fields...)
	return append(out, data...)
}

type rar5File struct {
	name    string
	data    []byte
	dir     bool
	link    string // a Unix symbolic link to this target
	comp    uint64 // compression information; 0 is stored
	size    uint64 // declared unpacked size when not len(data)
	extra   []byte // extra records
	mtime   time.Time
	encrypt bool
}

func rar5(files ...rar5File) []byte {
	out := []byte("Rar!\x1a\x07\x01\x00")
	out = append(out, rar5Block(append(append(vint(1), vint(0)...), vint(0)...), nil)...) // main header
	for _, f := range files {
		flags := uint64(0x0002) // time
		if f.dir {
			flags |= 0x0001
		} else {
			flags |= 0x0004 // CRC
		}
		size := uint64(len(f.data))
		if f.size != 0 {
			size = f.size
		}
		extra := f.extra
		if f.link != "" {
			rec := append(append(append(vint(5), vint(1)...), vint(0)...), vint(uint64(len(f.link)))...)
			rec = append(rec, f.link...)
			extra = append(extra, append(vint(uint64(len(rec))), rec...)...)
		}
		if f.encrypt {
			rec := append(append(vint(1), vint(0)...), vint(0x0001)...) // AES-256, password check present
			rec = append(rec, 15)                                       // 2^15 rounds
			rec = append(rec, bytes.Repeat([]byte{7}, 16+16+12)...)     // salt, IV, check value
			extra = append(extra, append(vint(uint64(len(rec))), rec...)...)
		}
		hflags := uint64(0x0002)
		fields := vint(2)
		if len(extra) > 0 {
			hflags |= 0x0001
		}
		fields = append(fields, vint(hflags)...)
		if len(extra) > 0 {
			fields = append(fields, vint(uint64(len(extra)))...)
		}
		fields = append(fields, vint(uint64(len(f.data)))...)
		fields = append(fields, vint(flags)...)
		fields = append(fields, vint(size)...)
		fields = append(fields, vint(0o644)...)
		fields = binary.LittleEndian.AppendUint32(fields, uint32(f.mtime.Unix()))
		if !f.dir {
			fields = binary.LittleEndian.AppendUint32(fields, crc32.ChecksumIEEE(f.data))
		}
		fields = append(fields, vint(f.comp)...)
		fields = append(fields, vint(1)...) // Unix
		fields = append(fields, vint(uint64(len(f.name)))...)
		fields = append(fields, f.name...)
		fields = append(fields, extra...)
		out = append(out, rar5Block(fields, f.data)...)
	}
	return append(out, rar5Block(append(append(vint(5), vint(0)...), vint(0)...), nil)...)
}

// rar4 writes a RAR 1.5–4 archive of one member whose packed data is given as it is.
func rar4(name string, packed []byte, unpacked uint32, method byte) []byte {
	out := []byte("Rar!\x1a\x07\x00")
	arc := []byte{0x73, 0, 0, 13, 0, 0, 0, 0, 0, 0, 0}
	out = append(binary.LittleEndian.AppendUint16(out, uint16(crc32.ChecksumIEEE(arc))), arc...)
	h := []byte{0x74}
	h = binary.LittleEndian.AppendUint16(h, 0x8000)
	h = binary.LittleEndian.AppendUint16(h, uint16(32+len(name)))
	h = binary.LittleEndian.AppendUint32(h, uint32(len(packed)))
	h = binary.LittleEndian.AppendUint32(h, unpacked)
	h = append(h, 3) // Unix
	h = binary.LittleEndian.AppendUint32(h, 0)
	h = binary.LittleEndian.AppendUint32(h, 0x5a8f6000) // 2025-04-15 12:00:00 DOS time
	h = append(h, 29, method)
	h = binary.LittleEndian.AppendUint16(h, uint16(len(name)))
	h = binary.LittleEndian.AppendUint32(h, 0o100644<<16)
	h = append(h, name...)
	out = append(binary.LittleEndian.AppendUint16(out, uint16(crc32.ChecksumIEEE(h))), h...)
	out = append(out, packed...)
	end := []byte{0x7b, 0, 0x40, 7, 0}
	return append(binary.LittleEndian.AppendUint16(out, uint16(crc32.ChecksumIEEE(end))), end...)
}

type member = parsetest.Member

func run(t testing.TB, data []byte, password string) (*parse.Result, []member, error) {
	return parsetest.Archive(Parser{}, "x.rar", "application/x-rar-compressed", data, password)
}

func warnings(res *parse.Result) string { return parsetest.Warnings(res) }

var when = time.Date(2025, 4, 15, 4, 0, 0, 0, time.UTC)

func bills(t testing.TB) []rar5File {
	bill, err := os.ReadFile("../alipay/testdata/2023.csv")
	if err != nil {
		t.Fatal(err)
	}
	return []rar5File{
		{name: "导出", dir: true, mtime: when},
		{name: "导出/支付宝交易明细(20250101-20250415).csv", data: bill, mtime: when},
		{name: "导出/说明.txt", data: []byte("请于本周内还款。\n"), mtime: when},
	}
}

func TestMembers(t *testing.T) {
	files := bills(t)
	files = append(files, rar5File{name: "导出/link", link: "/etc/passwd", mtime: when}, rar5File{name: "../../evil.txt", data: []byte("climbs\n"), mtime: when})
	data := rar5(files...)
	if !(Parser{}).Detect(&parse.Sniff{Head: data}) {
		t.Fatal("not detected")
	}
	res, got, err := run(t, data, "")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range got {
		names = append(names, m.Name)
		if !m.ModTime.Equal(when) {
			t.Errorf("%s: mod time %v", m.Name, m.ModTime)
		}
	}
	if strings.Join(names, "|") != "导出/支付宝交易明细(20250101-20250415).csv|导出/说明.txt|evil.txt" || !bytes.Equal(got[0].Data, files[1].data) {
		t.Errorf("members %v", names)
	}
	ws := warnings(res)
	for _, want := range []string{"a symbolic link; not followed", "reaches outside the archive"} {
		if !strings.Contains(ws, want) {
			t.Errorf("warnings %s lack %q", ws, want)
		}
	}
	if res.Summary.String() != "rar archive, 3 files" {
		t.Errorf("summary %q", res.Summary.String())
	}
}

func TestEncrypted(t *testing.T) {
	data := rar5(rar5File{name: "账单.csv", data: bytes.Repeat([]byte{1}, 32), mtime: when, encrypt: true})
	for _, tc := range []struct{ password, want string }{{"", "password-protected"}, {"654321", "does not open"}} {
		t.Run("password "+tc.password, func(t *testing.T) {
			res, got, err := run(t, data, tc.password)
			if err != nil {
				t.Fatal(err)
			}
			if ws := warnings(res); len(got) != 0 || !strings.Contains(ws, tc.want) || !strings.Contains(ws, "--password") {
				t.Fatalf("%d members; warnings %s", len(got), ws)
			}
		})
	}
}

// TestHostile: a window larger than the cap is refused before anything is allocated; a cut
// archive keeps the members before the cut.
func TestHostile(t *testing.T) {
	files := bills(t)
	huge := rar5File{name: "big.bin", data: []byte{0, 1, 2, 3}, size: 8 << 30, comp: 3<<7 | 15<<10 | 1<<6, mtime: when} // LZ, solid, 4 GiB window
	t.Run("window", func(t *testing.T) {
		res, got, err := run(t, rar5(files[0], files[1], huge, files[2]), "")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || !strings.Contains(warnings(res), "decoding window larger than the 64 MiB allowed") {
			t.Fatalf("%d members; warnings %s", len(got), warnings(res))
		}
	})
	whole := rar5(files...)
	for _, at := range []int{7, 20, len(whole) / 3, len(whole) / 2, len(whole) - 10} {
		t.Run(fmt.Sprint("cut at ", at), func(t *testing.T) {
			res, got, err := run(t, whole[:at], "")
			if err != nil {
				return
			}
			if len(got) > 2 {
				t.Fatalf("%d members from a cut archive; %s", len(got), warnings(res))
			}
			for _, m := range got {
				for _, f := range files {
					if f.name == m.Name && !bytes.Equal(f.data, m.Data) {
						t.Errorf("%s differs", m.Name)
					}
				}
			}
		})
	}
	t.Run("RAR 4 PPMd of 256 MiB", func(t *testing.T) {
		packed := append([]byte{0xa5, 0xff}, bytes.Repeat([]byte{0x55}, 64)...)
		res, got, err := run(t, rar4("a.txt", packed, 1<<20, 0x35), "")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 0 || !strings.Contains(warnings(res), "not extracted") {
			t.Fatalf("%d members; warnings %s", len(got), warnings(res))
		}
	})
	t.Run("budget taken", func(t *testing.T) {
		release, ok := container.Reserve(container.MaxDecoderMemory - 10<<20)
		if !ok {
			t.Fatal("budget taken before the test")
		}
		defer release()
		res, got, err := run(t, whole, "")
		if err != nil || len(got) != 0 || !strings.Contains(warnings(res), "memory allowed") {
			t.Fatalf("%v, %d members; warnings %s", err, len(got), warnings(res))
		}
	})
}

func FuzzParse(f *testing.F) {
	f.Add(rar5(bills(f)...))
	f.Add(rar4("a.txt", []byte("stored data"), 11, 0x30))
	f.Fuzz(func(t *testing.T, data []byte) {
		in := &parse.Input{Name: "f.rar", Size: int64(len(data)), Data: bytes.NewReader(data), Password: "123456",
			Derive: func(e parse.Embedded, r io.Reader) (parse.Derived, error) {
				_, err := io.Copy(io.Discard, io.LimitReader(r, 1<<20))
				return parse.Derived{}, err
			}}
		res, err := Parser{}.Parse(in)
		if err == nil && res == nil {
			t.Fatal("nil result without an error")
		}
	})
}

// TestFixture keeps testdata/bills.rar, which the command-line tests add, equal to what the
// writer above builds (go test -update rewrites it).
func TestFixture(t *testing.T) {
	golden.Check(t, "testdata/bills.rar", rar5(bills(t)...))
}
