// A stand-in for the driver's libnvidia-ml.so.1 with fixed answers: two GPUs, their names,
// memory and utilization. It stands in only because no GPU exists in CI; the real library is
// checked on a GPU machine with `servedeck agent --print-gpus`. Signatures as in nvml.h.
#include <cstring>

namespace {

struct FakeDevice
{
    const char *name;
    const char *uuid;
    unsigned long long total;
    unsigned long long used;
    unsigned int utilization;
};

constexpr unsigned long long kMiB = 1024ull * 1024;
const FakeDevice kDevices[] = {
    {"NVIDIA Fake A100 80GB", "GPU-0a0a0a0a-1111-2222-3333-444444444444", 81920 * kMiB, 10240 * kMiB, 42},
    {"NVIDIA Fake L4", "GPU-0b0b0b0b-5555-6666-7777-888888888888", 23034 * kMiB, 512 * kMiB, 7},
};
constexpr int kSuccess = 0;
constexpr int kUninitialized = 1;
constexpr int kInvalidArgument = 2;
constexpr int kInsufficientSize = 7;

int g_initResult = kSuccess;  // what nvmlInit_v2 answers (tests make it fail)
int g_inits = 0;
int g_shutdowns = 0;
int g_open = 0;  // nvmlInit_v2 is counted, as in the real library
// One compute process on device 0 that tests name (a real replica's pid); device 1 always has
// one whose memory NVML cannot say (as under some drivers and in containers).
unsigned int g_processPid = 0;  // 0: none on device 0
unsigned long long g_processBytes = 0;
constexpr unsigned long long kNotAvailable = ~0ull;

int copyOut(const char *text, char *buffer, unsigned int length)
{
    if (!buffer || std::strlen(text) + 1 > length)
        return kInsufficientSize;
    std::memcpy(buffer, text, std::strlen(text) + 1);
    return kSuccess;
}

const FakeDevice *deviceOf(void *handle)
{
    for (const FakeDevice &d : kDevices) {
        if (&d == handle)
            return &d;
    }
    return nullptr;
}

} // namespace

extern "C" {

struct FakeMemory
{
    unsigned long long total, free, used;
};
struct FakeUtilization
{
    unsigned int gpu, memory;
};
// nvmlProcessInfo_v2_t, the record _v3 fills.
struct FakeProcessInfo
{
    unsigned int pid;
    unsigned long long usedGpuMemory;
    unsigned int gpuInstanceId, computeInstanceId;
};

__attribute__((visibility("default"))) int nvmlInit_v2()
{
    ++g_inits;
    if (g_initResult == kSuccess)
        ++g_open;
    return g_initResult;
}

__attribute__((visibility("default"))) int nvmlShutdown()
{
    ++g_shutdowns;
    if (g_open == 0)
        return kUninitialized;
    --g_open;
    return kSuccess;
}

__attribute__((visibility("default"))) int nvmlDeviceGetCount_v2(unsigned int *count)
{
    if (g_open == 0)
        return kUninitialized;
    *count = sizeof(kDevices) / sizeof(kDevices[0]);
    return kSuccess;
}

__attribute__((visibility("default"))) int nvmlDeviceGetHandleByIndex_v2(unsigned int index, void **device)
{
    if (g_open == 0)
        return kUninitialized;
    if (index >= sizeof(kDevices) / sizeof(kDevices[0]))
        return kInvalidArgument;
    *device = const_cast<FakeDevice *>(&kDevices[index]);
    return kSuccess;
}

__attribute__((visibility("default"))) int nvmlDeviceGetName(void *device, char *name, unsigned int length)
{
    const FakeDevice *d = deviceOf(device);
    return d ? copyOut(d->name, name, length) : kInvalidArgument;
}

__attribute__((visibility("default"))) int nvmlDeviceGetUUID(void *device, char *uuid, unsigned int length)
{
    const FakeDevice *d = deviceOf(device);
    return d ? copyOut(d->uuid, uuid, length) : kInvalidArgument;
}

__attribute__((visibility("default"))) int nvmlDeviceGetMemoryInfo(void *device, FakeMemory *memory)
{
    const FakeDevice *d = deviceOf(device);
    if (!d)
        return kInvalidArgument;
    *memory = {d->total, d->total - d->used, d->used};
    return kSuccess;
}

__attribute__((visibility("default"))) int nvmlDeviceGetUtilizationRates(void *device, FakeUtilization *utilization)
{
    const FakeDevice *d = deviceOf(device);
    if (!d)
        return kInvalidArgument;
    *utilization = {d->utilization, d->utilization / 2};
    return kSuccess;
}

__attribute__((visibility("default"))) int nvmlDeviceGetComputeRunningProcesses_v3(void *device, unsigned int *count,
                                                                                 FakeProcessInfo *infos)
{
    const FakeDevice *d = deviceOf(device);
    if (!d || !count)
        return kInvalidArgument;
    FakeProcessInfo listed[1] = {};
    unsigned int n = 0;
    if (d == &kDevices[0] && g_processPid != 0)
        listed[n++] = {g_processPid, g_processBytes, 0, 0};
    else if (d == &kDevices[1])
        listed[n++] = {4242, kNotAvailable, 0, 0};
    // As NVML: too small a buffer is answered with the count needed.
    if (*count < n) {
        *count = n;
        return kInsufficientSize;
    }
    *count = n;
    for (unsigned int i = 0; i < n; ++i)
        infos[i] = listed[i];
    return kSuccess;
}

__attribute__((visibility("default"))) const char *nvmlErrorString(int result)
{
    switch (result) {
    case kSuccess:
        return "Success";
    case kUninitialized:
        return "Uninitialized";
    case kInvalidArgument:
        return "Invalid Argument";
    case 9:
        return "Driver Not Loaded";
    default:
        return "Unknown Error";
    }
}

// For the test, through its own dlopen of this same file: not part of NVML.
__attribute__((visibility("default"))) void fakeNvmlSetInitResult(int result)
{
    g_initResult = result;
}

__attribute__((visibility("default"))) void fakeNvmlSetProcess(unsigned int pid, unsigned long long bytes)
{
    g_processPid = pid;
    g_processBytes = bytes;
}

__attribute__((visibility("default"))) int fakeNvmlOpenCount()
{
    return g_open;
}

__attribute__((visibility("default"))) int fakeNvmlInitCount()
{
    return g_inits;
}

} // extern "C"
