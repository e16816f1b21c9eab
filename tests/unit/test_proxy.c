/* Unit tests of the client address behind trusted proxies (web/proxy.c): X-Forwarded-For
 * is believed only from a declared proxy and only as far as the chain of declared proxies
 * goes; the --trusted-proxy list parses addresses and networks and refuses the rest. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "base/err.h"
#include "web/web.h"

/* The client as text for a peer and X-Forwarded-For values, with proxies list. */
static const char *client(const char *list, const char *peer, const char *const *xff, int n)
{
	static char out[64];
	struct web_proxies p;
	char msg[256];
	struct web_addr a, c;
	assert_int_equal(web_proxies_parse(list, &p, msg, sizeof msg), 0);
	assert_int_equal(web_addr_parse(peer, strlen(peer), &a), 0);
	web_client_addr(&p, &a, xff, n, &c);
	web_addr_str(&c, out, sizeof out);
	return out;
}

#define XFF(...) ((const char *const[]){ __VA_ARGS__ }), (int)(sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *))

static void test_untrusted_peer_is_the_client(void **state)
{
	/* Anybody can send the header: from a peer that is not a proxy it is ignored. */
	assert_string_equal(client("10.0.0.1", "203.0.113.7", XFF("198.51.100.1")), "203.0.113.7");
	assert_string_equal(client("10.0.0.1", "10.0.0.1", NULL, 0), "10.0.0.1");
}

static void test_rightmost_untrusted_address(void **state)
{
	/* nginx appends the address it saw: what the client wrote stands left of it. */
	assert_string_equal(client("10.0.0.1", "10.0.0.1", XFF("1.1.1.1, 203.0.113.7")), "203.0.113.7");
	/* Two proxies in a row, declared as a network; the chain spans two headers. */
	assert_string_equal(client("10.0.0.0/8", "10.0.0.2", XFF("1.1.1.1, 203.0.113.7", "10.0.0.1")),
			    "203.0.113.7");
	/* Every hop a proxy: the leftmost. */
	assert_string_equal(client("10.0.0.0/8", "10.0.0.2", XFF("10.0.0.3,10.0.0.1")), "10.0.0.3");
	/* Garbage stops the walk at the proxy that passed it on. */
	assert_string_equal(client("10.0.0.0/8", "10.0.0.2", XFF("203.0.113.7, unknown")), "10.0.0.2");
	assert_string_equal(client("10.0.0.1", "10.0.0.1", XFF("")), "10.0.0.1");
	/* Ports and brackets, IPv6 and IPv4-mapped IPv6. */
	assert_string_equal(client("10.0.0.1", "10.0.0.1", XFF("203.0.113.7:5555")), "203.0.113.7");
	assert_string_equal(client("::1", "::1", XFF("[2001:db8::5]:443")), "2001:db8::5");
	assert_string_equal(client("127.0.0.1", "::ffff:127.0.0.1", XFF("2001:db8::5")), "2001:db8::5");
	assert_string_equal(client("10.0.0.1", "10.0.0.1", XFF("::ffff:203.0.113.9")), "203.0.113.9");
}

static void test_proxy_list(void **state)
{
	struct web_proxies p;
	char msg[256];
	struct web_addr a;
	assert_int_equal(web_proxies_parse("127.0.0.1,::1,192.168.0.0/16,fd00::/8", &p, msg, sizeof msg), 0);
	assert_int_equal(p.n, 4);
	assert_int_equal(web_addr_parse("192.168.77.1", 12, &a), 0);
	assert_true(web_proxies_trust(&p, &a));
	assert_int_equal(web_addr_parse("192.169.0.1", 11, &a), 0);
	assert_false(web_proxies_trust(&p, &a));
	assert_int_equal(web_addr_parse("fd12::1", 7, &a), 0);
	assert_true(web_proxies_trust(&p, &a));
	assert_false(web_proxies_trust(NULL, &a));
	/* A network with an odd prefix length. */
	assert_int_equal(web_proxies_parse("172.16.0.0/12", &p, msg, sizeof msg), 0);
	assert_int_equal(web_addr_parse("172.31.255.255", 14, &a), 0);
	assert_true(web_proxies_trust(&p, &a));
	assert_int_equal(web_addr_parse("172.32.0.1", 10, &a), 0);
	assert_false(web_proxies_trust(&p, &a));
	const char *bad[] = { "", "localhost", "10.0.0.1/33", "::1/129", "10.0.0.1:80", "10.0.0.1,",
			      "10.0.0.0/", "10.0.0.0/8x", "[::1]" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		msg[0] = '\0';
		assert_int_equal(web_proxies_parse(bad[i], &p, msg, sizeof msg), ERR_INVALID);
		assert_true(strstr(msg, "не адрес") != NULL);
	}
	char many[512] = "";
	for (int i = 0; i <= WEB_MAX_PROXIES; i++)
		snprintf(many + strlen(many), sizeof many - strlen(many), "%s10.0.0.%d", i ? "," : "", i);
	assert_int_equal(web_proxies_parse(many, &p, msg, sizeof msg), ERR_LIMIT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_untrusted_peer_is_the_client),
		cmocka_unit_test(test_rightmost_untrusted_address),
		cmocka_unit_test(test_proxy_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
