/*
 * cmd.h - the certsvc subcommands, one file each (cmd_<name>.c), wired by
 * main.c.  Each takes its own argv (argv[0] is the subcommand's name),
 * prints its own messages ("certsvc: <name>: ...") and returns the exit
 * status: 0 success, 1 failure, 2 usage error.  docs/CERTSVC.md documents
 * every subcommand.
 */
#ifndef SVC_CMD_H
#define SVC_CMD_H

#include <stddef.h>

#define CMD_OK 0
#define CMD_FAIL 1
#define CMD_USAGE 2

int cmd_init_main(int argc, char **argv);   /* cmd_init.c  */
int cmd_serve_main(int argc, char **argv);  /* cmd_serve.c */

/*
 * "HOST:PORT" or "[V6]:PORT" into addr and *port; port 0 only when
 * allow_zero.  0 or -1.  (cmd_serve.c; init uses it too.)
 */
int cmd_listen_parse(const char *s, char *addr, size_t addrlen, int *port,
    int allow_zero);

#endif
