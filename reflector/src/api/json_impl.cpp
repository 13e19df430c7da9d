// Boost.JSON used header-only by the reflector (the API's JSON): its
// implementation is compiled here, once for bgp_reflector_lib. Nothing else in
// the daemon or its tests may include <boost/json/src.hpp>.
#include <boost/json/src.hpp>
