/*
 * cli.h: the commands of peerfeed(1).  Each takes the state directory and
 * its own argv (argv[0] is the command name) and returns the exit status:
 * 0 success, 1 failure, 2 usage error.  Only these and main() print.
 */
#ifndef PF_CLI_H
#define PF_CLI_H

#include <stddef.h>

struct pf_buf;

struct cli_cmd {
	const char	*name;
	int		(*fn)(const char *dir, int argc, char **argv);
	const char	*usage;
	const char	*help;
};

/* cli_admin.c */
int	cli_init(const char *, int, char **);
int	cli_id(const char *, int, char **);
int	cli_reindex(const char *, int, char **);
int	cli_check(const char *, int, char **);

/* cli_archive.c */
int	cli_export(const char *, int, char **);
int	cli_import(const char *, int, char **);

/* cli_dht.c */
int	cli_dht(const char *, int, char **);

/* cli_discover.c */
int	cli_discover(const char *, int, char **);

/* cli_friend.c */
int	cli_friend(const char *, int, char **);
int	cli_group(const char *, int, char **);
int	cli_block(const char *, int, char **);
int	cli_unblock(const char *, int, char **);

/* cli_passwd.c */
int	cli_passwd(const char *, int, char **);

/* cli_post.c */
int	cli_post(const char *, int, char **);
int	cli_edit(const char *, int, char **);
int	cli_delete(const char *, int, char **);
int	cli_list(const char *, int, char **);
int	cli_show(const char *, int, char **);

/* cli_reach.c */
int	cli_reach(const char *, int, char **);

/* cli_status.c */
int	cli_status(const char *, int, char **);
int	cli_doctor(const char *, int, char **);

/* cli_timeline.c */
int	cli_timeline(const char *, int, char **);

/* main_cli.c */
/* Print usage of cmd to stdout (help) or stderr (error), return 0 or 2. */
int	cli_usage(const struct cli_cmd *, int error);
/* The command table entry for name, or NULL. */
const struct cli_cmd *cli_find(const char *name);
/* Print "peerfeed: <message>" for the last pf_err() and return 1. */
int	cli_fail(const char *what);
/*
 * Read the file path ("-": standard input) into b, at most max bytes:
 * 0, or -1 after saying why ("larger than max bytes: not <what>").
 */
int	cli_read(const char *path, size_t max, const char *what,
	    struct pf_buf *b);
/* True if argv holds -h or --help before any "--". */
int	cli_wants_help(int argc, char **argv);

#endif
