package ziparchive

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dossier-tool/dossier/dossier/internal/golden"
	"github.com/dossier-tool/dossier/dossier/internal/parsetest"
	"github.com/dossier-tool/dossier/dossier/parse"
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
	return parsetest.Archive(Parser{}, name, "application/zip", data, password)
}

func warnings(res *parse.Result) string { return parsetest.Warnings(res) }

func TestGolden(t *testing.T) {
	tests := []struct{ file, password string }{
		{"plain.zip", ""},
		{"zipcrypto.zip", "123456"},
		{"aes256.zip", "123456"},
		{"aes128.zip", "123456"},
		{"gbk_names.zip", ""},
		{"hostile.zip", ""},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data := readFixture(t, tt.file)
			if !(Parser{}).Detect(&parse.Sniff{Name: tt.file, Ext: ".zip", MIME: "application/zip", Head: data, Size: int64(len(data))}) {
				t.Fatal("not detected")
			}
			res, got, err := run(t, tt.file, data, tt.password)
			if err != nil {
				t.Fatal(err)
			}
			golden.CheckJSON(t, filepath.Join("testdata", strings.TrimSuffix(tt.file, ".zip")+".golden.json"), struct {
				Result  *parse.Result `json:"result"`
				Members []member      `json:"members"`
			}{res, got})
		})
	}
}

// TestEncryptedMembersAreTheOriginals checks that every way of encrypting gives back the bytes the
// unencrypted archive holds, and the files they were made from.
func TestEncryptedMembersAreTheOriginals(t *testing.T) {
	_, plain, err := run(t, "plain.zip", readFixture(t, "plain.zip"), "")
	if err != nil || len(plain) != 3 {
		t.Fatalf("plain: %v, %d members", err, len(plain))
	}
	bill, err := os.ReadFile("../alipay/testdata/2023.csv")
	if err != nil {
		t.Fatal(err)
	}
	if plain[0].Name != "导出/支付宝交易明细(20250101-20250415).csv" || !bytes.Equal(plain[0].Data, bill) {
		t.Fatalf("first member %q is not the bill", plain[0].Name)
	}
	for _, file := range []string{"zipcrypto.zip", "aes256.zip", "aes128.zip"} {
		t.Run(file, func(t *testing.T) {
			res, got, err := run(t, file, readFixture(t, file), "123456")
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(plain) {
				t.Fatalf("%d members, want %d; warnings %s", len(got), len(plain), warnings(res))
			}
			byName := map[string][]byte{}
			for _, m := range got {
				byName[m.Name] = m.Data
			}
			for _, p := range plain {
				if !bytes.Equal(byName[p.Name], p.Data) {
					t.Errorf("%s differs from the unencrypted archive's", p.Name)
				}
			}
		})
	}
}

func TestPasswords(t *testing.T) {
	for _, file := range []string{"zipcrypto.zip", "aes256.zip", "aes128.zip"} {
		for _, tc := range []struct{ name, password, want string }{
			{"missing", "", "password-protected"},
			{"wrong", "654321", "does not open"},
		} {
			t.Run(file+" "+tc.name, func(t *testing.T) {
				res, got, err := run(t, file, readFixture(t, file), tc.password)
				if err != nil {
					t.Fatal(err)
				}
				ws := warnings(res)
				if len(got) != 0 || !strings.Contains(ws, tc.want) || !strings.Contains(ws, "--password") || !strings.Contains(ws, "password:") {
					t.Fatalf("%d members extracted; warnings %s", len(got), ws)
				}
				if strings.Contains(ws, tc.password) && tc.password != "" {
					t.Errorf("the warning repeats the password: %s", ws)
				}
			})
		}
	}
}

func TestBomb(t *testing.T) {
	res, got, err := run(t, "bomb.zip", readFixture(t, "bomb.zip"), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 || !strings.Contains(warnings(res), "zip bomb") {
		t.Fatalf("%d members; warnings %s", len(got), warnings(res))
	}
}

// TestCut cuts an archive at several points: a zip whose central directory is lost is not
// readable as one (the caller keeps it as a document with the reason), never a panic.
func TestCut(t *testing.T) {
	data := readFixture(t, "zipcrypto.zip")
	for _, at := range []int{0, 22, len(data) / 3, len(data) / 2, len(data) - 30, len(data) - 1} {
		t.Run(fmt.Sprint(at), func(t *testing.T) {
			res, got, err := run(t, "x.zip", data[:at], "123456")
			if err == nil && len(got) > 3 {
				t.Fatalf("%d members from a cut archive; %s", len(got), warnings(res))
			}
			if err != nil && !strings.Contains(err.Error(), "x.zip") {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

// TestDamagedMember flips a byte inside an encrypted member: the member is refused, with a reason,
// and the others are still extracted.
func TestDamagedMember(t *testing.T) {
	for _, file := range []string{"zipcrypto.zip", "aes256.zip"} {
		t.Run(file, func(t *testing.T) {
			data := bytes.Clone(readFixture(t, file))
			i := bytes.Index(data, []byte("Screenshot_20250410-223105.png"))
			if i < 0 {
				t.Fatal("no screenshot member")
			}
			data[i+len("Screenshot_20250410-223105.png")+40] ^= 0xff
			res, got, err := run(t, file, data, "123456")
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 || !strings.Contains(warnings(res), "Screenshot") {
				t.Fatalf("%d members; warnings %s", len(got), warnings(res))
			}
		})
	}
}

func TestDeriveFailureIsNamed(t *testing.T) {
	data := readFixture(t, "plain.zip")
	in := &parse.Input{Name: "plain.zip", Size: int64(len(data)), Data: bytes.NewReader(data),
		Derive: func(parse.Embedded, io.Reader) (parse.Derived, error) {
			return parse.Derived{}, errors.New("disk full")
		}}
	res, err := Parser{}.Parse(in)
	if err != nil {
		t.Fatal(err)
	}
	if c := strings.Count(warnings(res), "disk full"); c != 3 {
		t.Fatalf("warnings %s", warnings(res))
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"plain.zip", "zipcrypto.zip", "aes256.zip", "gbk_names.zip", "hostile.zip"} {
		f.Add(readFixture(f, name))
	}
	for _, name := range []string{"plain.zip", "streamed.zip"} {
		d := readFixture(f, name)
		f.Add(d[:len(d)*2/3])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, _, err := run(t, "f.zip", data, "123456")
		if err == nil && res == nil {
			t.Fatal("nil result without an error")
		}
	})
}

// TestCutCentralDirectory: a zip whose end (the central directory) was lost, as in a download
// that did not finish, gives back its members from their local headers: every member before the
// cut exactly, the member the cut falls in with what could be read of it, and warnings that say
// the archive was cut and which members were recovered.
func TestCutCentralDirectory(t *testing.T) {
	for _, tc := range []struct{ file, password string }{{"plain.zip", ""}, {"streamed.zip", ""}, {"zipcrypto.zip", "123456"}} {
		data := readFixture(t, tc.file)
		_, whole, err := run(t, tc.file, data, tc.password)
		if err != nil || len(whole) != 3 {
			t.Fatalf("%s: %v, %d members", tc.file, err, len(whole))
		}
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		var files []*zip.File
		for _, f := range zr.File {
			if !strings.HasSuffix(f.Name, "/") {
				files = append(files, f)
			}
		}
		dataStart := func(i int) int {
			off, err := files[i].DataOffset()
			if err != nil {
				t.Fatal(err)
			}
			return int(off)
		}
		end := dataStart(2) + int(files[2].CompressedSize64)
		if files[2].Flags&0x8 != 0 {
			end += 16
		}
		cases := []struct {
			name      string
			at        int
			recovered int  // members whole
			partial   bool // plus the one the cut falls in
		}{
			{"at the central directory", end, 3, false},
			{"inside the central directory", end + 30, 3, false},
			{"inside the second member's data", dataStart(1) + int(files[1].CompressedSize64)/2, 1, true},
			{"inside the third member's header", dataStart(2) - 20, 2, false},
			{"inside the third member's data", dataStart(2) + int(files[2].CompressedSize64)/2, 2, true},
		}
		for _, c := range cases {
			t.Run(tc.file+" "+c.name, func(t *testing.T) {
				res, got, err := run(t, "x.zip", data[:c.at], tc.password)
				if err != nil {
					t.Fatal(err)
				}
				ws := warnings(res)
				want := c.recovered
				if c.partial {
					want++
				}
				if len(got) != want {
					t.Fatalf("%d members, want %d; warnings %s", len(got), want, ws)
				}
				for i, m := range got[:c.recovered] {
					if m.Name != whole[i].Name || !bytes.Equal(m.Data, whole[i].Data) || !m.ModTime.Equal(whole[i].ModTime) {
						t.Errorf("member %d = %s (%d bytes), want %s (%d bytes)", i, m.Name, m.Size, whole[i].Name, whole[i].Size)
					}
				}
				if !strings.HasPrefix(ws, "the archive is cut short") || !strings.Contains(ws, fmt.Sprintf("%d files were recovered", c.recovered)) || !strings.Contains(ws, whole[0].Name) {
					t.Errorf("warnings %s", ws)
				}
				if c.partial {
					last := got[len(got)-1]
					if last.Name != whole[c.recovered].Name || !bytes.HasPrefix(whole[c.recovered].Data, last.Data) || !strings.Contains(ws, "cut off by the end of the file") {
						t.Errorf("cut member %s (%d bytes); warnings %s", last.Name, last.Size, ws)
					}
				}
			})
		}
	}
}
