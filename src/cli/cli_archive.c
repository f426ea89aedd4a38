/* cli_archive.c: export, import. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "archive.h"
#include "cli.h"
#include "store.h"

int
cli_export(const char *dir, int argc, char **argv)
{
	struct pf_archive_stats	s;

	if (argc != 2 || argv[1][0] == '-')
		return cli_usage(cli_find("export"), 1);
	if (pf_archive_export(pf_store_dir(dir), argv[1], &s) != PF_OK)
		return cli_fail("export");
	printf("exported %s: %zu files, %zu bytes, to %s\n"
	    "It holds the node's secret key, unprotected: keep it as safe as "
	    "the node itself.\n", s.fpr, s.files, s.bytes, argv[1]);
	return 0;
}

int
cli_import(const char *dir, int argc, char **argv)
{
	struct pf_archive_stats	s;

	if (argc != 2 || argv[1][0] == '-')
		return cli_usage(cli_find("import"), 1);
	dir = pf_store_dir(dir);
	if (pf_archive_import(argv[1], dir, &s) != PF_OK)
		return cli_fail("import");
	printf("restored %s into %s: %zu files, %zu posts indexed\n", s.fpr, dir,
	    s.files, s.posts);
	return 0;
}
