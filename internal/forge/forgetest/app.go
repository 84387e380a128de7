package forgetest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	jwt "github.com/golang-jwt/jwt/v4"
)

// The GitHub App the server's bot is, and its installation on the
// repository: every delivery names the installation, and
// POST /app/installations/{InstallationID}/access_tokens mints tokens
// that act as BotLogin.
const (
	AppID          int64 = 1
	InstallationID int64 = 1
)

// installationTokenLife is how long a minted token lasts, as on GitHub.
const installationTokenLife = time.Hour

// maxJWTLife is the longest a JWT may last: GitHub refuses an exp more
// than ten minutes into the future.
const maxJWTLife = 10 * time.Minute

// docsAppTokens is the documentation URL of the token endpoint.
const docsAppTokens = "https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app"

// GitHub's answers to a JWT it does not take.
const (
	jwtUndecodable = "A JSON web token could not be decoded"
	jwtExpired     = "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires"
	jwtTooLong     = "'Expiration time' claim ('exp') is too far in the future"
)

// installationPermissions are what the installation may do; a minted
// token has them, or those of them it asks for.
var installationPermissions = map[string]string{
	"checks": "write", "contents": "write", "issues": "write", "metadata": "read",
	"pull_requests": "write", "statuses": "write",
}

// SetAppKey registers the App's key, as the PEM GitHub's "Generate a
// private key" downloads (PKCS #1 or #8), or its public half (PKIX): a
// JWT it signs (RS256, iss AppID, at most ten minutes long) mints tokens
// of the installation at
// POST /app/installations/{InstallationID}/access_tokens.
// Without a key no token is minted.
func (s *Server) SetAppKey(pemKey []byte) error {
	pub, err := parseRSAKey(pemKey)
	if err != nil {
		return fmt.Errorf("forgetest: App key: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.appKey = pub
	return nil
}

// CheckAppKey reports why SetAppKey would refuse pemKey, or nil.
func CheckAppKey(pemKey []byte) error {
	_, err := parseRSAKey(pemKey)
	return err
}

// parseRSAKey reads the public half of a PEM RSA key.
func parseRSAKey(data []byte) (*rsa.PublicKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("not PEM")
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return &k.PublicKey, nil
	}
	if k, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		if rk, ok := k.(*rsa.PrivateKey); ok {
			return &rk.PublicKey, nil
		}
		return nil, errors.New("not an RSA key")
	}
	if k, err := x509.ParsePKIXPublicKey(block.Bytes); err == nil {
		if rk, ok := k.(*rsa.PublicKey); ok {
			return rk, nil
		}
		return nil, errors.New("not an RSA key")
	}
	return nil, fmt.Errorf("a PEM block %q that is no RSA key", block.Type)
}

// mintRoute reports whether path is the token endpoint, and the
// installation it names.
func mintRoute(method, path string) (string, bool) {
	rest, ok := strings.CutPrefix(path, "/app/installations/")
	if !ok || method != http.MethodPost {
		return "", false
	}
	id, ok := strings.CutSuffix(rest, "/access_tokens")
	return id, ok && !strings.Contains(id, "/")
}

// mintToken serves POST /app/installations/{id}/access_tokens: the App,
// authenticated by a JWT signed with its key, gets a token of its
// installation that lasts an hour and acts as BotLogin.
func (s *Server) mintToken(w http.ResponseWriter, r *http.Request, installation string) {
	if msg := s.checkAppJWT(bearer(r), time.Now()); msg != "" {
		s.messageDoc(w, http.StatusUnauthorized, msg, docsAppTokens)
		return
	}
	if installation != strconv.FormatInt(InstallationID, 10) {
		s.messageDoc(w, http.StatusNotFound, "Not Found", docsAppTokens)
		return
	}
	var req struct {
		Permissions map[string]string `json:"permissions"`
	}
	if r.ContentLength != 0 && !s.decode(w, r, &req) {
		return
	}
	granted := installationPermissions
	if len(req.Permissions) > 0 {
		granted = map[string]string{}
		for name, level := range req.Permissions {
			have := installationPermissions[name]
			if have == "" || level != "read" && level != have {
				s.unprocessable(w, plain("The permissions requested are not granted to this installation."))
				return
			}
			granted[name] = level
		}
	}
	raw := make([]byte, 20)
	if _, err := rand.Read(raw); err != nil {
		s.message(w, http.StatusInternalServerError, err.Error())
		return
	}
	token := "ghs_" + hex.EncodeToString(raw)
	expires := time.Now().Add(installationTokenLife).UTC().Truncate(time.Second)
	s.tokens[token] = BotLogin
	s.expiries[token] = expires
	perms := jsonObject{}
	for k, v := range granted {
		perms[k] = v
	}
	s.reply(w, r, http.StatusCreated, jsonObject{
		"token": token, "expires_at": ts(expires), "permissions": perms, "repository_selection": "selected",
	})
}

// checkAppJWT returns why GitHub would refuse token as the App's JWT at
// now, or "" if it takes it.
func (s *Server) checkAppJWT(token string, now time.Time) string {
	if s.appKey == nil || token == "" {
		return jwtUndecodable
	}
	var claims jwt.RegisteredClaims
	parser := jwt.Parser{ValidMethods: []string{jwt.SigningMethodRS256.Alg()}, SkipClaimsValidation: true}
	if _, err := parser.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) { return s.appKey, nil }); err != nil {
		return jwtUndecodable
	}
	if iss, err := strconv.ParseInt(claims.Issuer, 10, 64); err != nil || iss != AppID {
		return jwtUndecodable
	}
	if claims.ExpiresAt == nil || !claims.ExpiresAt.After(now) {
		return jwtExpired
	}
	if claims.ExpiresAt.Sub(now) > maxJWTLife {
		return jwtTooLong
	}
	return ""
}
