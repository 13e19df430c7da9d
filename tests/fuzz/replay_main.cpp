// Replay driver for the libFuzzer targets in tests/fuzz/*_fuzz.cpp.
//
// Linked with one fuzz target's source instead of libFuzzer, it feeds every input file to
// LLVMFuzzerTestOneInput once, so the regression inputs (tests/vectors/regress/<target>/)
// and the seed corpus (tests/fuzz/corpus/<target>/) run under ctest with any compiler,
// sanitizers or not. A crash, a sanitizer report or an abort fails the test; otherwise the
// driver exits 0.
//
// Usage: <target>_replay [--allow-missing] PATH...
//   PATH is a file or a directory searched recursively (hidden files are skipped).
//   --allow-missing  treat a PATH that does not exist as empty instead of an error.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace {

namespace fs = std::filesystem;

bool is_hidden(const fs::path& p) {
    const std::string name = p.filename().string();
    return !name.empty() && name.front() == '.';
}

bool collect(const fs::path& root, bool allow_missing, std::vector<fs::path>& out) {
    std::error_code ec;
    const fs::file_status st = fs::status(root, ec);
    if (ec || !fs::exists(st)) {
        if (allow_missing) {
            std::fprintf(stderr, "replay: %s: missing, skipped\n", root.c_str());
            return true;
        }
        std::fprintf(stderr, "replay: %s: no such file or directory\n", root.c_str());
        return false;
    }
    if (fs::is_regular_file(st)) {
        out.push_back(root);
        return true;
    }
    if (!fs::is_directory(st)) {
        std::fprintf(stderr, "replay: %s: not a file or directory\n", root.c_str());
        return false;
    }
    fs::recursive_directory_iterator it(root, ec);
    if (ec) {
        std::fprintf(stderr, "replay: %s: %s\n", root.c_str(), ec.message().c_str());
        return false;
    }
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) {
            std::fprintf(stderr, "replay: %s: %s\n", root.c_str(), ec.message().c_str());
            return false;
        }
        if (is_hidden(it->path())) {
            if (it->is_directory()) {
                it.disable_recursion_pending();
            }
            continue;
        }
        if (it->is_regular_file()) {
            out.push_back(it->path());
        }
    }
    return true;
}

bool read_file(const fs::path& p, std::vector<std::uint8_t>& bytes) {
    std::ifstream in(p, std::ios::binary);
    if (!in) {
        return false;
    }
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return !in.bad();
}

}  // namespace

int main(int argc, char** argv) {
    if (LLVMFuzzerInitialize != nullptr) {
        LLVMFuzzerInitialize(&argc, &argv);
    }

    bool allow_missing = false;
    std::vector<fs::path> files;
    bool ok = true;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--allow-missing") {
            allow_missing = true;
            continue;
        }
        ok = collect(fs::path(arg), allow_missing, files) && ok;
    }
    if (!ok) {
        return 2;
    }
    std::sort(files.begin(), files.end());

    std::vector<std::uint8_t> bytes;
    std::size_t total = 0;
    for (const fs::path& p : files) {
        if (!read_file(p, bytes)) {
            std::fprintf(stderr, "replay: %s: cannot read\n", p.c_str());
            return 2;
        }
        std::fprintf(stderr, "replay: %s (%zu bytes)\n", p.c_str(), bytes.size());
        std::fflush(stderr);
        // A heap copy sized exactly to the input (as libFuzzer does), so ASan flags any read
        // past its end; new[0] still gives a non-null pointer for an empty input.
        const std::size_t size = bytes.size();
        const std::unique_ptr<std::uint8_t[]> input(new std::uint8_t[size]);
        std::copy(bytes.begin(), bytes.end(), input.get());
        LLVMFuzzerTestOneInput(input.get(), size);
        total += size;
    }
    std::printf("replay: %zu inputs, %zu bytes, no crash\n", files.size(), total);
    return 0;
}
