// Command samplegen writes N synthetic application files into a directory,
// to measure connectbot on a large program:
//
//	go run ./cmd/samplegen -n 10000 -out /tmp/program/applications
//	/usr/bin/time -v connectbot validate --repo /tmp/program
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/samplegen"
)

func main() {
	n := flag.Int("n", 10000, "how many applications to write")
	out := flag.String("out", application.Dir, "directory to write them into")
	flag.Parse()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "samplegen:", err)
		os.Exit(2)
	}
	for i := range *n {
		p := filepath.Join(*out, samplegen.Slug(i)+application.Ext)
		if err := os.WriteFile(p, samplegen.Application(i), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "samplegen:", err)
			os.Exit(2)
		}
	}
}
