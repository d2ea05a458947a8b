package safehttp

import (
	"fmt"
	"net/netip"
	"strings"
)

// blockedPrefixes are special-purpose ranges a server-side request must not
// reach by default (RFC 6890 and friends), beyond what netip's predicates
// cover: carrier-grade NAT, IETF protocol assignments, benchmarking,
// reserved, NAT64 (which maps onto IPv4, private ranges included),
// documentation ranges, 6to4 and Teredo relays, discard-only.
var blockedPrefixes = mustPrefixes(
	"0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "192.0.2.0/24", "198.18.0.0/15",
	"198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4",
	"64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "2001::/32", "2001:db8::/32", "2002::/16", "fc00::/7",
)

func mustPrefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

// Blocked reports whether addr is private, loopback, link-local,
// multicast, unspecified or otherwise special-purpose, and so refused
// unless allowed. IPv4-mapped IPv6 addresses are judged as IPv4.
func Blocked(addr netip.Addr) bool {
	addr = addr.Unmap()
	if !addr.IsValid() || addr.IsUnspecified() || addr.IsLoopback() || addr.IsPrivate() ||
		addr.IsLinkLocalUnicast() || addr.IsLinkLocalMulticast() || addr.IsInterfaceLocalMulticast() ||
		addr.IsMulticast() || addr == netip.IPv4Unspecified() || addr == netip.AddrFrom4([4]byte{255, 255, 255, 255}) {
		return true
	}
	for _, p := range blockedPrefixes {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// ParseAllowList parses a comma-separated list of addresses and CIDR
// prefixes ("10.1.2.3, 192.168.0.0/16, fd00::/8") an admin allows outbound
// requests to reach even though they are private.
func ParseAllowList(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, fmt.Errorf("outbound allow-list: %q is not an address or prefix", f)
			}
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("outbound allow-list: %q is not an address or prefix", f)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}
