package smsbackup

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync"
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier/parse"
)

// writeExport writes an sms.xml in the app's structure: nSMS messages, then nMMS picture
// messages carrying partSize random bytes each. It returns the SHA-256 of the last picture.
func writeExport(w io.Writer, nSMS, nMMS, partSize int) ([32]byte, error) {
	bw := bufio.NewWriterSize(w, 1<<20)
	fmt.Fprintf(bw, "%s<!--File Created By SMS Backup & Restore v10.22.002-->\n<smses count=\"%d\" backup_set=\"x\" backup_date=\"1744689600000\" type=\"full\">\n", decl, nSMS+nMMS)
	base := int64(1737335700000)
	for i := range nSMS {
		fmt.Fprintf(bw, `  <sms protocol="0" address="159%08d" date="%d" type="%d" subject="null" body="第%d条：您的花呗账单已逾期，请尽快还款，否则将联系您的家人。" toa="null" sc_toa="null" service_center="+8613800100500" read="1" status="-1" locked="0" date_sent="%d" sub_id="1" readable_date="2025年1月20日 09:15:00" contact_name="(Unknown)" />`+"\n",
			i%1000, base+int64(i)*1000, 1+i%2, i, base+int64(i)*1000-3000)
	}
	rng := rand.New(rand.NewChaCha8([32]byte{1}))
	var sum [32]byte
	part := make([]byte, partSize)
	for i := range nMMS {
		fmt.Fprintf(bw, `  <mms date="%d" rr="129" sub="null" ct_t="application/vnd.wap.multipart.related" msg_box="1" address="17700002222" text_only="0" date_sent="%d" m_type="132" readable_date="2025年2月20日 19:30:00" contact_name="(Unknown)">`+"\n    <parts>\n",
			base+int64(i)*60000, (base+int64(i)*60000)/1000)
		fmt.Fprintf(bw, `      <part seq="-1" ct="application/smil" name="null" cl="smil.xml" text="&lt;smil&gt;&lt;/smil&gt;" />`+"\n")
		fmt.Fprintf(bw, `      <part seq="0" ct="text/plain" name="null" chset="106" cl="text_0.txt" text="图片%d" />`+"\n", i)
		fmt.Fprintf(bw, `      <part seq="0" ct="image/jpeg" name="IMG_%d.jpg" cl="IMG_%d.jpg" text="null" data="`, i, i)
		for j := range part {
			part[j] = byte(rng.Uint32())
		}
		sum = sha256.Sum256(part)
		enc := base64.NewEncoder(base64.StdEncoding, bw)
		enc.Write(part)
		enc.Close()
		fmt.Fprintf(bw, "\" />\n    </parts>\n    <addrs>\n      <addr address=\"17700002222\" type=\"137\" charset=\"106\" />\n    </addrs>\n  </mms>\n")
	}
	fmt.Fprintf(bw, "</smses>\n")
	return sum, bw.Flush()
}

// hashingDerive stands in for the store without keeping the bytes.
type hashingDerive struct {
	n    int
	size int64
	last [32]byte
}

func (h *hashingDerive) derive(e parse.Embedded, r io.Reader) (parse.Derived, error) {
	hash := sha256.New()
	n, err := io.Copy(hash, r)
	if err != nil {
		return parse.Derived{}, err
	}
	h.n++
	h.size += n
	copy(h.last[:], hash.Sum(nil))
	return parse.Derived{Exhibit: h.n, Name: e.Name}, nil
}

// TestLargeExportMemory parses a ~50 MB export whose bulk is one 36 MB picture (48 MB of base64
// in one attribute) and checks that the heap never grows anywhere near the attribute's size: a
// parser that let encoding/xml build the attribute would hold at least 48 MB.
func TestLargeExportMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 50 MB file")
	}
	path := filepath.Join(t.TempDir(), "sms-20250415120000.xml")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	want, err := writeExport(f, 5000, 1, 36<<20)
	if err == nil {
		err = f.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	f, err = os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}

	defer debug.SetGCPercent(debug.SetGCPercent(10))
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	baseline := ms.HeapInuse

	var peak uint64
	var mu sync.Mutex
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		var s runtime.MemStats
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				runtime.ReadMemStats(&s)
				mu.Lock()
				peak = max(peak, s.HeapInuse)
				mu.Unlock()
			}
		}
	})
	h := &hashingDerive{}
	res, err := Messages.Parse(&parse.Input{Name: filepath.Base(path), Size: st.Size(), Data: f, Zone: shanghai, Derive: h.derive})
	close(done)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Events) != 5001 || len(res.Warnings) != 0 || h.n != 1 || h.size != 36<<20 || h.last != want {
		t.Fatalf("%d events, warnings %v, %d parts of %d bytes, hash match %v", len(res.Events), res.Warnings, h.n, h.size, h.last == want)
	}
	growth := int64(peak) - int64(baseline)
	t.Logf("file %.1f MB, heap in use grew by at most %.1f MB", float64(st.Size())/(1<<20), float64(growth)/(1<<20))
	if growth > 16<<20 {
		t.Errorf("heap in use grew by %d MB while parsing", growth>>20)
	}
}

var benchExport struct {
	once sync.Once
	data []byte
	err  error
}

// BenchmarkParseSMS parses an export of 200,000 messages: 190,000 SMS and 10,000 MMS with a
// 4 KB picture each.
func BenchmarkParseSMS(b *testing.B) {
	benchExport.once.Do(func() {
		var buf bytes.Buffer
		_, benchExport.err = writeExport(&buf, 190000, 10000, 4<<10)
		benchExport.data = buf.Bytes()
	})
	if benchExport.err != nil {
		b.Fatal(benchExport.err)
	}
	data := benchExport.data
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		h := &hashingDerive{}
		res, err := Messages.Parse(&parse.Input{Name: "sms.xml", Size: int64(len(data)), Data: bytes.NewReader(data), Zone: shanghai, Derive: h.derive})
		if err != nil || len(res.Events) != 200000 || h.n != 10000 {
			b.Fatalf("err %v, %d events, %d parts", err, len(res.Events), h.n)
		}
	}
}
