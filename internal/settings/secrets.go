package settings

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// maxSecretBytes bounds what a secret file may hold: a webhook secret or
// an App's private key is a few KiB at most, and a mistaken path (a log, a
// device) must not be read whole.
const maxSecretBytes = 64 << 10

// secret reads the secret called name from the environment, either as
// the variable itself or from the file its name+"_FILE" variable names (as
// a Kubernetes Secret or a Docker secret mounts it). It returns the value,
// trimmed of surrounding white space when read from a file; "" when
// neither is set. Both set, a file that cannot be read, and a file holding
// nothing are one-line errors naming the variable.
func secret(getenv func(string) string, name string) (string, error) {
	fileVar := name + "_FILE"
	direct, path := getenv(name), getenv(fileVar)
	switch {
	case direct != "" && path != "":
		return "", fmt.Errorf("%s and %s are both set: give the secret one way", name, fileVar)
	case path == "":
		return direct, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("%s: %w", fileVar, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxSecretBytes+1))
	if err != nil {
		return "", fmt.Errorf("%s: read %s: %w", fileVar, path, err)
	}
	if len(b) > maxSecretBytes {
		return "", fmt.Errorf("%s: %s is larger than %d KiB, which no secret is", fileVar, path, maxSecretBytes>>10)
	}
	value := strings.TrimSpace(string(b))
	if value == "" {
		return "", fmt.Errorf("%s: %s is empty", fileVar, path)
	}
	return value, nil
}
