/*
 * group.h: groups of friends, kept as `group NAME = FPR ...` lines in the
 * keyring's gpg.conf so gpg itself understands them (gpg --list-config).
 * No gpgme here: group.c edits that one file, atomically, keeping every
 * other line as it was.
 */
#ifndef PF_GROUP_H
#define PF_GROUP_H

#include "pf.h"

struct pf_group {
	char	  name[PF_GROUP_MAX];
	size_t	  n;
	char	(*members)[PF_FPR_MAX];
};

/* True if name is a valid group name: [A-Za-z0-9_.-], 1..63 chars. */
int		 pf_group_name_valid(const char *name);
/* Every group in gnupghome/gpg.conf.  Free with pf_group_free(list, n). */
enum pf_err	 pf_group_list(const char *gnupghome, struct pf_group **list, size_t *n);
void		 pf_group_free(struct pf_group *, size_t n);
/* Add members to group name (created if new); members already in it stay once. */
enum pf_err	 pf_group_add(const char *gnupghome, const char *name,
		    const char *const *fprs, size_t n);
/*
 * Remove members from group name; n == 0 removes the whole group.  A group
 * left empty is removed.  PF_ERR_NOTFOUND if the group does not exist.
 */
enum pf_err	 pf_group_remove(const char *gnupghome, const char *name,
		    const char *const *fprs, size_t n);
/*
 * Audiences a reader holding key fpr belongs to, for pf_index_changes():
 * "public", "key:FPR", and "group:NAME" for each group listing fpr.
 * *auds is one allocation the caller frees with free().
 */
enum pf_err	 pf_group_audiences(const char *gnupghome, const char *fpr,
		    char ***auds, size_t *n);
/* The same from a list pf_group_list() gave. */
enum pf_err	 pf_group_audiences_in(const struct pf_group *, size_t ng,
		    const char *fpr, char ***auds, size_t *n);

#endif
