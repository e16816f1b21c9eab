/* Unit tests of the login throttle (web/throttle.c): per account with a growing delay, per
 * address only far above normal use, and no way to clear a count by flooding the table.
 * The throttle keeps its counts in memory for the process: each test starts an hour after
 * the previous one, when every earlier count has expired. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

#include "web/web.h"

static int64_t t0 = 1000000000;

static int64_t next_hour(void)
{
	t0 += 3600;
	return t0;
}

/* The address of a school's NAT: wrong logins with made-up names do not lock out the
 * other accounts behind it (the former throttle did after 5). */
static void test_made_up_names_do_not_lock_the_address(void **state)
{
	int64_t now = next_hour();
	char name[32];
	for (int i = 0; i < 50; i++) {
		snprintf(name, sizeof name, "nobody%d", i);
		web_throttle_fail("10.0.0.1", name, now);
	}
	assert_int_equal(web_throttle_wait("10.0.0.1", "teacher", now), 0);
	/* Each made-up name failed once: none of them waits either. */
	assert_int_equal(web_throttle_wait("10.0.0.1", "nobody7", now), 0);
}

/* One account: five free failures, then 2, 4, 8 … seconds, from whatever address. */
static void test_account_delay_grows(void **state)
{
	int64_t now = next_hour();
	char ip[32];
	for (int i = 0; i < 5; i++) {
		assert_int_equal(web_throttle_wait("192.0.2.1", "victim", now), 0);
		snprintf(ip, sizeof ip, "198.51.100.%d", i);
		web_throttle_fail(ip, "victim", now);
	}
	assert_int_equal(web_throttle_wait("192.0.2.1", "victim", now), 2);
	assert_int_equal(web_throttle_wait("192.0.2.1", "victim", now + 1), 1);
	assert_int_equal(web_throttle_wait("192.0.2.1", "victim", now + 2), 0);
	web_throttle_fail("192.0.2.1", "victim", now + 2);
	assert_int_equal(web_throttle_wait("192.0.2.1", "victim", now + 2), 4);
	web_throttle_fail("192.0.2.1", "victim", now + 6);
	assert_int_equal(web_throttle_wait("192.0.2.1", "victim", now + 6), 8);
	for (int i = 0; i < 20; i++)
		web_throttle_fail("192.0.2.1", "victim", now + 14);
	assert_int_equal(web_throttle_wait("192.0.2.1", "victim", now + 14), 300); /* at most */
	assert_int_equal(web_throttle_wait("192.0.2.1", "other", now + 14), 0);
	/* A login that succeeds clears its count. */
	web_throttle_reset("victim", now + 400);
	assert_int_equal(web_throttle_wait("192.0.2.1", "victim", now + 400), 0);
	/* A count is forgotten 15 minutes after its last failure. */
	for (int i = 0; i < 6; i++)
		web_throttle_fail("192.0.2.1", "forgotten", now + 500);
	assert_true(web_throttle_wait("192.0.2.1", "forgotten", now + 500) > 0);
	assert_int_equal(web_throttle_wait("192.0.2.1", "forgotten", now + 500 + 901), 0);
	web_throttle_fail("192.0.2.1", "forgotten", now + 500 + 901);
	assert_int_equal(web_throttle_wait("192.0.2.1", "forgotten", now + 500 + 901), 0);
}

/* One address: waits only after 300 failures in the window. */
static void test_address_limit_far_above_normal(void **state)
{
	int64_t now = next_hour();
	char name[32];
	for (int i = 0; i < 299; i++) {
		snprintf(name, sizeof name, "guess%d", i);
		web_throttle_fail("203.0.113.9", name, now);
	}
	assert_int_equal(web_throttle_wait("203.0.113.9", "teacher", now), 0);
	web_throttle_fail("203.0.113.9", "guess-last", now);
	assert_int_equal(web_throttle_wait("203.0.113.9", "teacher", now), 2);
	assert_int_equal(web_throttle_wait("203.0.113.10", "teacher", now), 0); /* another address */
	/* IPv6: one machine owns its /64, so the network counts as one address. */
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof name, "2001:db8:1:2::%x", i + 1);
		web_throttle_fail(name, "v6guess", now);
	}
	assert_true(web_throttle_wait("2001:db8:1:2:ffff::1", "teacher", now) > 0);
	assert_int_equal(web_throttle_wait("2001:db8:1:3::1", "teacher", now), 0);
}

/* Flooding the table with other names does not clear an account's count: live counts are
 * never evicted; names that find their set full share one stricter count. */
static void test_flood_does_not_clear_a_count(void **state)
{
	int64_t now = next_hour();
	for (int i = 0; i < 8; i++)
		web_throttle_fail("192.0.2.50", "victim2", now);
	int before = web_throttle_wait("192.0.2.99", "victim2", now);
	assert_true(before > 0);
	char name[32];
	for (int i = 0; i < 100000; i++) {
		snprintf(name, sizeof name, "flood%d", i);
		web_throttle_fail("192.0.2.66", name, now + 1);
	}
	assert_int_equal(web_throttle_wait("192.0.2.99", "victim2", now + 1), before - 1);
	/* The table is full: a name never seen waits by the shared count of the flood. */
	assert_true(web_throttle_wait("192.0.2.99", "newcomer", now + 1) > 0);
	/* 15 minutes after the flood everything is forgotten. */
	assert_int_equal(web_throttle_wait("192.0.2.99", "newcomer", now + 1 + 901), 0);
	assert_int_equal(web_throttle_wait("192.0.2.66", "newcomer", now + 1 + 901), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_made_up_names_do_not_lock_the_address),
		cmocka_unit_test(test_account_delay_grows),
		cmocka_unit_test(test_address_limit_far_above_normal),
		cmocka_unit_test(test_flood_does_not_clear_a_count),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
