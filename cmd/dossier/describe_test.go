package main

import (
	"context"
	"fmt"
	"io/fs"
	"syscall"
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier/casefolder"
	"github.com/dossier-tool/dossier/dossier/ingest"
)

func TestDescribeIn(t *testing.T) {
	missing := fmt.Errorf("verify x: %w", &fs.PathError{Op: "stat", Path: "/case/x", Err: syscall.ENOENT})
	tests := []struct {
		name string
		lang string
		err  error
		want string
	}{
		{"no case", "zh", fmt.Errorf("open: %w", casefolder.ErrNoCase), "这里没有案件（运行 dossier init 新建一个，或用 -C 文件夹 指向已有的案件）"},
		{"no case in English", "en", casefolder.ErrNoCase, "no case here (run 'dossier init' to create one, or -C DIR to point at one)"},
		{"interrupted", "zh", fmt.Errorf("rendering: %w", context.Canceled), "已中断；写了一半的内容均未保留（重新运行该命令即可）"},
		{"missing path", "zh", missing, "/case/x：文件或文件夹不存在（请检查路径和权限）"},
		{"missing path in English", "en", missing, "verify x: /case/x: no such file or folder (check the path and its permissions)"},
		{"full disk", "zh", &fs.PathError{Op: "write", Path: "/case/store/tmp/1", Err: syscall.ENOSPC}, "/case/store/tmp/1：磁盘空间不足（请检查路径和权限）"},
		{"reason with no words keeps the system's", "zh", &fs.PathError{Op: "open", Path: "/x", Err: syscall.EXDEV}, "/x：" + syscall.EXDEV.Error() + "（请检查路径和权限）"},
		{"locked", "zh", &casefolder.LockTimeoutError{Holder: "pid 7: dossier add", Wait: 30 * time.Second},
			"另一个 dossier 进程（pid 7: dossier add）写入本案件已超过 30s（等它结束，或加大 --wait）"},
		{"locked in English", "en", &casefolder.LockTimeoutError{Holder: "pid 7: dossier add", Wait: 30 * time.Second},
			"case is locked by another dossier process (pid 7: dossier add) for more than 30s (wait for it to finish, or raise --wait)"},
		{"no such exhibit", "zh", fmt.Errorf("edit: %w", &casefolder.NoExhibitError{Exhibit: 9, Count: 3}), "没有证据9：本案共有 3 份证据（用 dossier list 查看）"},
		{"damaged custody", "zh", &casefolder.DamagedError{File: "HEAD", Err: fmt.Errorf("open HEAD: %w", syscall.ENOENT)},
			"案件的保管记录已损坏：HEAD 缺失或无法读取（文件或文件夹不存在）；未做任何改动，请运行 dossier verify 查看改动"},
		{"nothing readable", "zh", &ingest.NothingError{Unreadable: 2}, "没有可加入的文件：给出的路径中没有可读取的文件（请给出存有证据的文件或文件夹）"},
		{"nothing at all", "en", &ingest.NothingError{}, "nothing to add: no files in the given paths (give files or folders that hold evidence)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := describeIn(tt.lang, tt.err); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestLocaleLanguage(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"nothing set: Chinese, the default", nil, "zh"},
		{"English LANG", map[string]string{"LANG": "en_US.UTF-8"}, "en"},
		{"Chinese LANG", map[string]string{"LANG": "zh_CN.UTF-8"}, "zh"},
		{"LC_ALL wins over LANG", map[string]string{"LC_ALL": "zh_CN.UTF-8", "LANG": "en_GB.UTF-8"}, "zh"},
		{"LC_MESSAGES wins over LANG", map[string]string{"LC_MESSAGES": "en_US", "LANG": "zh_CN.UTF-8"}, "en"},
		{"C locale is not English words", map[string]string{"LANG": "C.UTF-8"}, "zh"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := localeLanguage(func(k string) string { return tt.env[k] }); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
