// Fixture for tests/scripts/check_layers_test.sh: the core reaching up twice.
#include "hoursd/core/result.hpp"
#include "hoursd/http/api.hpp"
#include <nlohmann/json.hpp>
