/* numfmt: see numfmt.h.
 *
 * The fast path, for 1 ≤ P ≤ 15 significant digits: find the decimal exponent X of v
 * (10^X ≤ |v| < 10^(X+1) after rounding), compute s = |v|·10^(P−1−X) with the power taken
 * from a table of exactly representable powers (10^0..10^22), so s carries one rounding
 * error of at most s·2^−53. Rounding s to the nearest integer gives the P digits; it is
 * the exact decimal rounding unless s lies within that error of a half-integer, in which
 * case snprintf decides. Then the C standard's %g layout: fixed notation when
 * P > X ≥ −4, exponential otherwise, trailing zeros and a bare point removed. */
#include "base/numfmt.h"

#include <float.h>
#include <math.h>
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
		if (k > 22 || k < -22)
			return 0;
		double s = k >= 0 ? a * pow10_exact[k] : a / pow10_exact[-k];
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

size_t numfmt_g(char *out, double v, int prec)
{
	if (prec < 1)
		prec = 1;
	if (!isfinite(v) || prec > 15)
		return slow(out, v, prec);
	char *o = out;
	if (signbit(v)) {
		*o++ = '-';
		v = -v;
	}
	if (v == 0) {
		*o++ = '0';
		*o = 0;
		return (size_t)(o - out);
	}
	uint64_t m;
	int x;
	if (v < DBL_MIN || !digits(v, prec, &m, &x)) /* subnormals: snprintf */
		return slow(out, o > out ? -v : v, prec);
	char d[16];
	int j = prec;
	for (; j >= 2; j -= 2) {
		uint64_t q = m / 100;
		memcpy(d + j - 2, DIGITS2 + 2 * (m - 100 * q), 2);
		m = q;
	}
	if (j)
		d[0] = (char)('0' + m);
	int nz = prec; /* significant digits left after dropping trailing zeros */
	while (nz > 1 && d[nz - 1] == '0')
		nz--;
	if (x < prec && x >= -4) {
		if (x >= 0) {
			for (int i = 0; i <= x; i++)
				*o++ = d[i];
			if (nz > x + 1) {
				*o++ = '.';
				for (int i = x + 1; i < nz; i++)
					*o++ = d[i];
			}
		} else {
			*o++ = '0';
			*o++ = '.';
			for (int i = 0; i < -x - 1; i++)
				*o++ = '0';
			for (int i = 0; i < nz; i++)
				*o++ = d[i];
		}
	} else {
		*o++ = d[0];
		if (nz > 1) {
			*o++ = '.';
			for (int i = 1; i < nz; i++)
				*o++ = d[i];
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
	return (size_t)(o - out);
}
