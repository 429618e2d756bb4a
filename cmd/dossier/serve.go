package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/dossier-tool/dossier/dossier/serve"
	"github.com/dossier-tool/dossier/dossier/vocab"
)

func serveCmd(e *env) *cobra.Command {
	var opt serve.Options
	var noOpen bool
	cmd := &cobra.Command{
		Use:   "serve [DIR]",
		Short: "Open the web app over the cases in DIR (default: the current folder)",
		Long: `serve starts the local web app: create cases, fill in the case details, drop evidence files
and folders, give numbers their roles, read the timeline and the findings, build and download the
packet, the workbook and the bag, and verify a packet or bag someone sent you — in a browser,
without the command line. It listens on 127.0.0.1 only; the first line printed is the address
to open, with a one-time token. Any other --addr needs --auth FILE (lines "name:hash", bcrypt or
argon2id). Stop it with Ctrl-C.`,
		Args: argsRange(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opt.Root = "."
			if len(args) == 1 {
				opt.Root = args[0]
			}
			s, err := serve.New(opt)
			if err != nil {
				return err
			}
			defer s.Close()
			fmt.Fprintln(e.stdout, s.URL())
			e.msg(vocab.Term(e.language(), "cli.serve.started"), opt.Root)
			if !noOpen {
				openBrowser(s.URL())
			}
			return s.Serve(e.ctx)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opt.Addr, "addr", "127.0.0.1:0", "listen `ADDRESS` (host:port; port 0 picks a free one)")
	f.StringVar(&opt.AuthFile, "auth", "", "users `FILE` (name:bcrypt-or-argon2id-hash a line); required beyond loopback")
	f.BoolVar(&noOpen, "no-open", false, "do not open a browser")
	return cmd
}

// openBrowser starts the desktop's browser when there is one; without a display it does
// nothing (the address is printed anyway).
func openBrowser(url string) {
	var name string
	var args []string
	switch runtime.GOOS {
	case "darwin":
		name = "open"
	case "windows":
		name, args = "rundll32", []string{"url.dll,FileProtocolHandler"}
	default:
		if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
			return
		}
		name = "xdg-open"
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return
	}
	c := exec.Command(path, append(args, url)...)
	if c.Start() == nil {
		go func() { _ = c.Wait() }()
	}
}
