package pdfdoc_test

import (
	"fmt"
	"os"
	"time"

	"github.com/dossier-tool/dossier/dossier/parse/pdfdoc"
)

func ExampleRead() {
	f, err := os.Open("testdata/xref_stream.pdf")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		fmt.Println(err)
		return
	}
	shanghai := time.FixedZone("CST", 8*3600)
	info, err := pdfdoc.Read(f, st.Size(), shanghai)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(info.Pages, info.Title, info.Created.Format(time.RFC3339), info.Encrypted)
	// Output: 3 分期还款协议 2025-01-29T10:30:00+08:00 false
}
