/* gen_opts: the generator's command-line options, shared by `oko gen` and `oko demo` so
 * that both accept exactly the same parameters of a synthetic region. */
#ifndef OKO_GEN_OPTS_H
#define OKO_GEN_OPTS_H

#include "cli/cli.h"
#include "gen/gen.h"

/* Rows for a struct cli_opt table, filling the text fields of t (struct gen_opt_text). */
#define GEN_CLI_OPTS(t)                                          \
	{ "--schools", &(t).schools, NULL },                     \
	{ "--municipalities", &(t).municipalities, NULL },       \
	{ "--years", &(t).years, NULL },                         \
	{ "--seed", &(t).seed, NULL },                           \
	{ "--manipulated", &(t).manipulated, NULL },             \
	{ "--icc", &(t).icc, NULL },                             \
	{ "--subjects", &(t).subjects, NULL },                   \
	{ "--grades", &(t).grades, NULL },                       \
	{ "--absent", &(t).absent, NULL },                       \
	{ "--kinds", &(t).kinds, NULL },                         \
	{ "--strength", &(t).strength, NULL },                   \
	{ "--region", &(t).region, NULL },                       \
	{ "--variant-sd", &(t).variant_sd, NULL },               \
	{ "--not-taught", &(t).not_taught, NULL },               \
	{ "--exams", NULL, &(t).exams },                         \
	{ "--teachers", NULL, &(t).teachers }

#endif
