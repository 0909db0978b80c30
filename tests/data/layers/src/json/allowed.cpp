// Fixture: everything here is allowed (its own layer, a lower one, its library, the std).
#include "hoursd/json/answer_json.hpp"
#include "hoursd/core/result.hpp"
#include <nlohmann/json.hpp>
#include <string>
