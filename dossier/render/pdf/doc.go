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
// # A large case
//
// The timeline may be streamed from the case (evidence.Bundle.Timeline) rather than held. A
// timeline of up to DefaultSummaryAbove (5,000) events is collected and printed event by event,
// exactly as a loaded one. A longer one is read once before the layout passes and summarised: the
// timeline section says so in the packet's language, counts each day's events by the
// counterpart's role and by channel, and lists in full the events the findings cite (the first
// 3,000, saying how many more the workbook flags); an exhibit's event table lists its first 500
// events and each category of findings its first 1,000, each saying how many there are and that
// the workbook lists them all. The packet of a million-event case is then about 200 pages.
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
//   - its PDF importer (contrib/gofpdi) loops forever on a file cut short, recurses without end on
//     reference cycles, rejects cross-reference streams with wide predictors, gives every imported
//     document's first page the same resource name (so one exhibit showed another's page) and
//     writes in map order; it is not used. Imported pages are Form XObjects written in the update
//     from package pdfdoc's reader (importpdf.go, and "Page import" there for why that reader).
//   - its own QR helper embeds a JPEG; the cover's QR code is a PNG drawn from boombuler/barcode.
//
// # Reproducibility
//
// The same bundle, report and options give the same bytes: the creation and modification dates are
// the bundle's Stamp, catalog entries are sorted, nothing iterates a map into the output and the
// attachments are in exhibit order after the manifest. Where the library itself writes in map
// order (images of equal width) the output is put back into a canonical order afterwards
// (canonical.go); imported pages are copied in the order a walk with sorted keys meets their
// objects. The update is written in a fixed order and its name tree keys are
// zero-padded, so they sort in attachment order as a name tree must.
//
// # Memory
//
// The library lays out the pages and writes the small part of the packet: text, fonts and the
// cover's QR code; the page that shows an image or an imported PDF page names it but does not
// carry it. What is large is appended after the library's output as an incremental update
// (ISO 32000-1 §7.5.6, update.go): every exhibit image as an XObject streamed from the store
// (a JPEG's bytes and a plain PNG's IDAT data as they are, anything else decoded one image at a
// time, images.go), every imported PDF page as a Form XObject with the objects it needs copied
// from the original one at a time, their streams as they are (importpdf.go), then the manifest and every original as an embedded file compressed on the
// fly, with its size and MD5 written after it; then new versions of the shared resource
// dictionary (naming the images) and of the catalog (with the name tree), and a cross-reference
// section whose trailer points back with /Prev. Memory is therefore the library's part plus a
// few fixed buffers, whatever the size of the originals. Each image original is read twice, as a
// stream: once before layout to decide whether and how it can be drawn, once to write it.
// Each original is still read through a cap (MaxImage, MaxPDF, MaxText, MaxAttachment); an
// original over the attachment cap is listed in the manifest but not embedded.
//
// A 200-page imported PDF costs about 57 MiB of heap above the start (TestImport200PagesMemoryBounded);
// each hostile PDF of TestHostilePDFs — cut short, without startxref, /Prev, /Kids and /Parent
// cycles, an object stream inside itself, /Length of a terabyte, /Count of two billion, Flate
// and double-Flate bombs, an 8 MiB token, 400 pages — is read in well under a second and shows
// its pages or a page saying why not.
//
// # Text beyond the fonts
//
// The library's fonts cover the Basic Multilingual Plane only. Emoji, flags, CJK Extension B and
// later, and symbols neither main font has are drawn as glyph outlines from the fallback fonts,
// with the characters as /ActualText so that text extraction returns them; a character no font
// has prints as "U+XXXXX" (fallback.go). The header says PDF 1.7, which defines all of this.
//
// # Reading a packet back
//
// ReadPacket reads a packet back through pdfdoc, the one reader of PDF structure (classic and
// stream cross-references, object streams, incremental updates, repair by scanning), so a packet
// another tool re-saved losslessly still shows its attachments. The writer, too, reads the
// library's trailer and catalog with pdfdoc's lexer (pdfdoc.ParseValue), not a lexer of its own. The manifest digest printed on the
// cover is also stored in the document information dictionary as /Keywords
// "dossier-manifest-sha256:<hex>", so a verifier can read it without extracting text.
//
// # Redaction
//
// With Options.Redact, ID-card numbers, bank-card numbers and every mobile number that is not the
// collection side's are masked in everything the packet prints (1101**********1234,
// 139****1234). An imported PDF page is rendered to an image with the numbers painted over
// (rasterize.go); a screenshot or photo has the numbers OCR read on it painted over, and one OCR
// has not read is left out and listed in the integrity appendix (redactimage.go). The originals
// are not attached; the cover says so. Both kinds of picture carry an invisible text layer with the
// masked characters as "*". PDFium renders every page before layout and is closed before the
// layout starts, so its memory is never added to the layout's (rasterize.go, with measurements).
package pdf
