package pdf

import (
	"bufio"
	"compress/zlib"
	"errors"
	"fmt"
	"image"
	"io"

	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/parse/pdfdoc"
)

// A PNG that cannot go in as it is — 16 bits per sample, or an alpha channel — is converted as a
// stream rather than decoded whole: its IDAT data is inflated and unfiltered one row at a time,
// and each row written as 8-bit samples, the colour in one pass over the file and the alpha
// channel (the soft mask) in another. Two rows are held, whatever the canvas: a 4096×4096
// 16-bit RGBA image (134 MB decoded) costs 64 KB. Interlaced files and palettes with
// transparency are rare in screenshots and are still decoded, within MaxDecodeBytes.

// asPNGRows is how such a PNG goes into the PDF.
const asPNGRows imageKind = asDecoded + 1

// MaxDecodeBytes caps the memory of an image that must be decoded whole (width × height × the
// bytes the decoder keeps per pixel); a larger one is listed with a page saying why.
const MaxDecodeBytes = 64 << 20

// rowsPlan says whether a PNG can be converted row by row: not interlaced, no tRNS chunk, grey
// or RGB with or without alpha.
func (h *pngHeader) rowsPlan(p *imagePlan) {
	if h.interlaced || h.transparency || h.colorType == 3 {
		return
	}
	p.kind = asPNGRows
	p.pngColorType, p.depth = h.colorType, int(h.depth)
	p.colors = 3
	if h.colorType == 0 || h.colorType == 4 {
		p.colors = 1
	}
	p.colorSpace = "/DeviceRGB"
	if p.colors == 1 {
		p.colorSpace = "/DeviceGray"
	}
	p.alpha = h.colorType == 4 || h.colorType == 6
}

// pngRows writes the rows of a PNG original as 8-bit samples: the colour channels, or with
// alpha the alpha channel alone; pixels inside masks black and opaque.
func (d *doc) pngRows(it *evidence.Item, p *imagePlan, alpha bool, masks []image.Rectangle, out io.Writer) error {
	rc, err := d.openOriginal(it)
	if err != nil {
		return err
	}
	defer rc.Close()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		_, err := walkPNG(bufio.NewReaderSize(io.LimitReader(rc, MaxImage), 32<<10), pw)
		pw.CloseWithError(err)
		done <- err
	}()
	err = convertRows(pr, p, alpha, masks, out)
	pr.CloseWithError(errors.New("stopped")) // lets the walk finish if the conversion stopped early
	if werr := <-done; err == nil && werr != nil && werr.Error() != "io: read/write on closed pipe" {
		err = werr
	}
	return err
}

func convertRows(idat io.Reader, p *imagePlan, alpha bool, masks []image.Rectangle, out io.Writer) error {
	zr, err := zlib.NewReader(idat)
	if err != nil {
		return fmt.Errorf("png: %w", err)
	}
	channels := map[byte]int{0: 1, 2: 3, 4: 2, 6: 4}[p.pngColorType]
	bytesPer := p.depth / 8 // 1 or 2
	bpp := channels * bytesPer
	stride := p.w * bpp
	prev, cur := make([]byte, stride), make([]byte, stride)
	comps := p.colors
	if alpha {
		comps = 1
	}
	row := make([]byte, p.w*comps)
	var ft [1]byte
	for y := 0; y < p.h; y++ {
		if _, err := io.ReadFull(zr, ft[:]); err != nil {
			return fmt.Errorf("png: row %d: %w", y, noEOF(err))
		}
		if _, err := io.ReadFull(zr, cur); err != nil {
			return fmt.Errorf("png: row %d: %w", y, noEOF(err))
		}
		if err := pdfdoc.UnfilterPNGRow(ft[0], cur, prev, bpp); err != nil {
			return fmt.Errorf("png: row %d: %w", y, err)
		}
		for x := 0; x < p.w; x++ {
			px := cur[x*bpp : x*bpp+bpp]
			if alpha {
				row[x] = px[(channels-1)*bytesPer] // the high byte of the last sample
				continue
			}
			for c := 0; c < comps; c++ {
				row[x*comps+c] = px[c*bytesPer]
			}
		}
		for _, m := range masks {
			if y < m.Min.Y || y >= m.Max.Y {
				continue
			}
			v := byte(0) // black
			if alpha {
				v = 255 // opaque
			}
			for x := max(m.Min.X, 0) * comps; x < min(m.Max.X, p.w)*comps; x++ {
				row[x] = v
			}
		}
		if _, err := out.Write(row); err != nil {
			return err
		}
		prev, cur = cur, prev
	}
	return nil
}

// decodeBytes estimates what decoding an image whole holds in memory.
func decodeBytes(p *imagePlan) int64 {
	per := int64(4)
	switch {
	case p.format == "webp":
		per = 8 // the lossless decoder's ARGB words and the NRGBA result
	case p.format == "png" && p.depth == 16:
		per = 8
	case p.format == "jpeg":
		per = 6 // coefficients of a progressive scan and the decoded planes
	}
	return int64(p.w) * int64(p.h) * per
}

// adobeJPEG reports whether a JPEG carries Adobe's APP14 marker, reading its segments up to the
// first frame header.
func (d *doc) adobeJPEG(it *evidence.Item) (bool, error) {
	rc, err := d.openOriginal(it)
	if err != nil {
		return false, err
	}
	defer rc.Close()
	r := bufio.NewReader(io.LimitReader(rc, MaxImage))
	var m [4]byte
	if _, err := io.ReadFull(r, m[:2]); err != nil || m[0] != 0xFF || m[1] != 0xD8 {
		return false, errors.New("jpeg: no start of image")
	}
	for seg := 0; seg < 1000; seg++ {
		if _, err := io.ReadFull(r, m[:4]); err != nil {
			return false, fmt.Errorf("jpeg: %w", noEOF(err))
		}
		for m[1] == 0xFF { // fill bytes
			m[1], m[2], m[3] = m[2], m[3], 0
			if _, err := io.ReadFull(r, m[3:4]); err != nil {
				return false, fmt.Errorf("jpeg: %w", noEOF(err))
			}
		}
		if m[0] != 0xFF {
			return false, errors.New("jpeg: marker expected")
		}
		if m[1] >= 0xC0 && m[1] <= 0xCF && m[1] != 0xC4 && m[1] != 0xC8 && m[1] != 0xCC {
			return false, nil // a frame header: no APP14 before it
		}
		n := int(m[2])<<8 | int(m[3])
		if n < 2 {
			return false, errors.New("jpeg: bad segment length")
		}
		body := make([]byte, min(n-2, 12))
		if _, err := io.ReadFull(r, body); err != nil {
			return false, fmt.Errorf("jpeg: %w", noEOF(err))
		}
		if m[1] == 0xEE && len(body) >= 5 && string(body[:5]) == "Adobe" {
			return true, nil
		}
		if _, err := r.Discard(n - 2 - len(body)); err != nil {
			return false, fmt.Errorf("jpeg: %w", noEOF(err))
		}
	}
	return false, errors.New("jpeg: too many segments")
}
