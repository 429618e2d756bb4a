package serve

import (
	"bufio"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"strings"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"
)

// readUsers reads a users file: "name:hash" a line, where hash is bcrypt ($2a$/$2b$/$2y$) or
// argon2id in the PHC form ($argon2id$v=19$m=65536,t=3,p=4$<salt>$<key>, unpadded base64).
// Blank lines and lines starting with # are skipped.
func readUsers(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--auth: %w", err)
	}
	defer f.Close()
	users := map[string]string{}
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, hash, ok := strings.Cut(line, ":")
		if !ok || name == "" {
			return nil, fmt.Errorf("--auth %s line %d: write name:hash", path, n)
		}
		if !strings.HasPrefix(hash, "$2") && !strings.HasPrefix(hash, "$argon2id$") {
			return nil, fmt.Errorf("--auth %s line %d: the hash of %q is neither bcrypt nor argon2id", path, n, name)
		}
		if _, err := parseArgon2id(hash); strings.HasPrefix(hash, "$argon2id$") && err != nil {
			return nil, fmt.Errorf("--auth %s line %d: %w", path, n, err)
		}
		users[name] = hash
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("--auth %s: %w", path, err)
	}
	if len(users) == 0 {
		return nil, fmt.Errorf("--auth %s: no users", path)
	}
	return users, nil
}

type argonHash struct {
	m         uint32
	t         uint32
	p         uint8
	salt, key []byte
}

func parseArgon2id(h string) (*argonHash, error) {
	parts := strings.Split(h, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != "v=19" {
		return nil, fmt.Errorf("argon2id hash: want $argon2id$v=19$m=..,t=..,p=..$salt$key")
	}
	var a argonHash
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &a.m, &a.t, &a.p); err != nil {
		return nil, fmt.Errorf("argon2id parameters %q: %w", parts[3], err)
	}
	if a.m > 1<<22 || a.t > 64 || a.p == 0 || a.t == 0 {
		return nil, fmt.Errorf("argon2id parameters %q are out of range", parts[3])
	}
	var err error
	if a.salt, err = base64.RawStdEncoding.DecodeString(parts[4]); err != nil {
		return nil, fmt.Errorf("argon2id salt: %w", err)
	}
	if a.key, err = base64.RawStdEncoding.DecodeString(parts[5]); err != nil || len(a.key) == 0 {
		return nil, fmt.Errorf("argon2id key: bad base64")
	}
	return &a, nil
}

// checkPassword compares in constant time; an unknown user costs the same as a known one.
func (s *Server) checkPassword(user, password string) bool {
	hash, ok := s.users[user]
	if !ok {
		hash = "$2a$10$0000000000000000000000000000000000000000000000000000."
	}
	var good bool
	if strings.HasPrefix(hash, "$argon2id$") {
		a, err := parseArgon2id(hash)
		if err == nil {
			k := argon2.IDKey([]byte(password), a.salt, a.t, a.m, a.p, uint32(len(a.key)))
			good = subtle.ConstantTimeCompare(k, a.key) == 1
		}
	} else {
		good = bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
	}
	return ok && good
}

// login exchanges the opening URL's token (or, with users, a name and password) for a session.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	l := s.lang(r)
	if s.users == nil {
		if !s.tokenOK(r.URL.Query().Get("token")) {
			s.needLogin(w, r)
			return
		}
		s.newSession(w, "")
		http.Redirect(w, r, "/", http.StatusSeeOther) // the token leaves the address bar
		return
	}
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, 4096)
		user, pass := r.PostFormValue("user"), r.PostFormValue("password")
		if s.checkPassword(user, pass) {
			s.newSession(w, user)
			http.Redirect(w, r, "/", http.StatusSeeOther)
			return
		}
		w.WriteHeader(http.StatusUnauthorized)
		s.render(w, r, "login", page{Lang: l, Error: t(l, "web.login-failed")})
		return
	}
	s.render(w, r, "login", page{Lang: l})
}

func (s *Server) needLogin(w http.ResponseWriter, r *http.Request) {
	if s.users != nil {
		if r.Method == http.MethodGet && !strings.HasPrefix(r.URL.Path, "/api/") {
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
	}
	w.WriteHeader(http.StatusForbidden)
	s.render(w, r, "nosession", page{Lang: s.lang(r)})
}
