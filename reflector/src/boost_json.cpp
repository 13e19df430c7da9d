// Boost.JSON compiled into the reflector (header-only use: this is the one
// translation unit that includes its sources; link no Boost::json).
#include <boost/json/src.hpp>
