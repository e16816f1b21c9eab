/* retention: `oko serve` deletes pupils' names past the retention period (the setting
 * pupil_names_retention, model/setting.h) at start and then every 24 hours — an hour after
 * a run that failed (logged) —, on a thread of its own with its own connection; each run
 * that deletes names is in the audit log
 * (pupils_purge, by «(сервер)») with the count. docs/personal-data.md. */
#ifndef OKO_WEB_RETENTION_H
#define OKO_WEB_RETENTION_H

/* Starts the detached thread for the database db_path (db_open's path or URL). 0, or
 * ERR_IO when the thread cannot start (logged; the server runs on without it). */
int web_retention_start(const char *db_path);

/* One run now: opens db_path, deletes the names due, logs and audits. 0 or an ERR_*. */
int web_retention_run(const char *db_path);

#endif
