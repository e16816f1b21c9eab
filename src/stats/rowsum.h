/* stats/rowsum: a work's points from its row of position cells, 16 cells at a time.
 *
 * Every statistic over positions starts by summing each work's cells (X and empty count
 * 0) and checking that no cell exceeds its position's maximum: five passes over every cell
 * of a procedure (the check, the profile's two, the person fit's, the twins'). This is the
 * one place that does it, with SSE2 where the compiler has it (every x86-64) and the
 * plain loop elsewhere; the sums are of whole numbers, so both give the same totals.
 *
 * A prepared struct stat_rowsum holds the positions' maxima, the lanes that belong to the
 * row (a row is shorter than its last block of 16: the bytes after it, the next row's, are
 * masked out) and up to STAT_ROWSUM_MASKS position masks whose points are summed apart. A
 * block may read up to 15 bytes past the row: stat_row_sums copies a row that ends within
 * 16 bytes of the data's end (the caller passes that end) into a padded buffer first. */
#ifndef OKO_STATS_ROWSUM_H
#define OKO_STATS_ROWSUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "stats/proc.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define STAT_ROWSUM_MASKS 3
#define STAT_ROWSUM_BYTES (STAT_MAX_POS + 16)

struct stat_rowsum {
	size_t np, nblk;                               /* cells a row, blocks of 16 */
	int nmask;                                     /* masks in use */
	uint8_t pmax[STAT_ROWSUM_BYTES];               /* maxima, 0 past the row */
	uint8_t lane[STAT_ROWSUM_BYTES];               /* 0xff for the row's cells */
	uint8_t mask[STAT_ROWSUM_MASKS][STAT_ROWSUM_BYTES]; /* 0xff where summed apart */
};

/* Prepares rs for rows of np cells with maxima pmax[0..np) and the position masks
 * mask[0..nmask) (a NULL mask sums nothing). np <= STAT_MAX_POS. */
static inline void stat_rowsum_init(struct stat_rowsum *rs, size_t np, const int *pmax,
				    const bool *const *mask, int nmask)
{
	memset(rs, 0, sizeof *rs);
	rs->np = np;
	rs->nblk = (np + 15) / 16;
	rs->nmask = nmask;
	for (size_t k = 0; k < np; k++) {
		rs->pmax[k] = (uint8_t)pmax[k];
		rs->lane[k] = 0xff;
		for (int m = 0; m < nmask; m++)
			rs->mask[m][k] = mask[m] && mask[m][k] ? 0xff : 0;
	}
}

/* The points of one row (y[m]: on mask m's positions); false when a cell exceeds its
 * position's maximum. end is the first byte after the data the row lies in. */
static inline bool stat_row_sums(const struct stat_rowsum *rs, const uint8_t *row,
				 const uint8_t *end, int *total, int *y)
{
#if defined(__SSE2__)
	uint8_t pad[STAT_ROWSUM_BYTES];
	if ((size_t)(end - row) < rs->nblk * 16) {
		memset(pad, 0, sizeof pad);
		memcpy(pad, row, rs->np);
		row = pad;
	}
	const __m128i zero = _mm_setzero_si128(), top = _mm_set1_epi8((char)(STAT_POS_EMPTY - 1));
	__m128i bad = zero, sum = zero, ys[STAT_ROWSUM_MASKS] = {zero, zero, zero};
	for (size_t b = 0; b < rs->nblk; b++) {
		__m128i v = _mm_and_si128(_mm_loadu_si128((const __m128i *)(const void *)(row + 16 * b)),
					  _mm_loadu_si128((const __m128i *)(const void *)(rs->lane + 16 * b)));
		__m128i pm = _mm_loadu_si128((const __m128i *)(const void *)(rs->pmax + 16 * b));
		/* Cells below STAT_POS_EMPTY count; X and empty become 0. */
		__m128i x = _mm_and_si128(v, _mm_cmpeq_epi8(_mm_min_epu8(v, top), v));
		/* x > its maximum: max(x, pmax) differs from pmax. */
		bad = _mm_or_si128(bad, _mm_xor_si128(_mm_cmpeq_epi8(_mm_max_epu8(x, pm), pm),
						      _mm_set1_epi8((char)0xff)));
		sum = _mm_add_epi64(sum, _mm_sad_epu8(x, zero));
		for (int m = 0; m < rs->nmask; m++) {
			__m128i mk = _mm_loadu_si128((const __m128i *)(const void *)(rs->mask[m] + 16 * b));
			ys[m] = _mm_add_epi64(ys[m], _mm_sad_epu8(_mm_and_si128(x, mk), zero));
		}
	}
	*total = _mm_cvtsi128_si32(sum) + _mm_cvtsi128_si32(_mm_srli_si128(sum, 8));
	for (int m = 0; m < rs->nmask; m++)
		y[m] = _mm_cvtsi128_si32(ys[m]) + _mm_cvtsi128_si32(_mm_srli_si128(ys[m], 8));
	return _mm_movemask_epi8(bad) == 0;
#else
	(void)end;
	int t = 0, bad = 0, yy[STAT_ROWSUM_MASKS] = {0, 0, 0};
	for (size_t k = 0; k < rs->np; k++) {
		uint8_t v = row[k];
		int valid = v < STAT_POS_EMPTY;
		bad |= valid & (v > rs->pmax[k]);
		uint8_t x = valid ? v : 0;
		t += x;
		for (int m = 0; m < rs->nmask; m++)
			yy[m] += x & rs->mask[m][k];
	}
	*total = t;
	for (int m = 0; m < rs->nmask; m++)
		y[m] = yy[m];
	return !bad;
#endif
}

#endif
