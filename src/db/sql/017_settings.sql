-- 017: the installation's settings, one row a key (model/setting.h lists the keys and
-- their values): the region's time zone ('time_zone', an id of base/ru.h's ru_zones).
-- A key without a row has its default. updated_at: UTC 'YYYY-MM-DDTHH:MM:SSZ'.

CREATE TABLE setting (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL,
	updated_by TEXT NOT NULL DEFAULT '',
	updated_at TEXT NOT NULL DEFAULT ''
);
