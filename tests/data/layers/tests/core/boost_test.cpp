// Fixture: the core's tests build without Boost.
#include <boost/asio.hpp>
