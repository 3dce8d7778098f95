/* Souk public API: the database, the same on SQLite and MariaDB. */
#ifndef SOUK_DB_H
#define SOUK_DB_H

#include <souk/core.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Each worker holds one connection, opened after fork from the [database]
 * section of souk.conf (SQLite by default). Plugins never see a SQLite or
 * MariaDB type. SQL uses `?` placeholders on both engines; where dialects
 * differ, ask souk_db_dialect(). Prepared statements only: there is no way
 * to run SQL text with values spliced in.
 *
 * Money columns are integers (minor units) next to a currency code column.
 */
typedef struct souk_db_s    souk_db_t;
typedef struct souk_stmt_s  souk_stmt_t;

#define SOUK_ROW        1      /* souk_stmt_step: a row is ready */
/* SOUK_DONE (-3): no more rows / statement finished */

#define SOUK_DB_SQLITE   1
#define SOUK_DB_MARIADB  2

/* The worker's connection for this request (never NULL once soukd serves). */
SOUK_API souk_db_t *souk_db(souk_request_t *r);
SOUK_API int souk_db_dialect(const souk_db_t *db);
/* The last error's message (engine text), for logs; never NULL. */
SOUK_API const char *souk_db_error(const souk_db_t *db);

/*
 * Prepares sql, or returns the connection's cached statement for the same
 * text (reset and with binds cleared). The statement belongs to the
 * connection; do not free it. NULL on a syntax error (logged).
 */
SOUK_API souk_stmt_t *souk_db_prepare(souk_db_t *db, const char *sql);

/* Binds: idx counts from 1. Text is copied by the engine; len -1 = strlen. */
SOUK_API int souk_stmt_bind_int(souk_stmt_t *st, int idx, int64_t v);
SOUK_API int souk_stmt_bind_text(souk_stmt_t *st, int idx, const char *s,
    long len);
SOUK_API int souk_stmt_bind_blob(souk_stmt_t *st, int idx, const void *p,
    size_t len);
SOUK_API int souk_stmt_bind_null(souk_stmt_t *st, int idx);

/*
 * Runs the statement or fetches the next row: SOUK_ROW, SOUK_DONE, or
 * SOUK_ERROR. Inside souk_db_tx a deadlock, lock timeout or lost connection
 * makes the transaction retry (see there).
 */
SOUK_API int souk_stmt_step(souk_stmt_t *st);

/* Columns of the current row, counting from 0. Text and blobs stay valid
 * until the next step or reset. A NULL column reads as 0 / NULL. */
SOUK_API int souk_stmt_is_null(souk_stmt_t *st, int col);
SOUK_API int64_t souk_stmt_int(souk_stmt_t *st, int col);
SOUK_API const char *souk_stmt_text(souk_stmt_t *st, int col);
SOUK_API const void *souk_stmt_blob(souk_stmt_t *st, int col, size_t *len);
SOUK_API int souk_stmt_columns(souk_stmt_t *st);

/* Ends the statement early (frees its result) so it can be reused. */
SOUK_API void souk_stmt_reset(souk_stmt_t *st);

/* After an INSERT / UPDATE / DELETE. */
SOUK_API int64_t souk_db_last_id(souk_db_t *db);
SOUK_API int64_t souk_db_changes(souk_db_t *db);

/*
 * Convenience: prepare, bind from a format and run to completion.
 * fmt letters: 'i' int64_t, 't' const char * (NULL binds NULL), 'n' NULL.
 * Returns SOUK_OK or SOUK_ERROR.
 *   souk_db_exec(db, "UPDATE stock SET qty = qty - ? WHERE sku = ? AND "
 *                "qty >= ?", "iti", n, sku, n);
 */
SOUK_API int souk_db_exec(souk_db_t *db, const char *sql, const char *fmt,
    ...);
/* Like souk_db_exec but leaves the statement on its first row: returns
 * the statement (read columns, then souk_stmt_reset) or NULL when there is
 * no row or on error (souk_db_error tells which: "" for no row). */
SOUK_API souk_stmt_t *souk_db_row(souk_db_t *db, const char *sql,
    const char *fmt, ...);

/*
 * Runs fn(db, arg) in a transaction: commit when it returns SOUK_OK, roll
 * back otherwise. Called inside another souk_db_tx it becomes a savepoint,
 * rolled back alone on failure. When the outermost transaction hits a
 * deadlock, lock timeout or lost connection (MariaDB 1213, 1205, 2006,
 * 2013; SQLite BUSY) the whole of it is rolled back and fn runs again, at
 * most 5 times with a short random back-off. So fn must have no effects
 * outside the database (no mail, no HTTP): put those in the outbox.
 * A connection lost during the COMMIT itself is not retried (the server may
 * have committed): SOUK_ERROR, logged. Statements stepped inside fn are
 * reset when the transaction ends.
 * Returns fn's result, or SOUK_ERROR when retries ran out.
 */
typedef int (*souk_tx_pt)(souk_db_t *db, void *arg);
SOUK_API int souk_db_tx(souk_db_t *db, souk_tx_pt fn, void *arg);

#ifdef __cplusplus
}
#endif

#endif /* SOUK_DB_H */
