# Every external package the project builds against, all from Debian 12 packages installed
# by scripts/setup.sh (see third_party/README.md for versions and licences). Included by
# the top-level CMakeLists.txt and by examples/CMakeLists.txt when it is built standalone.
#
# Targets available afterwards:
#   ZLIB::ZLIB  BZip2::BZip2          MRT reader (gzip / bzip2 dumps)
#   Boost::headers                    Asio, Beast, JSON (header-only use)
#   Threads::Threads
#   fmt::fmt  fmt::fmt-header-only    formatting (never in public headers)
#   yaml-cpp                          reflector configuration
#   PkgConfig::PCAP                   pcap / pcapng reading (bgp-decode, tests)
#   PkgConfig::MNL                    rtnetlink (fib)
# and, when tests are on: Catch2::Catch2, Catch2::Catch2WithMain, benchmark::benchmark,
# benchmark::benchmark_main (found in tests/CMakeLists.txt).
include_guard(GLOBAL)

find_package(ZLIB REQUIRED)
find_package(BZip2 REQUIRED)
find_package(Threads REQUIRED)
find_package(Boost 1.81 CONFIG REQUIRED COMPONENTS headers)
find_package(fmt REQUIRED CONFIG)
find_package(yaml-cpp REQUIRED CONFIG)
find_package(PkgConfig REQUIRED)
pkg_check_modules(PCAP REQUIRED IMPORTED_TARGET libpcap)
pkg_check_modules(MNL REQUIRED IMPORTED_TARGET libmnl)
