package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/connectbot/connectbot/internal/appmanifest"
	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/settings"
)

const appSynopsis = "app create|installations [flags]"

// defaultAppDir is where app create writes the App's credentials.
const defaultAppDir = "connectbot-app"

// runApp creates the GitHub App connectbot runs as, and lists where it is
// installed: its first argument names one of appCommands.
func runApp(e *env, args []string) int {
	if len(args) > 0 {
		for _, c := range appCommands() {
			if c.name == "app "+args[0] {
				return c.exec(e, args[1:])
			}
		}
		switch args[0] {
		case "-h", "-help", "--help", "help":
			fmt.Fprintf(e.stdout, "Usage: connectbot %s\n\n", appSynopsis)
			for _, c := range appCommands() {
				fmt.Fprintf(e.stdout, "  %-15s%s\n", strings.TrimPrefix(c.name, "app "), c.summary)
			}
			return exitOK
		}
	}
	return e.failf(exitCantRun, "usage: connectbot %s", appSynopsis)
}

// appCommands are app's own commands, in the order its help lists them.
func appCommands() []command {
	return []command{
		{name: "app create", summary: "create the App through GitHub's manifest flow; write its credentials", synopsis: "app create --org ORG --webhook-url URL [--name NAME] [--dir DIR] [--addr HOST:PORT] [--timeout DURATION]", flags: appCreateCommand},
		{name: "app installations", summary: "list the App's installations and their IDs", synopsis: "app installations [--dir DIR] [--format text|json]", flags: appInstallationsCommand},
	}
}

// appCreateCommand runs GitHub's manifest flow from this machine: it serves a
// page that posts app.yml's manifest to GitHub, takes the code GitHub
// sends back, and writes the App's ID, private key and webhook secret.
func appCreateCommand(fs *flag.FlagSet) runFunc {
	org := fs.String("org", "", "the organization that will own the App; empty: your personal account")
	name := fs.String("name", "", "the App's name, unique on GitHub; default connectbot-ORG")
	hookURL := fs.String("webhook-url", "", "where GitHub delivers the App's events: serve's URL ending in /webhook (required)")
	dir := fs.String("dir", defaultAppDir, "the directory the credentials are written to, each file 0600")
	addr := fs.String("addr", "127.0.0.1:0", "where the local page listens; GitHub sends your browser back to it")
	timeout := fs.Duration("timeout", 15*time.Minute, "how long to wait for the App to be created")
	return func(e *env, _ []string) int {
		if *hookURL == "" || !strings.HasPrefix(*hookURL, "https://") && !strings.HasPrefix(*hookURL, "http://") {
			return e.failf(exitCantRun, "app create: --webhook-url must be serve's http(s) URL, e.g. https://connectbot.example.com/webhook")
		}
		if *name == "" {
			*name = strings.TrimSuffix(appmanifest.Name+"-"+*org, "-")
		}
		if err := appmanifest.Free(*dir); err != nil {
			return e.failf(exitCantRun, "app create: %v", err)
		}
		state := make([]byte, 16)
		if _, err := rand.Read(state); err != nil {
			return e.failf(exitCantRun, "app create: %v", err)
		}
		ln, err := net.Listen("tcp", *addr)
		if err != nil {
			return e.failf(exitCantRun, "app create: %v", err)
		}
		apiURL := e.getenv("GITHUB_API_URL")
		flow := &appmanifest.Flow{
			Manifest:  appmanifest.New(*name, *hookURL, ""),
			NewAppURL: appmanifest.NewAppURL(orDefault(e.getenv("GITHUB_SERVER_URL"), "https://github.com"), *org),
			State:     hex.EncodeToString(state),
			Exchange: func(ctx context.Context, code string) (forge.App, error) {
				return forge.CreateAppFromManifest(ctx, apiURL, e.httpClient, code)
			},
		}
		fmt.Fprintf(e.stdout, "Open http://%s/ in a browser signed in to GitHub (as an owner of the organization, for --org):\nit sends the App's manifest to GitHub, where you create the App %q.\n", ln.Addr(), *name)
		ctx, cancel := context.WithTimeout(context.Background(), *timeout)
		defer cancel()
		app, err := flow.Run(ctx, ln)
		if err != nil {
			return e.failf(exitCantRun, "app create: %v", err)
		}
		paths, err := appmanifest.WriteCredentials(*dir, app)
		if err != nil {
			return e.failf(exitCantRun, "app create: the App %s (ID %d) is created, but its credentials could not be written: %v", app.Slug, app.ID, err)
		}
		fmt.Fprintf(e.stdout, "\nCreated the GitHub App %s (ID %d): %s\nWrote, each readable by you alone (0600):\n", app.Name, app.ID, app.HTMLURL)
		for _, p := range paths {
			fmt.Fprintf(e.stdout, "  %s\n", p)
		}
		fmt.Fprintf(e.stdout, "Next: install it on the program's repository at %s/installations/new,\nthen `connectbot app installations --dir %s` prints the installation ID serve needs.\n", app.HTMLURL, *dir)
		return exitOK
	}
}

// appInstallationsCommand lists the installations of the App whose credentials
// app create wrote in --dir.
func appInstallationsCommand(fs *flag.FlagSet) runFunc {
	dir := fs.String("dir", defaultAppDir, "the directory app create wrote the App's credentials to")
	format := formatVar(fs, "text or json", "text", "json")
	return func(e *env, _ []string) int {
		rawID, err := os.ReadFile(filepath.Join(*dir, appmanifest.AppIDFile))
		if errors.Is(err, os.ErrNotExist) {
			return e.failf(exitCantRun, "app installations: %s does not exist: create the App first with connectbot app create, or give --dir the directory it wrote", filepath.Join(*dir, appmanifest.AppIDFile))
		}
		if err != nil {
			return e.failf(exitCantRun, "app installations: %v", err)
		}
		appID, err := settings.PositiveID(filepath.Join(*dir, appmanifest.AppIDFile), strings.TrimSpace(string(rawID)))
		if err != nil {
			return e.failf(exitCantRun, "app installations: %v", err)
		}
		key, err := os.ReadFile(filepath.Join(*dir, appmanifest.PrivateKeyFile))
		if err != nil {
			return e.failf(exitCantRun, "app installations: %v", err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		list, err := forge.ListInstallations(ctx, e.getenv("GITHUB_API_URL"), e.httpClient, appID, key)
		if err != nil {
			return e.failf(exitCantRun, "app installations: %v", err)
		}
		return printInstallations(e, format.value, list)
	}
}

// printInstallations writes the installations as a table or as JSON.
func printInstallations(e *env, format string, list []forge.Installation) int {
	if format == "json" {
		type row struct {
			ID                  int64  `json:"id"`
			Account             string `json:"account"`
			RepositorySelection string `json:"repositorySelection"`
		}
		rows := []row{}
		for _, in := range list {
			rows = append(rows, row{in.ID, in.Account, in.RepositorySelection})
		}
		b, _ := json.Marshal(map[string]any{"installations": rows})
		fmt.Fprintf(e.stdout, "%s\n", b)
		return exitOK
	}
	if len(list) == 0 {
		fmt.Fprintln(e.stdout, "The App is installed nowhere yet: install it on the program's repository first.")
		return exitOK
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "INSTALLATION ID\tACCOUNT\tREPOSITORIES")
	for _, in := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", strconv.FormatInt(in.ID, 10), in.Account, in.RepositorySelection)
	}
	tw.Flush()
	fmt.Fprintln(e.stdout, "Give serve the program's installation as CONNECTBOT_INSTALLATION_ID.")
	return exitOK
}

// orDefault returns v, or def when v is empty.
func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
