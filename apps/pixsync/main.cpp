#include <cstdio>
#include "pixsync/version.hpp"
int main() { std::printf("pixsync %s\n", pixsync::kVersion); }
