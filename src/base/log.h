/* log: diagnostic messages on stderr.
 *
 * Users see Russian messages; the level decides what is printed (OKO_LOG=debug|info|warn|
 * error, default info). The web server's access log uses log_info(). */
#ifndef OKO_LOG_H
#define OKO_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR, LOG_QUIET };

void log_set_level(enum log_level lv);
/* Reads OKO_LOG from the environment. */
void log_init_from_env(void);
enum log_level log_get_level(void);
void log_msg(enum log_level lv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
