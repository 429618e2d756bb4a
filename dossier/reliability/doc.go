// Package reliability holds the tests that prove the case's promises under failure: a process
// killed at any moment, two processes writing one case, an edited byte anywhere in the store,
// and files made to break readers.
//
// The tests drive the real command-line binary, built once per run, as a user would: a kill -9
// can only be delivered to a separate process, and the exit codes and messages are part of
// what is promised. A killed process loses nothing the kernel already holds, so these tests may
// run the case on a memory file system (faster, same semantics for a process crash); power cuts,
// which also lose the page cache, are the business of the fsync discipline in package
// atomicfile and are not simulated here.
//
// Every randomised test prints its seed and takes -seed to replay one run. The short forms run
// in `make test`; `make stress` builds with the stress tag, which raises the trial counts. The
// crash trials, whose kills are timed from an uninterrupted run, go first on their own; the
// other tests then run side by side, each in folders of its own.
//
// What is checked, and where:
//
//	crash_test.go           kill -9 during add: verify clean, every object whole or absent, no
//	                        duplicate, and the re-run stores the union numbered 1..n
//	build_crash_test.go     kill -9 during build: whatever is under a final name is whole
//	concurrency_test.go     two adds of overlapping folders at once, verify running beside them
//	tamper_test.go          a flip, a truncation, a deletion and an insertion at every position
//	                        class of every stored file and log line; verify must name each one
//	                        (the short form: every kind on the first and last of alike files or
//	                        lines, one kind of each family in turn on those between; see pick)
//	tamper_outputs_test.go  the same for every bag file and manifest line and every packet
//	                        attachment
//	hostile_test.go         the hostile corpus: no panic, a warning naming the file, the original
//	                        kept byte for byte, nothing written outside the case, bounded memory
//	hostile2_test.go        the round-two corpus (hostile2_gen_test.go), each class also as an
//	                        e-mail attachment and an MMS part, through every command: 200 MB,
//	                        the 10 s target logged, $TMPDIR left empty, the case verifying clean
//	output_safety_test.go   no formula built from evidence in the workbook; --redact masks every
//	                        spelling of the masked numbers
//	errors_test.go          user-facing errors name what failed and what to do, without Go detail
//
// Peak memory is measured per command from the kernel's accounting (rusage), with the binary
// started by a small launcher process so that the test process's own memory is not counted.
package reliability
