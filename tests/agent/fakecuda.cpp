// A stand-in for the driver's libcuda.so.1 with one 24 GiB device: allocations up to its size
// succeed, larger ones fail with CUDA_ERROR_OUT_OF_MEMORY. It stands in only because no GPU
// exists in CI; the real driver is checked on a GPU machine by tests/gpu/run.sh.
// Signatures as in cuda.h.
#include <cstddef>
#include <cstring>

namespace {

constexpr int kSuccess = 0;
constexpr int kInvalidValue = 1;
constexpr int kOutOfMemory = 2;
constexpr int kNotInitialized = 3;
constexpr std::size_t kDeviceBytes = std::size_t(24) << 30;

bool g_initialized = false;
std::size_t g_allocated = 0;

} // namespace

extern "C" {

__attribute__((visibility("default"))) int cuInit(unsigned int flags)
{
    if (flags != 0)
        return kInvalidValue;
    g_initialized = true;
    return kSuccess;
}

__attribute__((visibility("default"))) int cuDeviceGet(int *device, int ordinal)
{
    if (!g_initialized)
        return kNotInitialized;
    if (!device || ordinal != 0)
        return kInvalidValue;
    *device = 0;
    return kSuccess;
}

__attribute__((visibility("default"))) int cuDeviceGetName(char *name, int length, int device)
{
    static const char kName[] = "NVIDIA Fake CUDA 24GB";
    if (!name || device != 0 || length < int(sizeof kName))
        return kInvalidValue;
    std::memcpy(name, kName, sizeof kName);
    return kSuccess;
}

__attribute__((visibility("default"))) int cuDeviceTotalMem_v2(std::size_t *bytes, int device)
{
    if (!bytes || device != 0)
        return kInvalidValue;
    *bytes = kDeviceBytes;
    return kSuccess;
}

__attribute__((visibility("default"))) int cuCtxCreate_v2(void **context, unsigned int, int device)
{
    if (!g_initialized)
        return kNotInitialized;
    if (!context || device != 0)
        return kInvalidValue;
    static int token;
    *context = &token;
    return kSuccess;
}

__attribute__((visibility("default"))) int cuMemAlloc_v2(unsigned long long *pointer, std::size_t bytes)
{
    if (!pointer || bytes == 0)
        return kInvalidValue;
    if (bytes > kDeviceBytes - g_allocated)
        return kOutOfMemory;
    g_allocated += bytes;
    *pointer = 0x7f0000000000ull + g_allocated;
    return kSuccess;
}

__attribute__((visibility("default"))) int cuGetErrorString(int error, const char **text)
{
    if (!text)
        return kInvalidValue;
    switch (error) {
    case kSuccess:
        *text = "no error";
        break;
    case kOutOfMemory:
        *text = "out of memory";
        break;
    case kNotInitialized:
        *text = "initialization error";
        break;
    default:
        *text = "invalid argument";
        break;
    }
    return kSuccess;
}

} // extern "C"
