#!/usr/bin/python3
# mdwe.py CMD [ARG...]: run CMD as systemd's MemoryDenyWriteExecute=yes
# runs a service: no memory both writable and executable, none made
# executable later (prctl PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, Linux
# 6.3; kept across fork and execve).  Exits 3 if the kernel has no MDWE.
import ctypes, os, sys

PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN = 65, 1
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) != 0:
    sys.stderr.write("mdwe.py: prctl(PR_SET_MDWE): %s\n"
                     % os.strerror(ctypes.get_errno()))
    sys.exit(3)
os.execvp(sys.argv[1], sys.argv[1:])
