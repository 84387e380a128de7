package gitrepo

import (
	"context"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/client"
	"github.com/go-git/go-git/v5/plumbing/transport/server"
)

// init replaces go-git's file transport, which runs the git-upload-pack and
// git-receive-pack programs, with go-git's own server running in process,
// so that clones, fetches and pushes to local paths never leave Go. It is
// done here, once, because go-git keeps its transports in a global table
// that must not change while other goroutines use it.
func init() {
	client.InstallProtocol("file", localTransport{})
}

// localTransport serves local repositories with go-git's in-process server.
type localTransport struct{}

// load opens the repository at the endpoint's path, worktree or bare.
func (localTransport) load(ep *transport.Endpoint) (storer.Storer, error) {
	repo, err := git.PlainOpenWithOptions(ep.Path, &git.PlainOpenOptions{EnableDotGitCommonDir: true})
	if err != nil {
		return nil, transport.ErrRepositoryNotFound
	}
	return repo.Storer, nil
}

// NewUploadPackSession starts a fetch from a local repository.
func (t localTransport) NewUploadPackSession(ep *transport.Endpoint, auth transport.AuthMethod) (transport.UploadPackSession, error) {
	sto, err := t.load(ep)
	if err != nil {
		return nil, err
	}
	s, err := server.NewClient(staticLoader{sto}).NewUploadPackSession(ep, auth)
	if err != nil {
		return nil, err
	}
	return &localUploadSession{UploadPackSession: s, sto: sto}, nil
}

// NewReceivePackSession starts a push to a local repository.
func (t localTransport) NewReceivePackSession(ep *transport.Endpoint, auth transport.AuthMethod) (transport.ReceivePackSession, error) {
	sto, err := t.load(ep)
	if err != nil {
		return nil, err
	}
	return server.NewClient(staticLoader{sto}).NewReceivePackSession(ep, auth)
}

// staticLoader is a server.Loader that always returns the same storer.
type staticLoader struct{ sto storer.Storer }

// Load returns the storer, whatever the endpoint.
func (l staticLoader) Load(*transport.Endpoint) (storer.Storer, error) { return l.sto, nil }

// localUploadSession adapts a fetch to what go-git's server supports: it
// drops "have" lines for objects the server lacks (go-git's client offers
// unpushed local commits, and the server fails on unknown ones) and any
// shallow request (the server sends whole histories, which is always
// correct for a local clone).
type localUploadSession struct {
	transport.UploadPackSession
	sto storer.Storer
}

// UploadPack filters the request, then serves it.
func (s *localUploadSession) UploadPack(ctx context.Context, req *packp.UploadPackRequest) (*packp.UploadPackResponse, error) {
	req.Haves = knownHashes(s.sto, req.Haves)
	req.Depth = packp.DepthCommits(0)
	req.Shallows = nil
	req.Capabilities.Delete(capability.Shallow)
	return s.UploadPackSession.UploadPack(ctx, req)
}

// knownHashes returns the hashes that sto holds.
func knownHashes(sto storer.EncodedObjectStorer, hashes []plumbing.Hash) []plumbing.Hash {
	var known []plumbing.Hash
	for _, h := range hashes {
		if sto.HasEncodedObject(h) == nil {
			known = append(known, h)
		}
	}
	return known
}
