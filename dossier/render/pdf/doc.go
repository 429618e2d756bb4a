// Package pdf renders a case into the complaint packet: one PDF a mediator, a platform or a
// regulator can read from the first page to the last, and that carries its own proof.
//
// # Layout
//
// Sections, in order, each with a bookmark: the cover (title, parties, date, dossier id, number of
// exhibits, the manifest digest and a QR code of it), the letter (from a template of package
// templates, see LetterData), the findings with their counts and exhibit references, the timeline,
// the evidence list (证据目录) with the first page of every exhibit, the exhibits themselves, and the
// integrity appendix (manifest, custody log, how to verify). Every page but the cover carries a
// footer "第x页/共y页"; every exhibit page a header band "证据N · 第x页".
//
// The page numbers of the evidence list are true because the document is laid out twice: the first
// pass records where each exhibit starts and how many pages there are, the second prints them.
// Both passes make the same decisions from the same inputs, so the numbers cannot drift.
//
// # Design around the PDF library
//
// The PDF library (codeberg.org/go-pdf/fpdf) is used for what it does well — fonts with subsetting,
// images, outlines, attachments — and avoided where it is known to be wrong:
//   - its MultiCell and SplitText drop a CJK character at every line break, so all text is broken
//     by package linebreak and every line is drawn on its own;
//   - it holds the whole document in memory until it writes it, images and attachments included,
//     so the exhibits' images and the attachments never go through it (see Memory);
//   - its page-anchored attachment annotations produce an invalid file, so the originals and the
//     manifest are document-level attachments, listed in the catalog's /EmbeddedFiles name tree;
//   - its PDF importer (contrib/gofpdi) panics on encrypted files and writes the imported objects
//     in map order; imports run behind a recover, encrypted files get a page saying they are
//     attached but not shown, and the imported objects are put back into a canonical order after
//     output (see canonicalImports) so the packet stays byte-identical from run to run;
//   - its own QR helper embeds a JPEG; the cover's QR code is a PNG drawn from boombuler/barcode.
//
// # Reproducibility
//
// The same bundle, report and options give the same bytes: the creation and modification dates are
// the bundle's Stamp, catalog entries are sorted, nothing iterates a map into the output and the
// attachments are in exhibit order after the manifest. Where the library itself writes in map
// order (images of equal width, imported pages) the output is put back into a canonical order
// afterwards (canonical.go). The update is written in a fixed order and its name tree keys are
// zero-padded, so they sort in attachment order as a name tree must.
//
// # Memory
//
// The library lays out the pages and writes the small part of the packet: text, fonts, the cover's
// QR code and the pages of imported PDFs; the page that shows an image names it but does not
// carry it. What is large is appended after the library's output as an incremental update
// (ISO 32000-1 §7.5.6, update.go): every exhibit image as an XObject streamed from the store
// (a JPEG's bytes and a plain PNG's IDAT data as they are, anything else decoded one image at a
// time, images.go), then the manifest and every original as an embedded file compressed on the
// fly, with its size and MD5 written after it; then new versions of the shared resource
// dictionary (naming the images) and of the catalog (with the name tree), and a cross-reference
// section whose trailer points back with /Prev. Memory is therefore the library's part plus a
// few fixed buffers, whatever the size of the originals. Each image original is read twice, as a
// stream: once before layout to decide whether and how it can be drawn, once to write it.
// Each original is still read through a cap (MaxImage, MaxPDF, MaxText, MaxAttachment); an
// original over the attachment cap is listed in the manifest but not embedded.
//
// # Reading a packet back
//
// ReadPacket reads a packet back through pdfdoc, the one reader of PDF structure (classic and
// stream cross-references, object streams, incremental updates, repair by scanning), so a packet
// another tool re-saved losslessly still shows its attachments. The manifest digest printed on the
// cover is also stored in the document information dictionary as /Keywords
// "dossier-manifest-sha256:<hex>", so a verifier can read it without extracting text.
//
// # Redaction
//
// With Options.Redact, ID-card numbers, bank-card numbers and every mobile number that is not the
// collection side's are masked in everything the packet prints (1101**********1234,
// 139****1234). The attached originals are never altered; the cover says so.
package pdf
