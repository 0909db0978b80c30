// Fixture: a public header of sync including the daemon.
#include "hoursd/daemon/app.hpp"
