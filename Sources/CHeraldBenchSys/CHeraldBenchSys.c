// Everything lives in include/CHeraldBenchSys.h as static inline functions; this file gives the target
// the source file SwiftPM requires and checks that the header compiles on its own.
#include "CHeraldBenchSys.h"
