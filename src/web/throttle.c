/* throttle: slows password guessing at the login form without locking schools out.
 *
 * Failed logins are counted twice, each count forgotten THROTTLE_WINDOW seconds after its
 * last failure:
 *
 * - per account, keyed by the login typed (whether it exists or not, so the answer does not
 *   tell): ACCOUNT_FREE failures are free, then each attempt waits 2, 4, 8 … seconds after
 *   the last failure, at most ACCOUNT_MAX_DELAY. A successful login clears the count. This
 *   is what stops guessing one account's password: beyond the free ones, at most one guess
 *   per 5 minutes.
 * - per client address (an IPv4 address, or the /64 network of an IPv6 one, which a single
 *   machine usually owns whole): only far above normal use, ADDRESS_FREE failures in the
 *   window, then the same growing delay. A whole school behind one NAT address, or everybody
 *   when the server sits behind a reverse proxy that does not pass the client's address,
 *   shares one address; 300 failed logins in 15 minutes is one every 3 seconds without
 *   pause, which no region's staff reaches by mistyping, so a few wrong logins with made-up
 *   names no longer block every account of the address. It bounds guessing across many
 *   accounts from one address (password spraying), which the password rules
 *   (user_password_check) answer too.
 *
 * Memory is fixed: each counter lives in a set-associative table (sets of WAYS slots) whose
 * set is chosen by SipHash of the key under a random key of this process, so nobody can aim
 * names at the set of a chosen account. A slot is reused only when its count has expired:
 * a live count is never evicted, so flooding the table with other names cannot clear an
 * account's count (as the former 256-slot table did by dropping its oldest entry). When a
 * failure finds its set full of live counts it is recorded in the table's one overflow
 * count instead, and every key whose set is full waits by that shared count: the stricter
 * rule applies only to keys that could not be counted on their own, and only while a flood
 * of at least 8 live keys per set (16 384 accounts or 4 096 addresses failing within 15
 * minutes) lasts.
 *
 * Known limit: whoever knows a login can keep its owner waiting up to ACCOUNT_MAX_DELAY
 * between attempts by failing on purpose; the audit log shows it (login_failed rows with
 * the login and addresses). The counts live in the server's memory: a restart forgets them. */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sodium.h>

#include "web/web.h"

#define THROTTLE_WINDOW 900     /* seconds a count lives after its last failure */
#define ACCOUNT_FREE 5          /* failures of one login before it waits */
#define ACCOUNT_MAX_DELAY 300
#define ADDRESS_FREE 300        /* failures from one address before it waits */
#define ADDRESS_MAX_DELAY 300
#define WAYS 8
#define ACCOUNT_SETS 2048       /* 16 384 accounts with live counts */
#define ADDRESS_SETS 512        /* 4 096 addresses with live counts */

struct slot {
	uint64_t tag;  /* SipHash of the key */
	int64_t last;  /* time of the last failure */
	int32_t fails; /* 0 = empty */
};

struct table {
	struct slot *slots;
	unsigned sets;
	int free, max_delay;
	struct slot overflow; /* failures of keys whose set was full of live counts */
};

static struct slot account_slots[ACCOUNT_SETS * WAYS], address_slots[ADDRESS_SETS * WAYS];
static struct table accounts = { account_slots, ACCOUNT_SETS, ACCOUNT_FREE, ACCOUNT_MAX_DELAY, { 0 } };
static struct table addresses = { address_slots, ADDRESS_SETS, ADDRESS_FREE, ADDRESS_MAX_DELAY, { 0 } };
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static unsigned char hash_key[crypto_shorthash_KEYBYTES];

static void make_key(void)
{
	if (sodium_init() >= 0)
		crypto_shorthash_keygen(hash_key);
}

static uint64_t tag_of(const void *key, size_t n)
{
	unsigned char h[crypto_shorthash_BYTES];
	pthread_once(&key_once, make_key);
	crypto_shorthash(h, key, n, hash_key);
	uint64_t t;
	memcpy(&t, h, sizeof t);
	return t;
}

static uint64_t login_tag(const char *login)
{
	return tag_of(login, strlen(login));
}

/* An IPv6 address counts by its /64 (one machine can use the whole network); IPv4, IPv4
 * mapped into IPv6, and anything unparsable by the text. */
static uint64_t address_tag(const char *ip)
{
	unsigned char a[16];
	if (inet_pton(AF_INET6, ip, a) == 1) {
		static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
		return memcmp(a, mapped, sizeof mapped) ? tag_of(a, 8) : tag_of(a + 12, 4);
	}
	if (inet_pton(AF_INET, ip, a) == 1)
		return tag_of(a, 4);
	return tag_of(ip, strlen(ip));
}

static bool live(const struct slot *s, int64_t now)
{
	return s->fails > 0 && now - s->last <= THROTTLE_WINDOW;
}

static struct slot *set_of(struct table *t, uint64_t tag)
{
	return &t->slots[(tag % t->sets) * WAYS];
}

/* The live count of tag, or NULL. */
static struct slot *find(struct table *t, uint64_t tag, int64_t now)
{
	struct slot *set = set_of(t, tag);
	for (int i = 0; i < WAYS; i++)
		if (set[i].tag == tag && live(&set[i], now))
			return &set[i];
	return NULL;
}

/* The count of tag, taking a slot whose count is empty or expired; NULL when every slot of
 * the set holds a live count of another key (a live count is never evicted). */
static struct slot *claim(struct table *t, uint64_t tag, int64_t now)
{
	struct slot *s = find(t, tag, now), *set = set_of(t, tag);
	for (int i = 0; i < WAYS && !s; i++)
		if (!live(&set[i], now)) {
			s = &set[i];
			s->tag = tag;
			s->fails = 0;
		}
	return s;
}

static void count(struct slot *s, int64_t now)
{
	if (!live(s, now))
		s->fails = 0;
	if (s->fails < INT32_MAX)
		s->fails++;
	s->last = now;
}

/* Seconds the count s still imposes. */
static int wait_of(const struct table *t, const struct slot *s, int64_t now)
{
	if (!live(s, now) || s->fails < t->free)
		return 0;
	int extra = s->fails - t->free;
	int delay = extra >= 16 ? t->max_delay : 2 << extra;
	if (delay > t->max_delay)
		delay = t->max_delay;
	int64_t left = s->last + delay - now;
	return left > 0 ? (int)left : 0;
}

static void fail_in(struct table *t, uint64_t tag, int64_t now)
{
	struct slot *s = claim(t, tag, now);
	count(s ? s : &t->overflow, now);
}

static int wait_in(struct table *t, uint64_t tag, int64_t now)
{
	struct slot *s = find(t, tag, now);
	if (s)
		return wait_of(t, s, now);
	struct slot *set = set_of(t, tag);
	for (int i = 0; i < WAYS; i++)
		if (!live(&set[i], now))
			return 0; /* its failures, if any, would have had a slot */
	return wait_of(t, &t->overflow, now);
}

void web_throttle_fail(const char *ip, const char *login, int64_t now)
{
	uint64_t a = address_tag(ip), l = login_tag(login);
	pthread_mutex_lock(&mu);
	fail_in(&addresses, a, now);
	fail_in(&accounts, l, now);
	pthread_mutex_unlock(&mu);
}

int web_throttle_wait(const char *ip, const char *login, int64_t now)
{
	uint64_t a = address_tag(ip), l = login_tag(login);
	pthread_mutex_lock(&mu);
	int wa = wait_in(&addresses, a, now), wl = wait_in(&accounts, l, now);
	pthread_mutex_unlock(&mu);
	return wa > wl ? wa : wl;
}

void web_throttle_reset(const char *login, int64_t now)
{
	uint64_t l = login_tag(login);
	pthread_mutex_lock(&mu);
	struct slot *s = find(&accounts, l, now);
	if (s)
		s->fails = 0;
	pthread_mutex_unlock(&mu);
}
