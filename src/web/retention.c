/* retention: the server's daily deletion of pupils' names past the retention period (see
 * the header). */
#include "web/retention.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "db/db.h"
#include "model/plan.h"
#include "model/pupil.h"
#include "model/setting.h"
#include "model/user.h"

#define RETENTION_PERIOD_S (24 * 3600)
/* After a failed run (the database busy past its timeout, PostgreSQL down): names due stay
 * until the next run, so it comes sooner. */
#define RETENTION_RETRY_S 3600

int web_retention_run(const char *db_path)
{
	struct db *d = NULL;
	struct pupil_purge_school *v = NULL;
	size_t n = 0;
	long total = 0;
	int months = 0;
	int rc = db_open(&d, db_path, 0);
	if (rc) {
		log_error("удаление ФИО по сроку хранения: не удалось открыть базу данных (%s)", err_str(rc));
		return rc;
	}
	if (!(rc = setting_retention(d, &months)))
		rc = pupil_purge(d, months, plan_now(), false, &v, &n, &total);
	if (rc) {
		log_error("удаление ФИО по сроку хранения не выполнено: %s", err_str(rc));
	} else if (total > 0) {
		char detail[200];
		snprintf(detail, sizeof detail, "удалено ФИО: %ld, школ: %zu; срок хранения %d мес.", total, n,
			 months);
		audit_add(d, NULL, "(сервер)", "pupils_purge", NULL, detail, "server");
		log_info("ФИО учеников удалены по сроку хранения (%d мес.): %ld, школ: %zu; коды и "
			 "результаты сохранены", months, total, n);
	} else {
		log_info("ФИО учеников с истёкшим сроком хранения (%d мес.) нет", months);
	}
	free(v);
	db_close(d);
	return rc;
}

static void *loop(void *arg)
{
	char *path = arg;
	for (;;) {
		int rc = web_retention_run(path);
		if (rc)
			log_warn("удаление ФИО по сроку хранения будет повторено через час");
		struct timespec ts = { rc ? RETENTION_RETRY_S : RETENTION_PERIOD_S, 0 };
		while (nanosleep(&ts, &ts) != 0)
			;
	}
	return NULL;
}

int web_retention_start(const char *db_path)
{
	pthread_t t;
	pthread_attr_t a;
	char *path = xstrdup(db_path);
	/* The thread takes no signals (it inherits the mask): SIGTERM and SIGINT stay the main
	 * thread's, which drains requests before the process ends. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	int rc = pthread_create(&t, &a, loop, path);
	pthread_attr_destroy(&a);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		free(path);
		log_warn("удаление ФИО по сроку хранения не запущено: запустите «oko pupils purge» вручную");
		return ERR_IO;
	}
	return 0;
}
