// zlib, from Debian's zlib1g-dev: gzip (IDX datasets) and deflate (.npz archives).
#include <zlib.h>
