/* main.c - the gmpki command: dispatches to one file per subcommand. */
#include <stdio.h>
#include <string.h>

#include "gmpki/gmpki.h"

int
main(int argc, char **argv)
{
	if (gmpki_init() != 0) {
		fprintf(stderr, "gmpki: 初始化失败 (initialisation failed)\n");
		return 2;
	}
	if (argc < 2 || strcmp(argv[1], "--version") == 0) {
		printf("gmpki %s\n", GMPKI_VERSION);
		return argc < 2 ? 2 : 0;
	}
	fprintf(stderr, "gmpki: 未知子命令 (unknown subcommand): %s\n", argv[1]);
	return 2;
}
