/*
 * hconfig.h - the helper's configuration and paths (XDG Base Directory):
 *   config   $XDG_CONFIG_HOME/certhelper/certhelper.conf  (~/.config)
 *   data     $XDG_DATA_HOME/certhelper/keystore           (~/.local/share)
 *   state    $XDG_STATE_HOME/certhelper/certhelper.log    (~/.local/state)
 *   runtime  $XDG_RUNTIME_DIR/certhelper/ (socket, lock; falls back to
 *            the state dir when XDG_RUNTIME_DIR is unset)
 * certhelper.conf: "key = value" lines: service_url, root_sm3 (the pinned
 * root certificate's SM3 fingerprint, hex), port (default 17380),
 * log_max_bytes.  Unknown keys and bad values are errors naming the line.
 */
#ifndef HELPER_HCONFIG_H
#define HELPER_HCONFIG_H

#include <limits.h>
#include <stddef.h>

#define HELPER_DEFAULT_PORT 17380

struct helper_config {
	char service_url[256];
	char root_sm3[65];
	int port;
	long log_max_bytes;
	char config_dir[PATH_MAX];
	char keystore_dir[PATH_MAX];
	char state_dir[PATH_MAX];
	char runtime_dir[PATH_MAX];
	char config_file[PATH_MAX];
	char socket_path[PATH_MAX];
	char lock_path[PATH_MAX];
	char log_path[PATH_MAX];
};

/* Paths from the environment (HOME, XDG_*), defaults for the rest. */
int helper_config_paths(struct helper_config *c);
/* Loads certhelper.conf over the defaults (absent file: defaults). */
int helper_config_load(struct helper_config *c, char *err, size_t errlen);
int helper_config_save(const struct helper_config *c);

#endif
