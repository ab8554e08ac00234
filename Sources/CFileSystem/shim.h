// statfs(2), which the Glibc module does not bring: which kind of file system a path is on.
#ifdef __linux__
#include <sys/vfs.h>
#else
#include <sys/mount.h>
#endif
