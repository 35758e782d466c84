/*
 * ipc.h - the Unix-socket protocol between the `certhelper` CLI and the
 * daemon (docs/CERTHELPER.md §4).
 *
 * A connection carries one request and its answer.  Each is a frame: a
 * 4-byte big-endian length N (1 .. HELPER_IPC_MAX), then N bytes of one
 * JSON object (UTF-8, no duplicate members, no NUL).  Requests are
 * {"cmd": NAME, ...}; answers {"ok": true, ...} or {"ok": false,
 * "error": NAME, "code": N, "message": 中文, "message_en": English}.
 * The socket is 0600 in a 0700 directory, and the daemon also checks the
 * peer's uid (SO_PEERCRED): only the user who runs the daemon is served.
 */
#ifndef HELPER_IPC_H
#define HELPER_IPC_H

#include <jansson.h>

#include "helper.h"

#define HELPER_IPC_MAX (64 * 1024)

/* Seconds a peer may take to send its request or read the answer. */
#define HELPER_IPC_IO_TIMEOUT 5

/*
 * Binds path (its folder created 0700 and checked to be ours and not
 * open to others; a stale socket replaced, anything else refused) with
 * mode 0600 and listens.
 */
int helper_ipc_listen(const char *path, int *fd_out);

/* 0 when the peer of a connected socket is our own uid (HELPER_ERR_PEER). */
int helper_ipc_peer_ok(int fd);

/* HELPER_ERR_NOT_RUNNING when nothing listens at path. */
int helper_ipc_connect(const char *path, int *fd_out);

/* One frame each way; HELPER_ERR_PROTOCOL for a bad or oversize frame. */
int helper_ipc_send(int fd, json_t *msg);
int helper_ipc_recv(int fd, json_t **out);

/* connect, send req, receive the answer (timeout_secs for the answer). */
int helper_ipc_call(const char *path, json_t *req, int timeout_secs,
    json_t **resp);

/*
 * The daemon's side: runs the request's command against h and makes the
 * answer.  *stop_after is set for "shutdown" (the caller sends the answer
 * first, then stops).
 */
int helper_ipc_handle(struct helper_ctx *h, json_t *req, json_t **resp,
    int *stop_after);

/* An error answer for code with m's words (m may be NULL). */
json_t *helper_ipc_error(int code, const struct helper_msg *m);

#endif
