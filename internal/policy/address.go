package policy

import (
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/net/idna"
)

// The settings of Config.DocumentationDomains.
const (
	docDomainsWarning = "warning"
	docDomainsError   = "error"
)

// hostKind is what a link's host says about who can open it.
type hostKind int

const (
	// hostPublic is a host anyone on the internet may reach.
	hostPublic hostKind = iota
	// hostPrivate is reachable only on the integrator's machine or
	// network: localhost, loopback, private and link-local ranges,
	// single-label names, .local, .internal.
	hostPrivate
	// hostDocumentation is a name or range reserved for documentation
	// and tests (RFC 2606, RFC 6761, RFC 5737, RFC 3849), which no
	// customer can reach.
	hostDocumentation
)

// privateSuffixes are the names reserved for one machine or one network:
// localhost (RFC 6761), .local (mDNS, RFC 6762), .internal (reserved by
// ICANN for private use) and home.arpa (RFC 8375).
var privateSuffixes = []string{"localhost", "local", "internal", "home.arpa"}

// documentationSuffixes are the names reserved for documentation and
// tests: RFC 2606's example.com, .net and .org and the .example, .test and
// .invalid top-level domains, which RFC 6761 keeps out of the DNS.
var documentationSuffixes = []string{"example", "test", "invalid", "example.com", "example.net", "example.org"}

// Address ranges no customer can reach: RFC 6598's shared address space
// (carrier-grade NAT), "this network" (0.0.0.0/8), and the ranges kept for
// documentation (RFC 5737, RFC 3849).
var (
	notRoutable = []netip.Prefix{
		netip.MustParsePrefix("0.0.0.0/8"),
		netip.MustParsePrefix("100.64.0.0/10"),
	}
	documentationRanges = []netip.Prefix{
		netip.MustParsePrefix("192.0.2.0/24"),
		netip.MustParsePrefix("198.51.100.0/24"),
		netip.MustParsePrefix("203.0.113.0/24"),
		netip.MustParsePrefix("2001:db8::/32"),
	}
)

// linkHost returns the host of an absolute web address, as a browser would
// look it up: an internationalised name in its ASCII (punycode) form, in
// lower case, without a trailing dot. ok is false when u has no host.
func linkHost(u string) (host string, ok bool) {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || p.Host == "" {
		return "", false
	}
	host = strings.TrimRight(p.Hostname(), ".")
	if !isASCII(host) {
		if a, err := idna.Lookup.ToASCII(host); err == nil {
			host = a
		}
	}
	return strings.ToLower(host), host != ""
}

// classifyHost says who can reach host (as linkHost returns it): an IP
// address in any form a browser reads as one (dotted, one number,
// hexadecimal or octal parts: "2130706433", "0x7f.1"), or a name.
func classifyHost(host string) hostKind {
	if ip, ok := hostIP(host); ok {
		return classifyIP(ip)
	}
	if !strings.Contains(host, ".") {
		return hostPrivate // a single label is a name on the local network
	}
	if hasDomainSuffix(host, privateSuffixes) {
		return hostPrivate
	}
	if hasDomainSuffix(host, documentationSuffixes) {
		return hostDocumentation
	}
	return hostPublic
}

// classifyIP says who can reach an address.
func classifyIP(ip netip.Addr) hostKind {
	ip = ip.Unmap()
	switch {
	case ip.IsLoopback(), ip.IsPrivate(), ip.IsUnspecified(), ip.IsLinkLocalUnicast(),
		ip.IsLinkLocalMulticast(), ip.IsInterfaceLocalMulticast(), ip.IsMulticast():
		return hostPrivate
	}
	for _, p := range notRoutable {
		if p.Contains(ip) {
			return hostPrivate
		}
	}
	for _, p := range documentationRanges {
		if p.Contains(ip) {
			return hostDocumentation
		}
	}
	return hostPublic
}

// hostIP reads host as an IP address: IPv6 (as url.Hostname leaves it,
// without brackets), or IPv4 as the WHATWG URL standard's IPv4 parser
// reads it, which is how browsers resolve "http://2130706433/" and
// "http://0x7f.1/" to 127.0.0.1.
func hostIP(host string) (netip.Addr, bool) {
	if strings.Contains(host, ":") {
		ip, err := netip.ParseAddr(host)
		return ip, err == nil
	}
	return parseIPv4(host)
}

// parseIPv4 is the WHATWG URL standard's IPv4 parser: one to four parts
// separated by dots (a single trailing dot is ignored), each a decimal,
// "0x" hexadecimal or "0" octal number; every part but the last is one
// byte, and the last fills the remaining bytes. A host whose last part is
// not a number is a name, not an address.
func parseIPv4(host string) (netip.Addr, bool) {
	host = strings.TrimSuffix(host, ".")
	if !endsInNumber(host) {
		return netip.Addr{}, false
	}
	parts := strings.Split(host, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	nums := make([]uint64, len(parts))
	for i, p := range parts {
		n, ok := ipv4Number(p)
		if !ok {
			return netip.Addr{}, false
		}
		nums[i] = n
	}
	last := len(nums) - 1
	if nums[last] >= 1<<(8*(4-last)) {
		return netip.Addr{}, false
	}
	v := nums[last]
	for i, n := range nums[:last] {
		if n > 255 {
			return netip.Addr{}, false
		}
		v += n << (8 * (3 - i))
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}

// endsInNumber is the WHATWG URL standard's test of whether a host is
// meant as an IPv4 address: its last label is decimal digits, or "0x"
// and hexadecimal digits.
func endsInNumber(host string) bool {
	last := host[strings.LastIndexByte(host, '.')+1:]
	if len(last) >= 2 && (last[:2] == "0x" || last[:2] == "0X") {
		last = last[2:]
		return strings.Trim(last, "0123456789abcdefABCDEF") == ""
	}
	return last != "" && strings.Trim(last, "0123456789") == ""
}

// ipv4Number reads one part of an IPv4 host: "0x" or "0X" then hex
// digits, "0" then octal digits, or decimal digits; "0x" alone is 0.
func ipv4Number(p string) (uint64, bool) {
	base := 10
	switch {
	case len(p) >= 2 && (p[:2] == "0x" || p[:2] == "0X"):
		p, base = p[2:], 16
		if p == "" {
			return 0, true
		}
	case len(p) > 1 && p[0] == '0':
		p, base = p[1:], 8
	}
	if p == "" || strings.ContainsAny(p, "+-_") {
		return 0, false
	}
	n, err := strconv.ParseUint(p, base, 64)
	return n, err == nil && n <= 1<<32
}

// hasDomainSuffix reports whether host is one of the domains or a
// subdomain of one.
func hasDomainSuffix(host string, domains []string) bool {
	for _, d := range domains {
		d = strings.ToLower(strings.Trim(d, "."))
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

// reachable checks that a link customers or reviewers must open is on a
// public host: a non-public address is an error under rule, a domain kept
// for documentation a warning or an error as the program says. It reports
// whether it found anything.
func (c *checker) reachable(rule, path, link string) bool {
	host, ok := linkHost(link)
	if !ok {
		return false
	}
	shown := strconv.Quote(host)
	if ip, ok := hostIP(host); ok && ip.String() != host {
		shown += " (" + ip.String() + ")"
	}
	switch classifyHost(host) {
	case hostPrivate:
		c.errorf(rule, path,
			"%s points to %s, an address only the integrator's own machine or network can reach (localhost, a loopback, private or link-local address, or a local name): give a public address customers can open",
			path, shown)
		return true
	case hostDocumentation:
		msg := "%s points to %s, a domain or address reserved for documentation and tests that no customer can open: give the real address"
		switch c.cfg.DocumentationDomains {
		case docDomainsError:
			c.errorf(rule, path, msg, path, shown)
			return true
		case docDomainsWarning:
			c.flagf(rule, path, msg, path, shown)
			return true
		}
	}
	return false
}

// platformPolicy flags a privacy page on the platform's own domain: the
// platform's policy is not the integrator's (Developer A5 asks for the
// integration's own).
func (c *checker) platformPolicy(rule, path, link string) {
	host, ok := linkHost(link)
	if !ok || !hasDomainSuffix(host, c.cfg.PlatformDomains) {
		return
	}
	c.flagf(rule, path,
		"%s is on %q, the platform's own domain: the privacy policy must be the integration's own, saying how it collects, uses and processes customer data",
		path, host)
}

// flagf adds a warning that only a person can judge: the reviewer
// checklist lists it with the sentence of its rule.
func (c *checker) flagf(rule, path, format string, args ...any) {
	c.warnf(rule, path, format, args...)
	c.file.Findings[len(c.file.Findings)-1].Flagged = true
}
