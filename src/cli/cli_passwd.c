/*
 * cli_passwd.c: peerfeed passwd, the password of the owner's web page
 * (/app, see peerfeed.fcgi(8)).  Reads it twice from the terminal with
 * echo off, or once from standard input with --stdin (scripts, tests).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "conf.h"
#include "log.h"
#include "passwd.h"
#include "store.h"

#define LINE	(PF_PASSWD_MAX + 2)

/* One line from f into buf without its newline; -1 at EOF or if too long. */
static int
read_line(FILE *f, char *buf, size_t n)
{
	size_t len;

	if (fgets(buf, (int)n, f) == NULL)
		return -1;
	len = strlen(buf);
	if (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	else if (len == n - 1) {
		pf_log("password longer than %d bytes", PF_PASSWD_MAX);
		return -1;
	}
	if (len > 0 && buf[len - 1] == '\r')
		buf[--len] = '\0';
	return 0;
}

/* Prompt on the terminal tty and read one line with echo off. */
static int
ask(FILE *tty, const char *prompt, char *buf, size_t n)
{
	struct termios	old, quiet;
	int		fd = fileno(tty), rc;

	fputs(prompt, stderr);
	fflush(stderr);
	if (tcgetattr(fd, &old) == -1)
		return -1;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= ECHONL;
	if (tcsetattr(fd, TCSAFLUSH, &quiet) == -1)
		return -1;
	rc = read_line(tty, buf, n);
	(void)tcsetattr(fd, TCSAFLUSH, &old);
	return rc;
}

static int
from_tty(char *pw, size_t n)
{
	char	 again[LINE];
	FILE	*tty;
	int	 rc = -1;

	if ((tty = fopen("/dev/tty", "r+")) == NULL) {
		pf_log("no terminal to ask on: use peerfeed passwd --stdin");
		return -1;
	}
	if (ask(tty, "New web password: ", pw, n) == 0 &&
	    ask(tty, "Again: ", again, sizeof(again)) == 0) {
		if (strcmp(pw, again) == 0)
			rc = 0;
		else
			pf_log("the two passwords differ; nothing changed");
	}
	explicit_bzero(again, sizeof(again));
	fclose(tty);
	return rc;
}

int
cli_passwd(const char *dir, int argc, char **argv)
{
	struct pf_store	*st = NULL;
	struct pf_conf	 conf;
	char		 pw[LINE];
	int		 rc = 1, use_stdin = 0;

	if (argc == 2 && strcmp(argv[1], "--stdin") == 0)
		use_stdin = 1;
	else if (argc != 1)
		return cli_usage(cli_find("passwd"), 1);
	if (pf_store_open(pf_store_dir(dir), 0, &st) != PF_OK)
		return cli_fail(NULL);
	if (use_stdin ? read_line(stdin, pw, sizeof(pw)) : from_tty(pw,
	    sizeof(pw))) {
		if (use_stdin)
			pf_log("no password on standard input");
		goto out;
	}
	/* A new password also ends every open session. */
	if (pf_passwd_set(st, pw) != PF_OK ||
	    pf_store_unlink(st, PF_PASSWD_SESSIONS) != PF_OK ||
	    pf_conf_load(pf_store_path(st), &conf) != PF_OK) {
		cli_fail(NULL);
		goto out;
	}
	printf("web password set; log in at %s/app/\n", conf.url[0] ?
	    conf.url : conf.base_path);
	rc = 0;
out:
	explicit_bzero(pw, sizeof(pw));
	pf_store_close(st);
	return rc;
}
