/* proxy: who the client is when oko sits behind reverse proxies (`serve --trusted-proxy`).
 *
 * A proxy tells the client's address in X-Forwarded-For, but anybody can send that header:
 * it is believed only when the connecting peer is a declared proxy, and then only as far
 * as the chain of declared proxies goes. Walking the list from the right (each proxy
 * appends the address it saw), the first address that is not a declared proxy is the
 * client; what lies left of it was written by the client and proves nothing. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "base/err.h"
#include "web/web.h"

/* IPv4-mapped IPv6 (::ffff:a.b.c.d, what an IPv6 socket reports for an IPv4 client) is
 * the IPv4 address. */
static void unmap(struct web_addr *a)
{
	static const unsigned char prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	if (a->family == AF_INET6 && !memcmp(a->a, prefix, sizeof prefix)) {
		memmove(a->a, a->a + 12, 4);
		memset(a->a + 4, 0, 12);
		a->family = AF_INET;
	}
}

int web_addr_parse(const char *s, size_t n, struct web_addr *out)
{
	char t[INET6_ADDRSTRLEN + 8];
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (!n || n >= sizeof t)
		return ERR_INVALID;
	memcpy(t, s, n);
	t[n] = '\0';
	char *host = t;
	if (t[0] == '[') { /* "[v6]" or "[v6]:port" */
		char *close = strchr(t, ']');
		if (!close || (close[1] && close[1] != ':'))
			return ERR_INVALID;
		*close = '\0';
		host = t + 1;
	} else {
		char *colon = strchr(t, ':');
		if (colon && !strchr(colon + 1, ':')) /* "v4:port" (one colon: not IPv6) */
			*colon = '\0';
	}
	memset(out, 0, sizeof *out);
	if (inet_pton(AF_INET, host, out->a) == 1) {
		out->family = AF_INET;
	} else if (inet_pton(AF_INET6, host, out->a) == 1) {
		out->family = AF_INET6;
		unmap(out);
	} else {
		return ERR_INVALID;
	}
	return 0;
}

int web_addr_from_sockaddr(const void *sockaddr, struct web_addr *out)
{
	const struct sockaddr *sa = sockaddr;
	memset(out, 0, sizeof *out);
	if (sa && sa->sa_family == AF_INET) {
		out->family = AF_INET;
		memcpy(out->a, &((const struct sockaddr_in *)sockaddr)->sin_addr, 4);
	} else if (sa && sa->sa_family == AF_INET6) {
		out->family = AF_INET6;
		memcpy(out->a, &((const struct sockaddr_in6 *)sockaddr)->sin6_addr, 16);
		unmap(out);
	} else {
		return ERR_INVALID;
	}
	return 0;
}

void web_addr_str(const struct web_addr *a, char *out, size_t n)
{
	if (!a->family || !inet_ntop(a->family, a->a, out, (socklen_t)n))
		snprintf(out, n, "?");
}

/* True when a lies in the network net/bits. */
static bool in_net(const struct web_addr *a, const struct web_addr *net, int bits)
{
	if (a->family != net->family)
		return false;
	int whole = bits / 8, rest = bits % 8;
	if (memcmp(a->a, net->a, (size_t)whole))
		return false;
	if (!rest)
		return true;
	unsigned char mask = (unsigned char)(0xFF00 >> rest);
	return (a->a[whole] & mask) == (net->a[whole] & mask);
}

int web_proxies_parse(const char *list, struct web_proxies *p, char *msg, size_t msglen)
{
	memset(p, 0, sizeof *p);
	const char *s = list;
	for (;;) {
		size_t n = strcspn(s, ",");
		const char *slash = memchr(s, '/', n);
		size_t an = slash ? (size_t)(slash - s) : n;
		struct web_addr a;
		long bits = -1;
		if (slash) {
			char digits[8], *end;
			size_t dn = n - an - 1;
			if (!dn || dn >= sizeof digits)
				goto bad;
			memcpy(digits, slash + 1, dn);
			digits[dn] = '\0';
			bits = strtol(digits, &end, 10);
			if (*end)
				goto bad;
		}
		char t[INET6_ADDRSTRLEN];
		if (!an || an >= sizeof t)
			goto bad;
		memcpy(t, s, an);
		t[an] = '\0';
		memset(&a, 0, sizeof a);
		if (inet_pton(AF_INET, t, a.a) == 1) {
			a.family = AF_INET;
		} else if (inet_pton(AF_INET6, t, a.a) == 1) {
			a.family = AF_INET6;
			unmap(&a);
		} else {
			goto bad;
		}
		int max = a.family == AF_INET ? 32 : 128;
		if (bits < 0)
			bits = max;
		if (bits > max)
			goto bad;
		if (p->n >= WEB_MAX_PROXIES) {
			snprintf(msg, msglen, "доверенных прокси не больше %d (укажите сеть: АДРЕС/ДЛИНА)",
				 WEB_MAX_PROXIES);
			return ERR_LIMIT;
		}
		p->net[p->n] = a;
		p->bits[p->n++] = (int)bits;
		if (!s[n])
			return 0;
		s += n + 1;
		continue;
	bad:
		snprintf(msg, msglen, "«%.*s» — не адрес и не сеть (нужно, например, 127.0.0.1, ::1 или "
			 "10.0.0.0/8)", (int)(n > 64 ? 64 : n), s);
		return ERR_INVALID;
	}
}

bool web_proxies_trust(const struct web_proxies *p, const struct web_addr *a)
{
	for (int i = 0; p && i < p->n; i++)
		if (in_net(a, &p->net[i], p->bits[i]))
			return true;
	return false;
}

void web_client_addr(const struct web_proxies *p, const struct web_addr *peer, const char *const *xff,
		     int nxff, struct web_addr *client)
{
	*client = *peer;
	for (int h = nxff - 1; h >= 0 && web_proxies_trust(p, client); h--) {
		const char *v = xff[h];
		size_t end = strlen(v);
		for (;;) {
			size_t start = end;
			while (start > 0 && v[start - 1] != ',')
				start--;
			struct web_addr a;
			if (web_addr_parse(v + start, end - start, &a))
				return; /* not an address: stop at the proxy that passed it on */
			*client = a;
			if (!web_proxies_trust(p, client) || start == 0)
				break;
			end = start - 1;
		}
	}
}
