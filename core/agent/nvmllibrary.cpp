#include "nvmllibrary.h"

#include <cstddef>
#include <cstring>
#include <vector>

#include <QFile>

#include <dlfcn.h>

namespace ServeDeck {

namespace {

// From nvml.h (the declarations a driver's libnvidia-ml.so.1 has exported since the _v2 calls
// arrived, CUDA 5+). nvmlReturn_t is a C enum: an int in the ABI.
using nvmlReturn_t = int;
using nvmlDevice_t = struct nvmlDevice_st *;
struct nvmlMemory_t
{
    unsigned long long total;
    unsigned long long free;
    unsigned long long used;
};
struct nvmlUtilization_t
{
    unsigned int gpu;
    unsigned int memory;
};
// nvmlProcessInfo_v1_t, and the layout that _v2 and _v3 share (nvmlProcessInfo_v2_t).
struct nvmlProcessInfo_v1_t
{
    unsigned int pid;
    unsigned long long usedGpuMemory;
};
struct nvmlProcessInfo_v2_t
{
    unsigned int pid;
    unsigned long long usedGpuMemory;
    unsigned int gpuInstanceId;
    unsigned int computeInstanceId;
};
constexpr unsigned long long NVML_VALUE_NOT_AVAILABLE = ~0ull;
constexpr nvmlReturn_t NVML_SUCCESS = 0;
constexpr nvmlReturn_t NVML_ERROR_NOT_SUPPORTED = 3;
constexpr nvmlReturn_t NVML_ERROR_INSUFFICIENT_SIZE = 7;
// Compute processes listed per device; a GPU shared by more is not a workstation's.
constexpr unsigned int kMaxProcesses = 1024;
// NVML_DEVICE_NAME_V2_BUFFER_SIZE and NVML_DEVICE_UUID_V2_BUFFER_SIZE.
constexpr unsigned int kNameBufferSize = 96;
constexpr unsigned int kUuidBufferSize = 96;
// Far above any machine's device count; bounds what a broken library can make us loop over.
constexpr unsigned int kMaxDevices = 64;

} // namespace

struct NvmlLibrary::Api
{
    nvmlReturn_t (*init)();
    nvmlReturn_t (*shutdown)();
    nvmlReturn_t (*deviceCount)(unsigned int *);
    nvmlReturn_t (*handleByIndex)(unsigned int, nvmlDevice_t *);
    nvmlReturn_t (*name)(nvmlDevice_t, char *, unsigned int);
    nvmlReturn_t (*uuid)(nvmlDevice_t, char *, unsigned int);
    nvmlReturn_t (*memoryInfo)(nvmlDevice_t, nvmlMemory_t *);
    nvmlReturn_t (*utilization)(nvmlDevice_t, nvmlUtilization_t *);
    const char *(*errorString)(nvmlReturn_t);
    // Optional (per-process memory): the newest of _v3, _v2 and the first, with its record's size.
    nvmlReturn_t (*processes)(nvmlDevice_t, unsigned int *, void *) = nullptr;
    size_t processInfoSize = 0;

    // The compute processes on a device with their memory; empty where NVML does not say.
    QList<GpuProcess> listProcesses(nvmlDevice_t device) const
    {
        QList<GpuProcess> out;
        if (!processes)
            return out;
        unsigned int count = 64;
        std::vector<unsigned char> buffer;
        nvmlReturn_t code = NVML_ERROR_INSUFFICIENT_SIZE;
        // Twice at most: processes may start between asking the count and reading the list.
        for (int attempt = 0; attempt < 2 && code == NVML_ERROR_INSUFFICIENT_SIZE; ++attempt) {
            count = std::min(count, kMaxProcesses);
            buffer.assign(size_t(count) * processInfoSize, 0);
            code = processes(device, &count, buffer.data());
            if (code == NVML_ERROR_INSUFFICIENT_SIZE)
                count += 8;
        }
        if (code != NVML_SUCCESS)
            return out;
        count = std::min<unsigned int>(count, unsigned(buffer.size() / processInfoSize));
        for (unsigned int i = 0; i < count; ++i) {
            // pid and usedGpuMemory lead every version's record.
            nvmlProcessInfo_v1_t info{};
            std::memcpy(&info.pid, buffer.data() + i * processInfoSize + offsetof(nvmlProcessInfo_v1_t, pid), sizeof info.pid);
            std::memcpy(&info.usedGpuMemory, buffer.data() + i * processInfoSize + offsetof(nvmlProcessInfo_v1_t, usedGpuMemory),
                        sizeof info.usedGpuMemory);
            out.append({qint64(info.pid),
                        info.usedGpuMemory == NVML_VALUE_NOT_AVAILABLE || info.usedGpuMemory > (1ull << 62)
                            ? qint64(-1)
                            : qint64(info.usedGpuMemory)});
        }
        return out;
    }

    QString describe(const char *call, nvmlReturn_t code) const
    {
        const char *text = errorString ? errorString(code) : nullptr;
        return QStringLiteral("%1 failed: %2 (%3)")
            .arg(QLatin1StringView(call), text ? QString::fromUtf8(text).left(200) : QStringLiteral("unknown error"))
            .arg(code);
    }
};

NvmlLibrary::~NvmlLibrary()
{
    if (m_initialized)
        m_api->shutdown();
    delete m_api;
    if (m_handle)
        ::dlclose(m_handle);
}

bool NvmlLibrary::load(const QString &path, QString *why)
{
    m_handle = ::dlopen(QFile::encodeName(path).constData(), RTLD_NOW | RTLD_LOCAL);
    if (!m_handle) {
        const char *error = ::dlerror();
        *why = QStringLiteral("cannot load %1: %2").arg(path, error ? QString::fromLocal8Bit(error) : QStringLiteral("not found"));
        return false;
    }
    m_api = new Api{};
    bool missing = false;
    const auto resolve = [&](auto &function, const char *symbol) {
        // POSIX guarantees that dlsym's object pointer converts to a function pointer.
        function = reinterpret_cast<std::remove_reference_t<decltype(function)>>(::dlsym(m_handle, symbol));
        if (!function && !missing) {
            missing = true;
            *why = QStringLiteral("%1 has no %2").arg(path, QLatin1StringView(symbol));
        }
    };
    resolve(m_api->init, "nvmlInit_v2");
    resolve(m_api->shutdown, "nvmlShutdown");
    resolve(m_api->deviceCount, "nvmlDeviceGetCount_v2");
    resolve(m_api->handleByIndex, "nvmlDeviceGetHandleByIndex_v2");
    resolve(m_api->name, "nvmlDeviceGetName");
    resolve(m_api->uuid, "nvmlDeviceGetUUID");
    resolve(m_api->memoryInfo, "nvmlDeviceGetMemoryInfo");
    resolve(m_api->utilization, "nvmlDeviceGetUtilizationRates");
    resolve(m_api->errorString, "nvmlErrorString");
    if (missing)
        return false;
    // Per-process memory is a bonus: a library without any of these still reads devices.
    static_assert(offsetof(nvmlProcessInfo_v2_t, usedGpuMemory) == offsetof(nvmlProcessInfo_v1_t, usedGpuMemory));
    for (const auto &[symbol, size] : {std::pair{"nvmlDeviceGetComputeRunningProcesses_v3", sizeof(nvmlProcessInfo_v2_t)},
                                       std::pair{"nvmlDeviceGetComputeRunningProcesses_v2", sizeof(nvmlProcessInfo_v2_t)},
                                       std::pair{"nvmlDeviceGetComputeRunningProcesses", sizeof(nvmlProcessInfo_v1_t)}}) {
        m_api->processes = reinterpret_cast<decltype(m_api->processes)>(::dlsym(m_handle, symbol));
        if (m_api->processes) {
            m_api->processInfoSize = size;
            break;
        }
    }
    // Without a driver (a library left behind, a container without the device) this fails.
    if (const nvmlReturn_t code = m_api->init(); code != NVML_SUCCESS) {
        *why = m_api->describe("nvmlInit_v2", code);
        return false;
    }
    m_initialized = true;
    return true;
}

std::optional<QList<GpuInfo>> NvmlLibrary::read(QString *why) const
{
    if (!m_initialized) {
        *why = QStringLiteral("NVML is not loaded");
        return std::nullopt;
    }
    unsigned int count = 0;
    if (const nvmlReturn_t code = m_api->deviceCount(&count); code != NVML_SUCCESS) {
        *why = m_api->describe("nvmlDeviceGetCount_v2", code);
        return std::nullopt;
    }
    QList<GpuInfo> gpus;
    for (unsigned int i = 0; i < std::min(count, kMaxDevices); ++i) {
        nvmlDevice_t device = nullptr;
        if (const nvmlReturn_t code = m_api->handleByIndex(i, &device); code != NVML_SUCCESS) {
            *why = m_api->describe("nvmlDeviceGetHandleByIndex_v2", code);
            return std::nullopt;
        }
        char name[kNameBufferSize] = {};
        char uuid[kUuidBufferSize] = {};
        if (const nvmlReturn_t code = m_api->name(device, name, kNameBufferSize); code != NVML_SUCCESS) {
            *why = m_api->describe("nvmlDeviceGetName", code);
            return std::nullopt;
        }
        if (const nvmlReturn_t code = m_api->uuid(device, uuid, kUuidBufferSize); code != NVML_SUCCESS) {
            *why = m_api->describe("nvmlDeviceGetUUID", code);
            return std::nullopt;
        }
        GpuInfo gpu;
        // NVML's enumeration order is nvidia-smi's index, the one CUDA_VISIBLE_DEVICES names.
        gpu.index = int(i);
        gpu.name = QString::fromUtf8(name, qstrnlen(name, kNameBufferSize));
        gpu.uuid = QString::fromUtf8(uuid, qstrnlen(uuid, kUuidBufferSize));
        // A device may not report memory or utilization (nvidia-smi's "[N/A]"): 0, as there.
        nvmlMemory_t memory{};
        if (const nvmlReturn_t code = m_api->memoryInfo(device, &memory); code == NVML_SUCCESS) {
            gpu.memoryTotalBytes = qint64(memory.total);
            gpu.memoryUsedBytes = qint64(memory.used);
        } else if (code != NVML_ERROR_NOT_SUPPORTED) {
            *why = m_api->describe("nvmlDeviceGetMemoryInfo", code);
            return std::nullopt;
        }
        nvmlUtilization_t utilization{};
        if (const nvmlReturn_t code = m_api->utilization(device, &utilization); code == NVML_SUCCESS) {
            gpu.utilizationPercent = int(std::min(utilization.gpu, 100u));
        } else if (code != NVML_ERROR_NOT_SUPPORTED) {
            *why = m_api->describe("nvmlDeviceGetUtilizationRates", code);
            return std::nullopt;
        }
        gpu.processes = m_api->listProcesses(device);
        gpus.append(gpu);
    }
    return gpus;
}

} // namespace ServeDeck
