-- A dailybrief database made by the pre-Alembic code (main at 4513a5c: store/schema.py MIGRATIONS,
-- recorded in _migrations) with two items, a user, a correction, an LLM answer, an embedding,
-- a paused source, a run and the search index; `sqlite3 dailybrief.db .dump`. Used by test_migrations.py.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied TEXT);
INSERT INTO _migrations VALUES('0001_items','2026-11-30T19:24:38+00:00');
INSERT INTO _migrations VALUES('0002_sources_fetch_log_articles','2026-11-30T19:24:38+00:00');
INSERT INTO _migrations VALUES('0003_reports','2026-11-30T19:24:38+00:00');
INSERT INTO _migrations VALUES('0004_llm_cache','2026-11-30T19:24:38+00:00');
INSERT INTO _migrations VALUES('0005_story_engine','2026-11-30T19:24:38+00:00');
INSERT INTO _migrations VALUES('publish_0001_deliveries','2026-11-30T19:24:38+00:00');
INSERT INTO _migrations VALUES('web_0001_users_sessions','2026-11-30T19:24:38+00:00');
INSERT INTO _migrations VALUES('web_0002_review','2026-11-30T19:24:38+00:00');
INSERT INTO _migrations VALUES('web_0003_search','2026-11-30T19:24:38+00:00');
INSERT INTO _migrations VALUES('web_0004_corrections','2026-11-30T19:24:38+00:00');
INSERT INTO _migrations VALUES('web_0005_source_pauses','2026-11-30T19:24:38+00:00');
INSERT INTO _migrations VALUES('publish_0002_runs','2026-11-30T19:24:38+00:00');
CREATE TABLE items (
	id INTEGER NOT NULL, 
	url VARCHAR NOT NULL, 
	title TEXT NOT NULL, 
	published VARCHAR NOT NULL, 
	source VARCHAR NOT NULL, 
	source_kind VARCHAR NOT NULL, 
	lang VARCHAR NOT NULL, 
	content TEXT NOT NULL, 
	summary TEXT NOT NULL, 
	score INTEGER, 
	comments INTEGER, 
	fetched VARCHAR, 
	content_hash VARCHAR NOT NULL, 
	extra TEXT NOT NULL, 
	created VARCHAR NOT NULL, 
	updated VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (url)
);
INSERT INTO items VALUES(1,'https://example.com/a','OpenAI 发布新的大模型','2026-04-16T09:00:00+00:00','Example','other','zh','OpenAI 今天发布了新的推理模型，价格下降。','',NULL,NULL,NULL,'2e558a21738de299','{}','2026-11-30T19:24:38+00:00','2026-11-30T19:24:38+00:00');
INSERT INTO items VALUES(2,'https://example.org/b','Open-weight model tops benchmark','2026-04-16T11:00:00+00:00','Org','other','en','An open-weight language model tops the reasoning benchmark.','',NULL,NULL,NULL,'f6cfcb0100f01071','{}','2026-11-30T19:24:38+00:00','2026-11-30T19:24:38+00:00');
CREATE TABLE sources (
	name VARCHAR NOT NULL, 
	kind VARCHAR NOT NULL, 
	url VARCHAR NOT NULL, 
	source_kind VARCHAR NOT NULL, 
	weight FLOAT NOT NULL, 
	lang VARCHAR NOT NULL, 
	options TEXT NOT NULL, 
	origin VARCHAR NOT NULL, 
	etag VARCHAR, 
	last_modified VARCHAR, 
	last_success VARCHAR, 
	last_error TEXT, 
	failures INTEGER NOT NULL, 
	PRIMARY KEY (name)
);
CREATE TABLE fetch_log (
	id INTEGER NOT NULL, 
	source VARCHAR NOT NULL, 
	url VARCHAR NOT NULL, 
	started VARCHAR NOT NULL, 
	status INTEGER, 
	bytes INTEGER NOT NULL, 
	seconds FLOAT NOT NULL, 
	error TEXT, 
	PRIMARY KEY (id)
);
CREATE TABLE articles (
	url VARCHAR NOT NULL, 
	text TEXT NOT NULL, 
	fetched VARCHAR NOT NULL, 
	status INTEGER, 
	PRIMARY KEY (url)
);
CREATE TABLE reports (
	id INTEGER NOT NULL, 
	date VARCHAR NOT NULL, 
	language VARCHAR NOT NULL, 
	report TEXT NOT NULL, 
	created VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (date, language)
);
CREATE TABLE llm_cache (
	"key" VARCHAR NOT NULL, 
	endpoint VARCHAR NOT NULL, 
	model VARCHAR NOT NULL, 
	prompt_hash VARCHAR NOT NULL, 
	response TEXT NOT NULL, 
	input_tokens INTEGER NOT NULL, 
	output_tokens INTEGER NOT NULL, 
	created VARCHAR NOT NULL, 
	PRIMARY KEY ("key")
);
INSERT INTO llm_cache VALUES('a57b7eca4f63a2fba683c852184e33fb758414d1608acd87ddc428e00d5b1501','http://127.0.0.1:1/v1','m','h1','答案',3,4,'2026-11-30T19:24:38+00:00');
CREATE TABLE embeddings (
	model VARCHAR NOT NULL, 
	"key" VARCHAR NOT NULL, 
	dim INTEGER NOT NULL, 
	vector BLOB NOT NULL, 
	created VARCHAR NOT NULL, 
	PRIMARY KEY (model, "key")
);
INSERT INTO embeddings VALUES('use-test','k1',3,X'0000003f000080bf00000040','2026-11-30T19:24:38+00:00');
CREATE TABLE story_builds (
	id INTEGER NOT NULL, 
	date VARCHAR NOT NULL, 
	created VARCHAR NOT NULL, 
	embedder VARCHAR NOT NULL, 
	method VARCHAR NOT NULL, 
	PRIMARY KEY (id)
);
CREATE TABLE story_members (
	build INTEGER NOT NULL, 
	story VARCHAR NOT NULL, 
	position INTEGER NOT NULL, 
	item_url VARCHAR NOT NULL, 
	title TEXT NOT NULL, 
	status VARCHAR NOT NULL, 
	FOREIGN KEY(build) REFERENCES story_builds (id) ON DELETE CASCADE
);
CREATE TABLE story_merges (
	build INTEGER NOT NULL, 
	kind VARCHAR NOT NULL, 
	story VARCHAR NOT NULL, 
	item_url VARCHAR NOT NULL, 
	into_url VARCHAR NOT NULL, 
	score FLOAT, 
	reason TEXT NOT NULL, 
	FOREIGN KEY(build) REFERENCES story_builds (id) ON DELETE CASCADE
);
CREATE TABLE story_overrides (
	id INTEGER NOT NULL, 
	kind VARCHAR NOT NULL, 
	urls TEXT NOT NULL, 
	date VARCHAR NOT NULL, 
	note TEXT NOT NULL, 
	created VARCHAR NOT NULL, 
	author VARCHAR NOT NULL, 
	target VARCHAR NOT NULL, 
	undone VARCHAR, 
	undone_by VARCHAR, 
	PRIMARY KEY (id)
);
INSERT INTO story_overrides VALUES(1,'drop','["https://example.org/b"]','2026-04-17','','2026-11-30T19:24:38+00:00','editor1','',NULL,NULL);
CREATE TABLE deliveries (
	id INTEGER NOT NULL, 
	date VARCHAR NOT NULL, 
	channel VARCHAR NOT NULL, 
	part INTEGER NOT NULL, 
	total INTEGER NOT NULL, 
	label VARCHAR NOT NULL, 
	status VARCHAR NOT NULL, 
	remote_id TEXT, 
	error TEXT, 
	note TEXT, 
	digest VARCHAR NOT NULL, 
	attempts INTEGER NOT NULL, 
	updated VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (date, channel, part)
);
CREATE TABLE users (
	name VARCHAR NOT NULL, 
	password_hash VARCHAR NOT NULL, 
	role VARCHAR NOT NULL, 
	created VARCHAR NOT NULL, 
	PRIMARY KEY (name)
);
INSERT INTO users VALUES('editor1','$argon2id$v=19$m=65536,t=3,p=4$DY5qnHktDcEnzBI9/ul/Xw$EJnKBAwdQFzdRv63svScWNZPkTtJNV1WPmQ/ExCtR6E','editor','2026-11-30T19:24:38+00:00');
CREATE TABLE sessions (
	token_hash VARCHAR NOT NULL, 
	user VARCHAR NOT NULL, 
	csrf VARCHAR NOT NULL, 
	created VARCHAR NOT NULL, 
	expires VARCHAR NOT NULL, 
	PRIMARY KEY (token_hash)
);
CREATE TABLE report_versions (
	id INTEGER NOT NULL, 
	date VARCHAR NOT NULL, 
	language VARCHAR NOT NULL, 
	version INTEGER NOT NULL, 
	digest VARCHAR NOT NULL, 
	body TEXT NOT NULL, 
	author VARCHAR NOT NULL, 
	created VARCHAR NOT NULL, 
	note TEXT NOT NULL, 
	flags TEXT NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (date, language, version)
);
CREATE TABLE report_reviews (
	date VARCHAR NOT NULL, 
	language VARCHAR NOT NULL, 
	state VARCHAR NOT NULL, 
	digest VARCHAR NOT NULL, 
	updated VARCHAR NOT NULL, 
	actor VARCHAR NOT NULL, 
	reason TEXT NOT NULL, 
	approved_by VARCHAR, 
	approved_at VARCHAR, 
	PRIMARY KEY (date, language)
);
CREATE TABLE review_events (
	id INTEGER NOT NULL, 
	date VARCHAR NOT NULL, 
	language VARCHAR NOT NULL, 
	state VARCHAR NOT NULL, 
	actor VARCHAR NOT NULL, 
	at VARCHAR NOT NULL, 
	reason TEXT NOT NULL, 
	version INTEGER, 
	PRIMARY KEY (id)
);
CREATE TABLE search_docs (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, ref TEXT NOT NULL UNIQUE, date TEXT NOT NULL, language TEXT NOT NULL DEFAULT '', section TEXT NOT NULL DEFAULT '', source TEXT NOT NULL DEFAULT '', title TEXT NOT NULL, body TEXT NOT NULL, url TEXT NOT NULL DEFAULT '');
INSERT INTO search_docs VALUES(1,'item','item:https://example.com/a','2026-04-16','zh','','Example','OpenAI 发布新的大模型','OpenAI 今天发布了新的推理模型，价格下降。','https://example.com/a');
INSERT INTO search_docs VALUES(2,'item','item:https://example.org/b','2026-04-16','en','','Org','Open-weight model tops benchmark','An open-weight language model tops the reasoning benchmark.','https://example.org/b');
PRAGMA writable_schema=ON;
INSERT INTO sqlite_schema(type,name,tbl_name,rootpage,sql)VALUES('table','search_fts','search_fts',0,'CREATE VIRTUAL TABLE search_fts USING fts5(words, tokenize=''porter unicode61'')');
CREATE TABLE IF NOT EXISTS 'search_fts_data'(id INTEGER PRIMARY KEY, block BLOB);
INSERT INTO search_fts_data VALUES(1,X'0220');
INSERT INTO search_fts_data VALUES(10,X'000000000101010001010101');
INSERT INTO search_fts_data VALUES(137438953473,X'000000e50330616e020207010962656e63686d61726b0204060b01076c616e6775616702020a01056d6f64656c0204040901046f70656e0204020805026169010402080106726561736f6e02020e010374686502020d02026f70020405090106776569676874020403080106e4b88be9998d0102120202ba8601020b0205bb8ae5a4a90102090304b7e6a0bc0102110706e4b88be9998d0102130106e58f91e5b883010403090208a4a7e6a8a1e59e8b0102070106e68ea8e7908601020e0706e6a8a1e59e8b010210020296b00104040a0205a8a1e59e8b0104060b0103e79a840104050a04070f0c0b0a080b08080c0b070a090b0c0d0b0b080b');
CREATE TABLE IF NOT EXISTS 'search_fts_idx'(segid, term, pgno, PRIMARY KEY(segid, term)) WITHOUT ROWID;
INSERT INTO search_fts_idx VALUES(1,X'',2);
CREATE TABLE IF NOT EXISTS 'search_fts_content'(id INTEGER PRIMARY KEY, c0);
INSERT INTO search_fts_content VALUES(1,'openai 发布 新 的 模型 大模型 openai 今天 发布 了 新 的 推理 模型 推理模型 价格 下降 价格下降');
INSERT INTO search_fts_content VALUES(2,'open weight model tops benchmark an open weight language model tops the reasoning benchmark');
CREATE TABLE IF NOT EXISTS 'search_fts_docsize'(id INTEGER PRIMARY KEY, sz BLOB);
INSERT INTO search_fts_docsize VALUES(1,X'12');
INSERT INTO search_fts_docsize VALUES(2,X'0e');
CREATE TABLE IF NOT EXISTS 'search_fts_config'(k PRIMARY KEY, v) WITHOUT ROWID;
INSERT INTO search_fts_config VALUES('version',4);
CREATE TABLE search_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO search_state VALUES('reports','');
INSERT INTO search_state VALUES('items','2026-11-30T19:24:38+00:00');
CREATE TABLE source_pauses (
	name VARCHAR NOT NULL, 
	since VARCHAR NOT NULL, 
	"by" VARCHAR NOT NULL, 
	PRIMARY KEY (name)
);
INSERT INTO source_pauses VALUES('Org','2026-11-30T19:24:38+00:00','editor1');
CREATE TABLE runs (
	id INTEGER NOT NULL, 
	date VARCHAR NOT NULL, 
	"trigger" VARCHAR NOT NULL, 
	owner VARCHAR NOT NULL, 
	started VARCHAR NOT NULL, 
	finished VARCHAR, 
	status VARCHAR NOT NULL, 
	stages TEXT NOT NULL, 
	deliveries TEXT NOT NULL, 
	error TEXT, 
	PRIMARY KEY (id)
);
INSERT INTO runs VALUES(1,'2026-04-17','manual','host:1:abc','2026-11-30T19:24:38+00:00','2026-11-30T19:24:38+00:00','ok','[]','{}',NULL);
CREATE TABLE run_locks (
	date VARCHAR NOT NULL, 
	owner VARCHAR NOT NULL, 
	acquired VARCHAR NOT NULL, 
	expires VARCHAR NOT NULL, 
	PRIMARY KEY (date)
);
CREATE INDEX ix_items_published ON items (published);
CREATE INDEX ix_fetch_log_source ON fetch_log (source);
CREATE INDEX ix_story_builds_date ON story_builds (date);
CREATE INDEX ix_story_members_build ON story_members (build);
CREATE INDEX ix_story_merges_build ON story_merges (build);
CREATE INDEX ix_deliveries_date ON deliveries (date);
CREATE INDEX ix_sessions_user ON sessions (user);
CREATE INDEX ix_review_events_date ON review_events (date);
CREATE INDEX search_docs_date ON search_docs (date);
CREATE INDEX ix_runs_date ON runs (date);
PRAGMA writable_schema=OFF;
COMMIT;
