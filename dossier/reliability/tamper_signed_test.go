package reliability

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/dossier-tool/dossier/dossier/verify"
)

// region is a span of a packet's bytes a reader cares about, to change byte by byte.
type region struct {
	what       string
	start, end int
}

var (
	pageObj    = regexp.MustCompile(`(?s)\n(\d+) 0 obj\s*<<\s*/Type /Page\b.*?/Contents (\d+) 0 R`)
	streamHead = `(?s)\n%s 0 obj\s*<<[^>]*?/Length (\d+)[^>]*>>\s*stream\r?\n`
	catalogObj = regexp.MustCompile(`(?s)\n\d+ 0 obj\s*<<\s*/Type /Catalog.*?endobj`)
	infoObj    = regexp.MustCompile(`(?s)\n\d+ 0 obj\s*<<\s*/Producer.*?endobj`)
)

// packetRegions finds every page's content stream, the catalog's versions, the information
// dictionary and the embedded files of a packet.
func packetRegions(t *testing.T, raw []byte) []region {
	t.Helper()
	var out []region
	for i, m := range pageObj.FindAllSubmatch(raw, -1) {
		re := regexp.MustCompile(fmt.Sprintf(streamHead, m[2]))
		loc := re.FindSubmatchIndex(raw)
		if loc == nil {
			t.Fatalf("page %d: content stream %s not found", i+1, m[2])
		}
		n, _ := strconv.Atoi(string(raw[loc[2]:loc[3]]))
		out = append(out, region{fmt.Sprintf("page %d content", i+1), loc[1], loc[1] + n})
	}
	for _, m := range catalogObj.FindAllIndex(raw, -1) {
		out = append(out, region{"catalog", m[0] + 1, m[1]})
	}
	for _, m := range infoObj.FindAllIndex(raw, -1) {
		out = append(out, region{"information dictionary", m[0] + 1, m[1]})
	}
	for _, m := range embeddedFile.FindAllSubmatchIndex(raw, -1) {
		end := bytes.Index(raw[m[1]:], []byte("endstream"))
		out = append(out, region{"attachment", m[1], m[1] + end})
	}
	return out
}

// regionClass groups alike regions: every page's content stream is checked by the same code, and
// so is every attachment.
func regionClass(r region) string {
	if strings.HasPrefix(r.what, "page ") {
		return "page"
	}
	return r.what
}

// flipPositions are the bytes of a region the matrix flips. Under the stress tag that is every
// byte. In the short form the first and the last region of each class get about 8 bytes spread
// over the region; a region between them gets its first byte, its last and one byte drawn at
// random from the rest, so every region is changed at its edges and every part of the packet
// gets changed somewhere.
func flipPositions(r region, member, members int, rng *rand.Rand) []int {
	step := max(1, (r.end-r.start)/8)
	switch {
	case stress:
		step = 1
	case member > 0 && member < members-1:
		if r.end-r.start <= 2 {
			step = 1
			break
		}
		return []int{r.start, r.start + 1 + rng.Intn(r.end-r.start-2), r.end - 1}
	}
	var out []int
	for at := r.start; at < r.end; at += step {
		out = append(out, at)
	}
	return out
}

// TestSignedPacketTamperMatrix changes a signed packet the way a forger or an accident would —
// every byte (sampled in `make test` by flipPositions, all under the stress tag) of every page's
// content stream, of every attachment, of the catalog and of the information dictionary, and
// appends updates —
// and requires verify to find every one (exit 3) while the untouched packet verifies clean.
func TestSignedPacketTamperMatrix(t *testing.T) {
	t.Parallel()
	caseDir := samplesCase(t)
	must(t, caseDir, "pdf", "--sign-time", "2025-04-15T20:30:00+08:00")
	path := filepath.Join(caseDir, "out", "packet.pdf")
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := verify.File(path); err != nil || !rep.OK() || rep.Signature == nil || !rep.Signature.Valid {
		t.Fatalf("the untouched packet does not verify: %v %+v", err, rep)
	}
	regions := packetRegions(t, orig)
	pages, attachments := 0, 0
	for _, r := range regions {
		switch r.what {
		case "attachment":
			attachments++
		case "catalog", "information dictionary":
		default:
			pages++
		}
	}
	if pages < 5 || attachments < 3 {
		t.Fatalf("found %d page streams and %d attachments; the fixture is too small to say anything", pages, attachments)
	}
	check := func(what string, data []byte) bool {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		rep, err := verify.File(path)
		if err != nil {
			t.Errorf("%s: verify failed instead of reporting: %v", what, err)
			return false
		}
		if rep.OK() {
			t.Errorf("%s: not detected", what)
			return false
		}
		return true
	}
	tried, caught := 0, 0
	rng := rand.New(rand.NewSource(seed(t)))
	classSize, member := map[string]int{}, make([]int, len(regions))
	for i, r := range regions {
		member[i] = classSize[regionClass(r)]
		classSize[regionClass(r)]++
	}
	for i, r := range regions {
		for _, at := range flipPositions(r, member[i], classSize[regionClass(r)], rng) {
			c := bytes.Clone(orig)
			c[at] ^= 0x20
			tried++
			if check(fmt.Sprintf("%s byte %d", r.what, at), c) {
				caught++
			}
		}
	}
	appends := []struct{ name, data string }{
		{"a new page object", "\n999 0 obj\n<< /Type /Page /Contents 998 0 R >>\nendobj\n"},
		{"a full incremental update", fmt.Sprintf("\n999 0 obj\n<< /Producer (forged) >>\nendobj\nxref\n999 1\n%010d 00000 n \ntrailer\n<< /Size 1000 /Info 999 0 R /Prev 0 >>\nstartxref\n%d\n%%%%EOF\n", len(orig)+1, len(orig)+40)},
		{"one byte", "x"},
	}
	for _, a := range appends {
		tried++
		if check("appended "+a.name, append(bytes.Clone(orig), a.data...)) {
			caught++
		}
	}
	if err := os.WriteFile(path, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	if rep, err := verify.File(path); err != nil || !rep.OK() {
		t.Fatalf("the restored packet does not verify: %v %+v", err, rep)
	}
	t.Logf("signed packet tamper matrix: %d of %d changes caught (%d page streams, %d attachments, catalog, info, appends)", caught, tried, pages, attachments)
}
