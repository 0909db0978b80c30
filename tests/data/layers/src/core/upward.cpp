// Fixture for tests/scripts/check_layers_test.sh: the core reaching up, and libical in src/.
#include "hoursd/core/result.hpp"
#include "hoursd/http/api.hpp"
#include <nlohmann/json.hpp>
# include <hoursd/daemon/app.hpp>
#include <libical/ical.h>
