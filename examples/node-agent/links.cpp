// Link helpers over SIOCGIFFLAGS / SIOCSIFFLAGS (see links.hpp).
#include "links.hpp"

#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace bgp::node_agent {

bool link_exists(const std::string& name) { return ::if_nametoindex(name.c_str()) != 0; }

std::string link_up(const std::string& name) {
    if (name.size() >= IFNAMSIZ) return "name too long";
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return std::strerror(errno);
    ifreq req{};
    std::memcpy(req.ifr_name, name.c_str(), name.size());
    std::string error;
    if (::ioctl(fd, SIOCGIFFLAGS, &req) != 0) {
        error = std::strerror(errno);
    } else if ((req.ifr_flags & IFF_UP) == 0) {
        req.ifr_flags = static_cast<short>(req.ifr_flags | IFF_UP);
        if (::ioctl(fd, SIOCSIFFLAGS, &req) != 0) error = std::strerror(errno);
    }
    ::close(fd);
    return error;
}

}  // namespace bgp::node_agent
