package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"syscall"

	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/casefolder"
	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/ingest"
	"github.com/dossier-tool/dossier/dossier/vocab"
)

// language is the language of the command's messages: the case's once one is open; before
// that (no case here, a packet verified outside any case) the user's locale when it asks for
// English, and Chinese, the product's default, otherwise.
func (e *env) language() string {
	if e.lang != "" {
		return vocab.Lang(e.lang)
	}
	return localeLanguage(os.Getenv)
}

// localeLanguage reads the POSIX locale variables in their order of precedence.
func localeLanguage(getenv func(string) string) string {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(k); v != "" {
			if strings.HasPrefix(strings.ToLower(v), "en") {
				return vocab.EN
			}
			return vocab.ZH
		}
	}
	return vocab.ZH
}

// describe turns an error into what a user can act on, in the command's language; --debug adds
// the full chain (the library's own words).
func (e *env) describe(err error) string {
	lang := e.language()
	hint := describeIn(lang, err)
	if e.debug {
		return hint + "\nerror chain, outermost first:\n" + errorChain(err)
	}
	return hint
}

func describeIn(lang string, err error) string {
	t := func(key string) string { return vocab.Term(lang, key) }
	var (
		lockErr    *casefolder.LockTimeoutError
		exhibitErr *casefolder.NoExhibitError
		damaged    *casefolder.DamagedError
		nothing    *ingest.NothingError
	)
	switch {
	case errors.Is(err, casefolder.ErrNoCase):
		return t("cli.err.nocase")
	case errors.Is(err, casefolder.ErrExists):
		return t("cli.err.exists")
	case errors.Is(err, context.Canceled):
		return t("cli.err.interrupted")
	case errors.As(err, &nothing):
		if nothing.Unreadable > 0 {
			return t("cli.err.nothing.unreadable")
		}
		return t("cli.err.nothing")
	case errors.As(err, &lockErr):
		return fmt.Sprintf(t("cli.err.locked"), lockErr.Holder, lockErr.Wait)
	case errors.As(err, &exhibitErr):
		return fmt.Sprintf(t("cli.err.noexhibit"), evidence.Label(lang, exhibitErr.Exhibit), exhibitErr.Count)
	case errors.As(err, &damaged):
		return fmt.Sprintf(t("cli.err.damaged"), damaged.File, pathReason(lang, damaged.Err))
	// These bodies are the library's English (case.yaml's checks name keys and lines); their hint
	// follows them in English rather than mixing two languages in one line.
	case errors.Is(err, caseconf.ErrInvalid):
		return err.Error() + vocab.Term(vocab.EN, "cli.hint.caseyaml")
	case errors.Is(err, ingest.ErrNothing):
		return err.Error() + vocab.Term(vocab.EN, "cli.hint.nothing")
	case errors.Is(err, casefolder.ErrNoExhibit):
		return err.Error() + vocab.Term(vocab.EN, "cli.hint.list")
	}
	msg := err.Error()
	// A file-system error at the end of a chain reads "stat /a/b: no such file or directory":
	// Go's operation name means nothing to a user; the path and the reason do, in their language.
	// In Chinese the path and its reason are the whole message: what led there is the library's
	// English, and --debug shows it.
	var pe *fs.PathError
	if errors.As(err, &pe) && strings.HasSuffix(msg, pe.Error()) {
		if lang == vocab.ZH {
			return pe.Path + "：" + pathReason(lang, pe.Err) + t("cli.hint.path")
		}
		head := strings.TrimSuffix(msg, pe.Error())
		plain := pe.Path + ": " + pathReason(lang, pe.Err)
		if strings.Contains(head, pe.Path) {
			plain = pathReason(lang, pe.Err)
		}
		return head + plain + t("cli.hint.path")
	}
	return msg
}

// errnoKeys are the system's reasons a user meets, as vocabulary keys.
var errnoKeys = []struct {
	err error
	key string
}{
	{syscall.ENOENT, "warn.no-such-path"},
	{syscall.EACCES, "cli.errno.EACCES"},
	{syscall.EPERM, "cli.errno.EPERM"},
	{syscall.ENOSPC, "cli.errno.ENOSPC"},
	{syscall.EROFS, "cli.errno.EROFS"},
	{syscall.ENOTDIR, "cli.errno.ENOTDIR"},
	{syscall.EISDIR, "cli.errno.EISDIR"},
	{syscall.EEXIST, "cli.errno.EEXIST"},
	{syscall.EIO, "cli.errno.EIO"},
	{syscall.ENAMETOOLONG, "cli.errno.ENAMETOOLONG"},
	{syscall.EMFILE, "cli.errno.EMFILE"},
	{syscall.ELOOP, "cli.errno.ELOOP"},
}

// pathReason words what the system said about a path; a reason it has no words for is the
// system's own.
func pathReason(lang string, err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		for _, k := range errnoKeys {
			if errno == k.err {
				return vocab.Term(lang, k.key)
			}
		}
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return vocab.Term(lang, "warn.no-such-path")
	case errors.Is(err, fs.ErrPermission):
		return vocab.Term(lang, "cli.errno.EACCES")
	}
	return err.Error()
}
