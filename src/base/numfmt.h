/* numfmt: printf's "%.*g" for doubles, byte for byte, at about a sixth of the cost.
 *
 * `oko analyze` writes tens of millions of numbers to signs.csv; glibc's printf converts
 * each one exactly (multi-precision arithmetic, ~1,400 instructions). numfmt_g scales the
 * value by an exact power of ten, rounds once, and falls back to snprintf only when that
 * single rounding could land on the other side of a decimal half-way point (or the value
 * is out of the exact range: subnormal, below ~1e-35 or from ~1e32 up at 10 digits, or
 * more than 15 significant digits asked; "nan" and "inf" are written directly). The
 * output is therefore always the one snprintf gives; tests/unit/test_base.c checks that on
 * a million random values. */
#ifndef OKO_NUMFMT_H
#define OKO_NUMFMT_H

#include <stddef.h>

/* Room for any "%.*g" of a double with prec ≤ 17 ("-1.2345678901234567e-308" and NUL). */
#define NUMFMT_MAX 32

/* Writes snprintf(out, NUMFMT_MAX, "%.*g", prec, v) to out and returns its length;
 * prec is 1..17. */
size_t numfmt_g(char *out, double v, int prec);

/* Writes the decimal digits of u to out (NUL-terminated, ≥ 21 bytes) and returns their
 * count: printf's "%llu". */
size_t numfmt_u(char *out, unsigned long long u);

#endif
