package forgetest_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"
	jwt "github.com/golang-jwt/jwt/v4"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
)

// appKey returns a new RSA key and its PEM form, as GitHub's "Generate a
// private key" downloads it.
func appKey(t *testing.T) (*rsa.PrivateKey, []byte) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return key, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
}

// appJWT is the JWT an App signs with key, issued at iat and expiring at
// exp, as GitHub documents it.
func appJWT(t *testing.T, key *rsa.PrivateKey, iss string, iat, exp time.Time) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.RegisteredClaims{
		Issuer: iss, IssuedAt: jwt.NewNumericDate(iat), ExpiresAt: jwt.NewNumericDate(exp),
	}).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestInstallationTokens mints installation tokens with JWTs, good and
// bad, and checks each answer against GitHub's OpenAPI description; a
// minted token acts as the bot, which may write check runs.
func TestInstallationTokens(t *testing.T) {
	spec := loadOpenAPI(t)
	srv := forgetest.NewServer(t, "octo-org", "hello-world")
	key, keyPEM := appKey(t)
	other, _ := appKey(t)
	if err := srv.SetAppKey(keyPEM); err != nil {
		t.Fatal(err)
	}
	srv.AddUser("alice", "alice-token")
	head := srv.Commit("feature", "Add acme", map[string]string{"applications/acme.cue": "v1\n"})
	now := time.Now()
	app := strconv.FormatInt(forgetest.AppID, 10)
	mint := fmt.Sprintf("/app/installations/%d/access_tokens", forgetest.InstallationID)
	const op = "/app/installations/{installation_id}/access_tokens"

	tests := []struct {
		name, token, path, body string
		wantStatus              int
		wantMessage             string
	}{
		{name: "a JWT signed with the App's key mints a token", token: appJWT(t, key, app, now.Add(-time.Minute), now.Add(5*time.Minute)),
			path: mint, wantStatus: 201},
		{name: "a token asking for fewer permissions is minted", token: appJWT(t, key, app, now.Add(-time.Minute), now.Add(5*time.Minute)),
			path: mint, body: `{"permissions":{"checks":"write"}}`, wantStatus: 201},
		{name: "a permission the installation lacks is refused", token: appJWT(t, key, app, now.Add(-time.Minute), now.Add(5*time.Minute)),
			path: mint, body: `{"permissions":{"administration":"write"}}`, wantStatus: 422, wantMessage: "The permissions requested are not granted to this installation."},
		{name: "a JWT signed with another key is refused", token: appJWT(t, other, app, now.Add(-time.Minute), now.Add(5*time.Minute)),
			path: mint, wantStatus: 401, wantMessage: "A JSON web token could not be decoded"},
		{name: "an expired JWT is refused", token: appJWT(t, key, app, now.Add(-20*time.Minute), now.Add(-10*time.Minute)),
			path: mint, wantStatus: 401, wantMessage: "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires"},
		{name: "a JWT that lasts more than ten minutes is refused", token: appJWT(t, key, app, now.Add(-time.Minute), now.Add(time.Hour)),
			path: mint, wantStatus: 401, wantMessage: "'Expiration time' claim ('exp') is too far in the future"},
		{name: "a JWT of another App is refused", token: appJWT(t, key, "999", now.Add(-time.Minute), now.Add(5*time.Minute)),
			path: mint, wantStatus: 401, wantMessage: "A JSON web token could not be decoded"},
		{name: "a user's token is not a JWT", token: "alice-token", path: mint, wantStatus: 401, wantMessage: "A JSON web token could not be decoded"},
		{name: "no token is refused", path: mint, wantStatus: 401, wantMessage: "A JSON web token could not be decoded"},
		{name: "another installation is not found", token: appJWT(t, key, app, now.Add(-time.Minute), now.Add(5*time.Minute)),
			path: fmt.Sprintf("/app/installations/%d/access_tokens", forgetest.InstallationID+1), wantStatus: 404, wantMessage: "Not Found"},
	}
	var minted []string
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, v := rawCall(t, srv, tt.token, "POST", tt.path, tt.body)
			if status != tt.wantStatus {
				t.Fatalf("status = %d, want %d; answer: %v", status, tt.wantStatus, v)
			}
			m, _ := v.(map[string]any)
			if tt.wantMessage != "" && m["message"] != tt.wantMessage {
				t.Errorf("message = %q, want %q", m["message"], tt.wantMessage)
			}
			for _, p := range spec.check("answer", spec.schemaOf(t, "POST", op, status), v) {
				t.Error(p)
			}
			if status == http.StatusCreated {
				tok, _ := m["token"].(string)
				exp, err := time.Parse(time.RFC3339, fmt.Sprint(m["expires_at"]))
				if !strings.HasPrefix(tok, "ghs_") || err != nil || exp.Sub(now) < 59*time.Minute || exp.Sub(now) > 61*time.Minute {
					t.Errorf("token %q expiring %v (%v); want a ghs_ token that lasts an hour", tok, m["expires_at"], err)
				}
				minted = append(minted, tok)
			}
		})
	}
	if len(minted) != 2 || minted[0] == minted[1] {
		t.Fatalf("minted %q, want two different tokens", minted)
	}
	checkRun := `{"name":"connectbot","head_sha":"` + head + `"}`
	for _, tok := range minted {
		if status, got := apiCallAs(t, srv, tok, "POST", "/check-runs", checkRun); status != http.StatusCreated {
			t.Errorf("a minted token creates no check run: %d %v", status, got)
		}
		status, got := apiCallAs(t, srv, tok, "POST", "/issues", `{"title":"By the App"}`)
		if user, _ := got.(map[string]any)["user"].(map[string]any); status != http.StatusCreated || user["login"] != forgetest.BotLogin {
			t.Errorf("an issue opened with a minted token: %d %v; want %s's", status, got, forgetest.BotLogin)
		}
	}
}

// TestGHInstallationMintsTokens runs the client connectbot's App mode
// uses, ghinstallation, against the fake: it signs its JWT with the App's
// key, mints an installation token and writes a check run with it.
func TestGHInstallationMintsTokens(t *testing.T) {
	srv := forgetest.NewServer(t, "octo-org", "hello-world")
	_, keyPEM := appKey(t)
	if err := srv.SetAppKey(keyPEM); err != nil {
		t.Fatal(err)
	}
	head := srv.Commit("feature", "Add acme", map[string]string{"applications/acme.cue": "v1\n"})
	itr, err := ghinstallation.New(srv.Client().Transport, forgetest.AppID, forgetest.InstallationID, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	itr.BaseURL = srv.URL()
	client := &http.Client{Transport: itr}
	resp, err := client.Post(srv.URL()+"/repos/octo-org/hello-world/check-runs", "application/json",
		strings.NewReader(`{"name":"connectbot","head_sha":"`+head+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("check run with ghinstallation's token: %d, want 201", resp.StatusCode)
	}
	if runs := srv.CheckRuns(head); len(runs) != 1 {
		t.Errorf("check runs on %s: %+v, want one", head, runs)
	}
}
