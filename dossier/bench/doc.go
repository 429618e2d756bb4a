// Package bench measures dossier against the standard tools a user would otherwise reach for
// (sha256sum, openssl, cp, hashdeep, img2pdf, openpyxl) on inputs it generates itself.
//
// Everything here serves `make bench` (the program in cmd/benchtable): the generators write
// deterministic inputs — the same seed gives the same bytes on every machine — so two runs of
// the table compare like with like; the runner times each command as a child process and reads
// its peak resident memory the way /usr/bin/time -v reports it, so dossier and its peer are
// measured by one yardstick. Pairs run alternately (dossier, peer, dossier, peer, …) rather
// than in blocks, so that a noisy neighbour or a warming page cache hurts both sides alike, and
// the table quotes medians, which one slow outlier does not move.
//
// The generators stream what they write (a million-row call log is produced row by row into a
// buffered writer) so that generating a case never needs the memory the case would.
package bench
