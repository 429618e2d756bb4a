package sevenz

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dossier-tool/dossier/dossier/internal/golden"
	"github.com/dossier-tool/dossier/dossier/internal/parsetest"
	"github.com/dossier-tool/dossier/dossier/parse"
	"github.com/dossier-tool/dossier/dossier/parse/container"
)

type member = parsetest.Member

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func run(t testing.TB, name string, data []byte, password string) (*parse.Result, []member, error) {
	return parsetest.Archive(Parser{}, name, "application/x-7z-compressed", data, password)
}

func warnings(res *parse.Result) string { return parsetest.Warnings(res) }

func TestGolden(t *testing.T) {
	tests := []struct{ file, password string }{
		{"plain.7z", ""},
		{"lzma_rawheader.7z", ""},
		{"ppmd.7z", ""},
		{"aes.7z", "123456"},
		{"aes_names.7z", "123456"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data := readFixture(t, tt.file)
			if !(Parser{}).Detect(&parse.Sniff{Name: tt.file, Ext: ".7z", Head: data, Size: int64(len(data))}) {
				t.Fatal("not detected")
			}
			res, got, err := run(t, tt.file, data, tt.password)
			if err != nil {
				t.Fatal(err)
			}
			golden.CheckJSON(t, filepath.Join("testdata", strings.TrimSuffix(tt.file, ".7z")+".golden.json"), struct {
				Result  *parse.Result `json:"result"`
				Members []member      `json:"members"`
			}{res, got})
		})
	}
}

// TestMembersAreTheOriginals: every method gives back the files the archives were made from.
func TestMembersAreTheOriginals(t *testing.T) {
	bill, err := os.ReadFile("../alipay/testdata/2023.csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ file, password string }{{"plain.7z", ""}, {"lzma_rawheader.7z", ""}, {"ppmd.7z", ""}, {"aes.7z", "123456"}, {"aes_names.7z", "123456"}} {
		t.Run(tt.file, func(t *testing.T) {
			res, got, err := run(t, tt.file, readFixture(t, tt.file), tt.password)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 3 || len(res.Warnings) != 0 {
				t.Fatalf("%d members; warnings %s", len(got), warnings(res))
			}
			found := false
			for _, m := range got {
				if m.Name == "导出/支付宝交易明细(20250101-20250415).csv" {
					found = bytes.Equal(m.Data, bill)
				}
			}
			if !found {
				t.Errorf("the bill is not among %v, or differs", got)
			}
		})
	}
}

func TestPasswords(t *testing.T) {
	for _, file := range []string{"aes.7z", "aes_names.7z"} {
		for _, tc := range []struct{ name, password, want string }{
			{"missing", "", "password"},
			{"wrong", "654321", "does not open"},
		} {
			t.Run(file+" "+tc.name, func(t *testing.T) {
				res, got, err := run(t, file, readFixture(t, file), tc.password)
				if err != nil {
					t.Fatal(err)
				}
				ws := warnings(res)
				if len(got) != 0 || !strings.Contains(ws, tc.want) || !strings.Contains(ws, "--password") {
					t.Fatalf("%d members extracted; warnings %s", len(got), ws)
				}
				if tc.password != "" && strings.Contains(ws, tc.password) {
					t.Errorf("the warning repeats the password: %s", ws)
				}
			})
		}
	}
}

// forge rewrites the unpacked header of a real archive and fixes both checksums, so that only
// the declared value under test is hostile.
func forge(t *testing.T, data []byte, edit func(header []byte) []byte) []byte {
	t.Helper()
	out := bytes.Clone(data)
	off := binary.LittleEndian.Uint64(out[12:])
	n := binary.LittleEndian.Uint64(out[20:])
	header := edit(bytes.Clone(out[32+off : 32+off+n]))
	out = append(out[:32+off], header...)
	binary.LittleEndian.PutUint64(out[20:], uint64(len(header)))
	binary.LittleEndian.PutUint32(out[28:], crc32.ChecksumIEEE(header))
	binary.LittleEndian.PutUint32(out[8:], crc32.ChecksumIEEE(out[12:32]))
	return out
}

var lzmaCoder = []byte{0x23, 0x03, 0x01, 0x01, 0x05}

func setDictionaries(size uint32) func([]byte) []byte {
	return func(h []byte) []byte {
		for i := 0; ; {
			j := bytes.Index(h[i:], lzmaCoder)
			if j < 0 {
				return h
			}
			binary.LittleEndian.PutUint32(h[i+j+len(lzmaCoder)+1:], size)
			i += j + len(lzmaCoder)
		}
	}
}

// TestHostile: archives that declare sizes or methods whose memory the library would take
// without bound are kept whole with a warning, and nothing reaches the library.
func TestHostile(t *testing.T) {
	raw := readFixture(t, "lzma_rawheader.7z")
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"4 GiB LZMA dictionary", forge(t, raw, setDictionaries(0xffffffff)), "LZMA dictionary of 4294967295 bytes"},
		{"huge file count", forge(t, raw, func(h []byte) []byte {
			return []byte{idHeader, idFilesInfo, 0xf0, 0xff, 0xff, 0xff, 0x7f, idEnd, idEnd}
		}), "declares 2147483647 files"},
		{"zstd", forge(t, raw, func(h []byte) []byte {
			i := bytes.Index(h, lzmaCoder)
			// same length: a 4-byte id with 5 property bytes becomes zstd's
			return append(append(append([]byte{}, h[:i]...), 0x24, 0x04, 0xf7, 0x11, 0x01, 0x05), h[i+len(lzmaCoder):]...)
		}), "compression method 04f71101"},
		{"huge header", func() []byte {
			d := bytes.Clone(raw)
			binary.LittleEndian.PutUint64(d[20:], 1<<40)
			binary.LittleEndian.PutUint32(d[8:], crc32.ChecksumIEEE(d[12:32]))
			return d
		}(), "header declares 1099511627776 bytes"},
		{"a billion coders", forge(t, raw, func(h []byte) []byte {
			i := bytes.Index(h, []byte{idFolder})
			return append(append(append([]byte{}, h[:i+3]...), 0xe0, 0xff, 0xff, 0xff), h[i+4:]...)
		}), "coders in one folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, got, err := run(t, "x.7z", tt.data, "")
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 0 || !strings.Contains(warnings(res), tt.want) || !strings.Contains(warnings(res), "kept whole") {
				t.Fatalf("%d members; warnings %s", len(got), warnings(res))
			}
		})
	}
}

// TestNestedBudget: the decoder memory of archives read one inside the other is reserved from one
// budget; an archive that would take it past the budget is kept whole, with a warning.
func TestNestedBudget(t *testing.T) {
	big := forge(t, readFixture(t, "lzma_rawheader.7z"), setDictionaries(container.MaxDictionary))
	release, ok := container.Reserve(container.MaxDecoderMemory - 10<<20)
	if !ok {
		t.Fatal("budget taken before the test")
	}
	res, got, err := run(t, "x.7z", big, "")
	release()
	// A packed header is not unpacked either when its decoder (4 MiB of buffers and a small
	// dictionary) does not fit.
	release, _ = container.Reserve(container.MaxDecoderMemory - 2<<20)
	packed := readFixture(t, "plain.7z")
	if _, err := inspect(bytes.NewReader(packed), int64(len(packed)), ""); !errors.Is(err, errMemory) {
		t.Errorf("packed header unpacked past the budget: %v", err)
	}
	release()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 || !strings.Contains(warnings(res), "memory allowed") {
		t.Fatalf("%d members; warnings %s", len(got), warnings(res))
	}
	// With the budget free the same archive opens: a dictionary larger than the data decodes.
	if _, got, _ := run(t, "x.7z", big, ""); len(got) != 3 {
		t.Fatalf("%d members with the budget free", len(got))
	}
}

// TestCut cuts archives at several points: never a panic, never a member the whole archive does
// not have, and a message that names the cut.
func TestCut(t *testing.T) {
	for _, file := range []string{"plain.7z", "lzma_rawheader.7z"} {
		data := readFixture(t, file)
		for _, at := range []int{0, 20, 32, len(data) / 3, len(data) / 2, len(data) - 30, len(data) - 1} {
			t.Run(fmt.Sprint(file, at), func(t *testing.T) {
				res, got, err := run(t, "x.7z", data[:at], "")
				if err != nil {
					if !strings.Contains(err.Error(), "x.7z") {
						t.Errorf("error %q does not name the file", err)
					}
					return
				}
				if len(got) > 3 {
					t.Fatalf("%d members from a cut archive; %s", len(got), warnings(res))
				}
			})
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"plain.7z", "lzma_rawheader.7z", "ppmd.7z", "aes.7z", "aes_names.7z"} {
		f.Add(readFixture(f, name))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// Derive reads a little of each member: the caps on what a member may inflate to are
		// tested elsewhere, and fuzzing must stay fast.
		in := &parse.Input{Name: "f.7z", Size: int64(len(data)), Data: bytes.NewReader(data), Password: "123456",
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

// TestHostileFixture keeps testdata/hostile_dict.7z, which the command-line tests add, equal to
// the real archive with its dictionaries declared as 4 GiB (go test -update rewrites it).
func TestHostileFixture(t *testing.T) {
	golden.Check(t, "testdata/hostile_dict.7z", forge(t, readFixture(t, "lzma_rawheader.7z"), setDictionaries(0xffffffff)))
}
