/*
 * store_rp.c - the reporting-system directory (联网直报系统 entries such as
 * 万峰, 同方 and the provinces' own systems).
 */
#include "store_priv.h"

#include <string.h>

#include "gmpki/error.h"

#define RP_FIELD_MAX(f) (sizeof(((struct svc_rp *)0)->f) - 1)

/* [a-z0-9-], 1 to 63 characters: it appears in URLs and file names. */
static int
rp_id_ok(const char *id)
{
	size_t n;

	if (id == NULL || (n = strlen(id)) == 0 || n > RP_FIELD_MAX(id))
		return 0;
	for (; *id != '\0'; id++)
		if (!((*id >= 'a' && *id <= 'z') || (*id >= '0' &&
		    *id <= '9') || *id == '-'))
			return 0;
	return 1;
}

int
svc_rp_add(svc_db *db, const struct svc_rp *rp)
{
	int rc;

	if (db == NULL || rp == NULL)
		return GMPKI_ERR_ARG;
	/* Each field must be a terminated string within its array. */
#define RP_TERMINATED(f) (memchr(rp->f, '\0', sizeof(rp->f)) != NULL)
	if (!RP_TERMINATED(id) || !RP_TERMINATED(name) ||
	    !RP_TERMINATED(type) || !RP_TERMINATED(vendor) ||
	    !RP_TERMINATED(province) || !RP_TERMINATED(origin) ||
	    !RP_TERMINATED(return_url))
		return GMPKI_ERR_ARG;
#undef RP_TERMINATED
	if (!rp_id_ok(rp->id))
		return GMPKI_ERR_ARG;
	if ((rc = store_check_str(rp->name, 1, RP_FIELD_MAX(name), 0)) != 0 ||
	    (rc = store_check_str(rp->type, 0, RP_FIELD_MAX(type), 0)) != 0 ||
	    (rc = store_check_str(rp->vendor, 0, RP_FIELD_MAX(vendor), 0)) !=
	    0 || (rc = store_check_str(rp->province, 0,
	    RP_FIELD_MAX(province), 0)) != 0 ||
	    (rc = store_check_str(rp->origin, 1, RP_FIELD_MAX(origin), 0)) !=
	    0 || (rc = store_check_str(rp->return_url, 1,
	    RP_FIELD_MAX(return_url), 0)) != 0)
		return rc;
	return store_run(db, NULL, "INSERT INTO reporting_systems (id, name,"
	    " type, vendor, province, origin, return_url) VALUES"
	    " ($1, $2, $3, $4, $5, $6, $7)", "ttttttt", rp->id, rp->name,
	    rp->type, rp->vendor, rp->province, rp->origin, rp->return_url);
}

#define RP_SELECT                                                             \
	"SELECT id, name, type, vendor, province, origin, return_url"         \
	" FROM reporting_systems"

static int
rp_row(svc_stmt *st, struct svc_rp *rp)
{
	int rc;

	memset(rp, 0, sizeof(*rp));
	if ((rc = store_col_text(st, 0, rp->id, sizeof(rp->id))) != 0 ||
	    (rc = store_col_text(st, 1, rp->name, sizeof(rp->name))) != 0 ||
	    (rc = store_col_text(st, 2, rp->type, sizeof(rp->type))) != 0 ||
	    (rc = store_col_text(st, 3, rp->vendor, sizeof(rp->vendor))) != 0 ||
	    (rc = store_col_text(st, 4, rp->province,
	    sizeof(rp->province))) != 0 ||
	    (rc = store_col_text(st, 5, rp->origin, sizeof(rp->origin))) != 0)
		return rc;
	return store_col_text(st, 6, rp->return_url, sizeof(rp->return_url));
}

int
svc_rp_find(svc_db *db, const char *id, struct svc_rp *rp)
{
	svc_stmt *st = NULL;
	int rc;

	if (db == NULL || id == NULL || rp == NULL)
		return GMPKI_ERR_ARG;
	memset(rp, 0, sizeof(*rp));
	if (!rp_id_ok(id))
		return SVC_ERR_RP_NOT_FOUND;
	if ((rc = store_prepare(db, &st, RP_SELECT " WHERE id = $1", "t",
	    id)) != 0)
		return rc;
	if ((rc = svc_stmt_step(st)) == SVC_ROW)
		rc = rp_row(st, rp);
	else if (rc == SVC_DONE)
		rc = SVC_ERR_RP_NOT_FOUND;
	else
		rc = store_step_err(rc);
	svc_stmt_free(st);
	if (rc != 0)
		memset(rp, 0, sizeof(*rp));
	return rc;
}

int
svc_rp_list(svc_db *db, int (*fn)(void *arg, const struct svc_rp *rp),
    void *arg)
{
	struct svc_rp rp;
	svc_stmt *st = NULL;
	int rc;

	if (db == NULL || fn == NULL)
		return GMPKI_ERR_ARG;
	if ((rc = store_prepare(db, &st, RP_SELECT " ORDER BY id", "")) != 0)
		return rc;
	while ((rc = svc_stmt_step(st)) == SVC_ROW) {
		if ((rc = rp_row(st, &rp)) != 0 || (rc = fn(arg, &rp)) != 0)
			break;
	}
	if (rc == SVC_DONE)	/* else an error, or fn's value */
		rc = 0;
	svc_stmt_free(st);
	return rc;
}
