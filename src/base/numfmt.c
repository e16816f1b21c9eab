/* numfmt: see numfmt.h.
 *
 * The fast path, for 1 ≤ P ≤ 15 significant digits: find the decimal exponent X of v
 * (10^X ≤ |v| < 10^(X+1) after rounding), compute s = |v|·10^(P−1−X) with the power taken
 * from a table of exactly representable powers (10^0..10^22), so s carries one rounding
 * error of at most s·2^−53 (two, at most s·2^−52, when two powers are needed for a small
 * |v|). Rounding s to the nearest integer gives the P digits; it is the exact decimal
 * rounding unless s lies within s·2^−51 of a half-integer, in which case snprintf
 * decides. A NaN or an infinity is written as glibc writes it. Then the C standard's %g
 * layout: fixed notation when P > X ≥ −4, exponential otherwise, trailing zeros and a bare
 * point removed. */
#include "base/numfmt.h"

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const double pow10_exact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
				       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
				       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* "00" "01" … "99": two digits a division by 100 instead of one a division by 10. */
static const char DIGITS2[201] = "00010203040506070809101112131415161718192021222324252627282930"
				 "31323334353637383940414243444546474849505152535455565758596061"
				 "62636465666768697071727374757677787980818283848586878889909192"
				 "93949596979899";

size_t numfmt_u(char *out, unsigned long long u)
{
	size_t n = 1; /* the digits, counted first so that they are written in place */
	for (unsigned long long p = 10; n < 20 && u >= p; p *= 10)
		n++;
	char *o = out + n;
	*o = 0;
	while (u >= 100) {
		unsigned long long q = u / 100;
		o -= 2;
		memcpy(o, DIGITS2 + 2 * (u - 100 * q), 2);
		u = q;
	}
	if (u >= 10)
		memcpy(o - 2, DIGITS2 + 2 * u, 2);
	else
		o[-1] = (char)('0' + u);
	return n;
}

static size_t slow(char *out, double v, int prec)
{
	int n = snprintf(out, NUMFMT_MAX, "%.*g", prec, v);
	return n < 0 ? 0 : (size_t)n < NUMFMT_MAX ? (size_t)n : NUMFMT_MAX - 1;
}

/* The P digits of |v| rounded, and their exponent; 0 when the fast path cannot decide. */
static int digits(double a, int prec, uint64_t *m, int *x)
{
	uint64_t bits;
	memcpy(&bits, &a, sizeof bits);
	int b2 = (int)(bits >> 52) - 1022; /* 2^(b2-1) <= a < 2^b2 (a normal: the caller) */
	int t = (b2 - 1) * 78913; /* 78913 / 2^18 ≈ log10 2 */
	int e = t >= 0 ? t >> 18 : -((-t + 262143) >> 18); /* floor((b2−1)·log10 2): X or X − 1 */
	if (e >= 0 && e < 22 && a >= pow10_exact[e + 1])
		e++;
	for (int tries = 0; tries < 3; tries++) {
		int k = prec - 1 - e;
		if (k > 44 || k < -22)
			return 0;
		/* Beyond 10^22 (|v| below about 10^(P−23)) by two exact powers: two roundings,
		 * an error below s·2^−52, still inside the half-way test's s·2^−51 (and below
		 * 0.25 for s < 10^15, as the tests of e below need). */
		double s = k > 22    ? a * pow10_exact[22] * pow10_exact[k - 22]
			   : k >= 0 ? a * pow10_exact[k]
				    : a / pow10_exact[-k];
		double fl = (double)(uint64_t)s; /* floor: 0 < s < 10^16 */
		if (fabs(s - fl - 0.5) <= s * 0x1p-51) /* too near a half-way point */
			return 0;
		if (s >= pow10_exact[prec]) { /* e was too small */
			e++;
			continue;
		}
		if (s < pow10_exact[prec - 1] - 0.5) { /* e was too large */
			e--;
			continue;
		}
		uint64_t r = (uint64_t)fl + (s - fl > 0.5);
		if (r >= (uint64_t)pow10_exact[prec]) { /* 9.99…5 rounds up to 10.0… */
			r /= 10;
			e++;
		}
		*m = r;
		*x = e;
		return 1;
	}
	return 0;
}

/* The eight decimal digits of n < 10^8 as ASCII, the most significant in the lowest byte
 * (memory order on a little-endian machine), by splitting lanes of one 64-bit word:
 * 4 + 4 digits, then 2 + 2 in each half, then 1 + 1 in each quarter — division by 10^4
 * once, by 100 and by 10 as multiplications exact in the ranges used (y < 10^4 for
 * y·10486 >> 20, z < 100 for z·103 >> 10), the lanes masked so none spills into another. */
static inline uint64_t digits8(uint32_t n)
{
	uint64_t hi = n / 10000u, lo = n - hi * 10000u;
	uint64_t y = hi | lo << 32;
	uint64_t h = (y * 10486u >> 20) & 0x0000007F0000007FULL; /* y / 100 per 32-bit lane */
	uint64_t z = (y - 100 * h) << 16 | h;                      /* 2-digit lanes, in order */
	uint64_t t = (z * 103u >> 10) & 0x000F000F000F000FULL;    /* z / 10 per 16-bit lane */
	t += (z - 10 * t) << 8;
	return t | 0x3030303030303030ULL;
}

size_t numfmt_g(char *out, double v, int prec)
{
	if (prec < 1)
		prec = 1;
	if (!isfinite(v)) {
		/* What glibc's %g writes for any precision: "nan" or "inf", after a "-" when the
		 * sign bit is set ("-nan" too). */
		char *o = out;
		if (signbit(v))
			*o++ = '-';
		memcpy(o, isnan(v) ? "nan" : "inf", 4);
		return (size_t)(o + 3 - out);
	}
	if (prec > 15)
		return slow(out, v, prec);
	bool neg = signbit(v);
	if (neg)
		v = -v;
	if (v == 0) {
		char *o = out;
		if (neg)
			*o++ = '-';
		*o++ = '0';
		*o = 0;
		return (size_t)(o - out);
	}
	uint64_t m;
	int x;
	if (v < DBL_MIN || !digits(v, prec, &m, &x)) /* subnormals: snprintf */
		return slow(out, neg ? -v : v, prec);
	/* The P digits at dg[16 − P … 15] (m < 10^15 ≤ 10^16: two words of eight, leading
	 * zeros in front), then 16 zero bytes that the fixed-size copies below may read. */
	char dg[32];
	uint64_t w[2];
	if (prec <= 8) { /* m < 10^8 */
		w[0] = 0x3030303030303030ULL;
		w[1] = digits8((uint32_t)m);
	} else {
		w[0] = digits8((uint32_t)(m / 100000000u));
		w[1] = digits8((uint32_t)(m % 100000000u));
	}
	memcpy(dg, w, 16);
	memset(dg + 16, 0, 16);
	const char *d = dg + 16 - prec;
	/* Significant digits left after dropping trailing zeros: the last nonzero digit is the
	 * highest byte of w[1] (else of w[0]) that is not '0' (m ≥ 10^(P−1): there is one). */
	int nz;
	uint64_t z1 = w[1] ^ 0x3030303030303030ULL;
	if (z1)
		nz = prec - 7 + (63 - __builtin_clzll(z1)) / 8;
	else
		nz = prec - 15 + (63 - __builtin_clzll(w[0] ^ 0x3030303030303030ULL)) / 8;
	/* The text is laid out in t with fixed-size copies (bytes past its end are scratch),
	 * then its len + 1 bytes go to out. */
	char t[64];
	char *o = t;
	if (neg)
		*o++ = '-';
	size_t len;
	if (x < prec && x >= 0) {
		/* d[0..x], then "." and d[x+1..nz) when there is a fraction. */
		memcpy(o, d, 16);
		if (nz > x + 1) {
			o[x + 1] = '.';
			memcpy(o + x + 2, d + x + 1, 16);
			o += nz + 1;
		} else {
			o += x + 1;
		}
	} else if (x < 0 && x >= -4) {
		/* "0." and −x − 1 zeros, then d[0..nz). */
		memcpy(o, "0.0000", 6);
		o += 1 - x;
		memcpy(o, d, 16);
		o += nz;
	} else {
		*o++ = d[0];
		if (nz > 1) {
			*o++ = '.';
			memcpy(o, d + 1, 16);
			o += nz - 1;
		}
		*o++ = 'e';
		*o++ = x < 0 ? '-' : '+';
		int ax = x < 0 ? -x : x;
		if (ax >= 100)
			*o++ = (char)('0' + ax / 100);
		*o++ = (char)('0' + ax / 10 % 10);
		*o++ = (char)('0' + ax % 10);
	}
	*o = 0;
	len = (size_t)(o - t);
	/* At most 1 + 15 + 1 + 3 + 1 characters (the longest of the layouts) and the NUL:
	 * two fixed copies of 16 within out's NUMFMT_MAX bytes. */
	memcpy(out, t, 16);
	if (len >= 16)
		memcpy(out + 16, t + 16, 16);
	return len;
}
