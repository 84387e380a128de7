package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
)

// ErrBadSignature reports a delivery whose X-Hub-Signature-256 does not
// match any configured secret, or is missing.
var ErrBadSignature = errors.New("signature does not match")

// Verify checks a delivery's X-Hub-Signature-256 header against each
// secret (several, so a secret can be rotated) in constant time.
func Verify(header string, body []byte, secrets [][]byte) error {
	hexSig, ok := strings.CutPrefix(header, "sha256=")
	if !ok {
		return ErrBadSignature
	}
	sig, err := hex.DecodeString(hexSig)
	if err != nil || len(sig) != sha256.Size {
		return ErrBadSignature
	}
	match := false
	for _, secret := range secrets {
		if len(secret) == 0 {
			continue
		}
		mac := hmac.New(sha256.New, secret)
		mac.Write(body)
		// Every secret is compared, so timing says nothing about which.
		if hmac.Equal(sig, mac.Sum(nil)) {
			match = true
		}
	}
	if !match {
		return ErrBadSignature
	}
	return nil
}

// Sign returns the X-Hub-Signature-256 header value for body, as GitHub
// computes it. Tests and the local replay tool use it.
func Sign(body, secret []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}
