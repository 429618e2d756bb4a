package main

import (
	"errors"
	"fmt"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/dossier-tool/dossier/dossier/ingest"
	"github.com/dossier-tool/dossier/dossier/vocab"
)

// The revision the Makefile passes with -ldflags -X when git is available, for builds that
// record no VCS information (-buildvcs=false, or a tree copied without its .git).
var (
	revision     string // full commit hash
	revisionTime string // commit time, RFC 3339 UTC
	revisionMod  string // "true" when the tree had uncommitted changes
)

// version is the module version and the VCS revision the binary was built from: "v1.2.0" from
// go install, "(devel) 3f2a9c1e4b5d 2025-04-15T08:00:00Z (modified)" from a build in a checkout.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	return versionOf(bi, ok, revision, revisionTime, revisionMod)
}

// versionOf prefers the revision the toolchain recorded and falls back to the one passed at
// link time.
func versionOf(bi *debug.BuildInfo, ok bool, ldRev, ldTime, ldMod string) string {
	v, goVersion := "(devel)", ""
	var rev, modified, at string
	if ok {
		if bi.Main.Version != "" {
			v = bi.Main.Version
		}
		goVersion = " " + bi.GoVersion
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					modified = " (modified)"
				}
			case "vcs.time":
				at = " " + s.Value
			}
		}
	}
	if rev == "" && ldRev != "" {
		rev, at, modified = ldRev, "", ""
		if ldTime != "" {
			at = " " + ldTime
		}
		if ldMod == "true" {
			modified = " (modified)"
		}
	}
	if !ok && rev == "" {
		return "(unknown)"
	}
	if rev == "" {
		return v + goVersion
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	return v + " " + rev + at + modified + goVersion
}

// flagValues are the closed sets of values flags take, offered by shell completion; the
// commands check the same sets.
func flagValues() map[string][]string {
	kinds := make([]string, len(ingest.Kinds))
	for i, k := range ingest.Kinds {
		kinds[i] = k + "\t" + vocab.Kind("zh", k)
	}
	return map[string][]string{
		"kind":        kinds,
		"letter":      {"complaint\t" + "致平台投诉书", "mediation\t" + "消费纠纷调解申请书", "regulator\t" + "金融消费投诉书"},
		"lang":        {"zh\t中文", "en\tEnglish"},
		"holder-role": {ingest.HolderFamily + "\t" + vocab.Holder("zh", ingest.HolderFamily), ingest.HolderThirdParty + "\t" + vocab.Holder("zh", ingest.HolderThirdParty)},
	}
}

// registerCompletions gives every flag with a closed set of values its completions, on every
// command that has such a flag, and the case's exhibit numbers to every command whose arguments
// are exhibits (its usage line names EXHIBIT).
func registerCompletions(e *env, c *cobra.Command) {
	if strings.Contains(c.Use, "EXHIBIT") && c.ValidArgsFunction == nil {
		max := 1
		if strings.Contains(c.Use, "EXHIBIT...") {
			max = -1
		}
		c.ValidArgsFunction = completeExhibits(e, max)
	}
	values := flagValues()
	c.Flags().VisitAll(func(f *pflag.Flag) {
		if vs, ok := values[f.Name]; ok {
			_ = c.RegisterFlagCompletionFunc(f.Name, cobra.FixedCompletions(vs, cobra.ShellCompDirectiveNoFileComp))
		}
	})
	for _, sub := range c.Commands() {
		registerCompletions(e, sub)
	}
}

// completeExhibits offers the case's exhibit numbers, each with its title, for commands that
// take EXHIBIT arguments. It runs in the case the command line points at (-C or the folders
// above the current one) and offers nothing where there is no case.
func completeExhibits(e *env, max int) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if max >= 0 && len(args) >= max {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		if e.dir == "" {
			e.dir = "."
		}
		if d, err := cmd.Flags().GetString("directory"); err == nil && d != "" {
			e.dir = d
		}
		c, err := e.open()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		items, err := c.Items()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []cobra.Completion
		for _, it := range items {
			n := strconv.Itoa(it.Exhibit)
			if strings.HasPrefix(n, toComplete) {
				out = append(out, cobra.CompletionWithDesc(n, it.DisplayTitle()))
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// errorChain lists an error and every cause under it, one a line, for --debug: what each layer
// said and the Go type that said it.
func errorChain(err error) string {
	var b strings.Builder
	var walk func(err error, depth int)
	walk = func(err error, depth int) {
		if err == nil || depth > 32 {
			return
		}
		fmt.Fprintf(&b, "%s%s (%T)\n", strings.Repeat("  ", depth), err.Error(), err)
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, c := range u.Unwrap() {
				walk(c, depth+1)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap(), depth+1)
		}
	}
	walk(err, 0)
	return strings.TrimRight(b.String(), "\n")
}

// unknownCommand makes a stray word after "dossier" a usage error of its own type, with cobra's
// suggestions, instead of cobra's untyped error text.
func unknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q", args[0])
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += " (did you mean " + strings.Join(s, " or ") + "?)"
	}
	return usageError{errors.New(msg)}
}

// errHelpShown is the usage error of "dossier" run without a command: help was printed.
var errHelpShown = usageError{errors.New("no command given")}
