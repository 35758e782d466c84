/*
 * routes.h - certsvc's route table (routes.c) and the handlers of the
 * machine-facing side: the JSON API for the helper and the reporting
 * systems (api.c, directory.c), the CA downloads and the CRL (api.c),
 * and OCSP (ocsp_http.c).  docs/CERTSVC.md is the reference.
 */
#ifndef SVC_ROUTES_H
#define SVC_ROUTES_H

#include "http.h"

/* Request bodies the API accepts. */
#define SVC_API_BODY_MAX (64 * 1024)

/* The whole table, terminated by a {NULL} entry. */
const struct svc_route *svc_routes(void);

/* api.c */
int svc_api_enroll(struct svc_req *r, struct svc_resp *w);      /* POST /api/v1/enroll */
int svc_api_cert_status(struct svc_req *r, struct svc_resp *w); /* GET /api/v1/certs/{serial}/status */
int svc_api_ca_root(struct svc_req *r, struct svc_resp *w);     /* GET /ca/root.pem */
int svc_api_ca_issuing(struct svc_req *r, struct svc_resp *w);  /* GET /ca/issuing.pem */
int svc_api_ca_chain(struct svc_req *r, struct svc_resp *w);    /* GET /ca/chain.pem */
int svc_api_crl(struct svc_req *r, struct svc_resp *w);         /* GET /crl[?pem=1] */
/* directory.c */
int svc_api_rp(struct svc_req *r, struct svc_resp *w);          /* GET /api/v1/rp */
/* ocsp_http.c */
int svc_ocsp_post(struct svc_req *r, struct svc_resp *w);       /* POST /ocsp */
int svc_ocsp_get(struct svc_req *r, struct svc_resp *w);        /* GET /ocsp/{b64} */

#endif
