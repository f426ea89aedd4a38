/*
 * budget.h: the responder's budget of OpenPGP work (doc/PROTOCOL.md
 * "Rate limits"): one token bucket in DIR/pgp-budget, shared by every
 * responder process under flock(2), so a flood of private requests cannot
 * keep the CPU busy with gpg however many processes serve it.
 */
#ifndef PF_BUDGET_H
#define PF_BUDGET_H

#include "pf.h"

struct pf_store;

#define PF_BUDGET_FILE	"pgp-budget"

/*
 * Take one token from the bucket of burst tokens that refills at rate
 * tokens per second (rate >= 1, so a token is back within a second).
 * PF_OK if one was there; PF_ERR_BUSY if not.  A missing or damaged file
 * is a full bucket; a clock that stepped back refills nothing.
 * PF_ERR_SYS if the file cannot be opened or locked.
 */
enum pf_err	 pf_budget_take(struct pf_store *, long rate, long burst);

#endif
