// Package bag writes and verifies BagIt bags (RFC 8493) of a case: the originals and the rendered
// documents, with digests anyone can check with any BagIt tool.
//
// Layout of a bag written here:
//
//	bagit.txt                  BagIt-Version: 1.0, Tag-File-Character-Encoding: UTF-8
//	bag-info.txt               Source-Organization, Bagging-Date, Payload-Oxum, Bag-Size,
//	                           External-Identifier (the dossier id), Contact-Name (the complainant),
//	                           External-Description (the case title)
//	manifest-sha256.txt        every payload file
//	manifest-sha512.txt        every payload file
//	dossier-manifest.json      the case manifest (package manifest): the originals with their
//	                           exhibit numbers, ids and kinds. RFC 8493 §2.2.4 allows extra tag
//	                           files; this one lets a reader map a payload file back to the case.
//	tagmanifest-sha256.txt     bagit.txt, bag-info.txt, both payload manifests, dossier-manifest.json
//	tagmanifest-sha512.txt     the same, so every algorithm of the payload covers the tags too
//	data/证据001_<name>         each original, named by manifest.ExhibitFileName
//	data/<document>            the rendered documents (packet PDF, workbook)
//
// A workbook placed in data/ sits beside the originals, so its links to them should have no
// folder prefix (see the xlsx renderer's LinkPrefix).
//
// Writing hashes every file once, while copying it, with SHA-256 and SHA-512 together; an original
// whose SHA-256 differs from the one the case recorded is refused rather than bagged. Manifest lines
// are sorted by path and zip entries carry Bundle.Stamp as their time, so the same case gives the
// same bag. A bag folder is built in a temporary folder beside the target and renamed into place at
// the end, so a failed write leaves nothing behind; a zip is streamed to the caller's writer.
//
// Verify checks that a bag is complete and valid and lists every problem it finds, each with the
// exhibit number when the path names one. Payload files are hashed in parallel, one worker per
// GOMAXPROCS, each streaming the file once through every algorithm that lists it.
package bag
